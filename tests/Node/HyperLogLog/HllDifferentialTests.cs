using System.Text;
using QuorumCache.Tests.Infrastructure;
using QuorumCache.Tests.Node.Bitmaps;

namespace QuorumCache.Tests.Node.HyperLogLog;

/// <summary>
/// PFADD, PFCOUNT and PFMERGE against a real redis-server: same replies, and the stored strings (GET)
/// byte-identical in the sparse and dense encodings, so HLL values move between the two servers.
/// </summary>
public class HllDifferentialTests(NodeFixture node, RedisServerFixture redis) : IClassFixture<NodeFixture>, IClassFixture<RedisServerFixture>
{
    /// <summary>Elements of every tail length MurmurHash64A distinguishes (0..23 bytes), binary and text.</summary>
    private static byte[] Element(Random rng, int i) =>
        (i % 3) switch
        {
            0 => Encoding.ASCII.GetBytes("e" + i),
            1 => RandomBytes(rng, rng.Next(0, 24)),
            _ => BitConverter.GetBytes((long)i * 7919),
        };

    private static byte[] RandomBytes(Random rng, int n)
    {
        var b = new byte[n];
        rng.NextBytes(b);
        return b;
    }

    private static object[] Command(string name, string key, List<byte[]> elements)
    {
        var args = new object[elements.Count + 2];
        args[0] = name;
        args[1] = key;
        for (var i = 0; i < elements.Count; i++) args[i + 2] = elements[i];
        return args;
    }

    [Fact]
    public async Task PfAddRepliesAndTheStoredBytesMatch()
    {
        await using var p = await BitPair.Open(node, redis);
        var k = NodeFixture.Key("h");
        await p.Same("PFADD", k);                 // creates an empty HLL: 1
        await p.Same("GET", k);
        await p.Same("PFADD", k);                 // exists, nothing added: 0
        await p.Same("PFCOUNT", k);
        await p.Same("GET", k);                   // the count is now cached in the header
        await p.Same("PFADD", k, "a", "b", "c");
        await p.Same("PFADD", k, "a");
        await p.Same("PFADD", k, "c", "d");
        await p.Same("GET", k);
        await p.Same("PFDEBUG", "DECODE", k);
        await p.Same("PFDEBUG", "ENCODING", k);
        await p.Same("PFCOUNT", k);
        await p.Same("GET", k);
        await p.Same("TYPE", k);
        await p.Same("STRLEN", k);
        var rng = new Random(7);
        for (var round = 0; round < 60; round++)
        {
            var batch = new List<byte[]>();
            for (var i = 0; i < round * 3 + 1; i++) batch.Add(Element(rng, round * 1000 + i));
            await p.Same(Command("PFADD", k, batch));
            await p.Same("GET", k);
            await p.Same("PFDEBUG", "ENCODING", k);
        }
        await p.Same("PFCOUNT", k);
        await p.Same("GET", k);
        var fresh = NodeFixture.Key("n");
        await p.Same("PFADD", fresh, "only");
        await p.Same("GET", fresh);
    }

    [Fact]
    public async Task CountsMatchFromNothingTo200000Elements()
    {
        await using var p = await BitPair.Open(node, redis);
        var k = NodeFixture.Key("h");
        await p.Same("PFCOUNT", k);
        var rng = new Random(2024);
        var added = 0;
        var step = 0;
        while (added < 200_000)
        {
            var n = Math.Max(1, Math.Min(200_000 - added, added / 25));
            var batch = new List<byte[]>(n);
            for (var i = 0; i < n; i++) batch.Add(Element(rng, added + i));
            added += n;
            await p.Same(Command("PFADD", k, batch));
            await p.Same("PFCOUNT", k);
            if (step++ % 8 == 0) await p.Same("GET", k);
        }
        await p.Same("PFCOUNT", k);
        await p.Same("GET", k);
        Assert.True(step > 150, $"only {step} sizes compared");
    }

    [Fact]
    public async Task MergeOfSparseAndDenseInputsMatches()
    {
        await using var p = await BitPair.Open(node, redis);
        var t = NodeFixture.Key("");
        string s1 = t + "s1", s2 = t + "s2", d1 = t + "d1", d2 = t + "d2";
        var rng = new Random(11);
        async Task Fill(string key, int from, int count)
        {
            var batch = new List<byte[]>();
            for (var i = 0; i < count; i++) batch.Add(Element(rng, from + i));
            await p.Same(Command("PFADD", key, batch));
        }
        await Fill(s1, 0, 40);
        await Fill(s2, 20, 60);
        await Fill(d1, 1000, 5000);
        await Fill(d2, 3000, 9000);
        foreach (var key in new[] { s1, s2, d1, d2 }) await p.Same("PFDEBUG", "ENCODING", key);

        await p.Same("PFMERGE", t + "m1", s1, s2);                  // sparse + sparse: stays sparse
        await p.Same("GET", t + "m1");
        await p.Same("PFMERGE", t + "m2", s1, d1);                  // a dense input makes the target dense
        await p.Same("GET", t + "m2");
        await p.Same("PFMERGE", t + "m3", d1, d2, s2, t + "none");
        await p.Same("GET", t + "m3");
        await p.Same("PFMERGE", s1, s2);                            // sparse destination merged in place
        await p.Same("GET", s1);
        await p.Same("PFMERGE", s2, d2);                            // sparse destination turned dense
        await p.Same("GET", s2);
        await p.Same("PFMERGE", t + "m4");                          // only the destination: an empty HLL
        await p.Same("GET", t + "m4");
        await p.Same("PFMERGE", t + "m4", t + "none");
        await p.Same("GET", t + "m4");
        await Fill(t + "big1", 50_000, 200);                        // sparse inputs whose union outgrows sparse
        await Fill(t + "big2", 60_000, 200);
        await p.Same("PFMERGE", t + "m5", t + "big1", t + "big2");
        await p.Same("GET", t + "m5");
        foreach (var key in new[] { "m1", "m2", "m3", "m4", "m5" }) await p.Same("PFCOUNT", t + key);

        await p.Same("PFCOUNT", s1, s2, d1, d2);                    // the union, no key changes
        await p.Same("PFCOUNT", d1, t + "none", s1);
        await p.Same("PFCOUNT", t + "none", t + "none2");
        await p.Same("GET", d1);
    }

    [Fact]
    public async Task RedisProducedStringsWorkHereAndOursThere()
    {
        await using var p = await BitPair.Open(node, redis);
        var rng = new Random(3);
        foreach (var size in new[] { 0, 1, 10, 100, 500, 3000, 20_000 })
        {
            var k = NodeFixture.Key("h");
            var batch = new List<byte[]>();
            for (var i = 0; i < size; i++) batch.Add(Element(rng, i));
            Reply.AssertNotError(await p.Redis.ExecuteAsync(BitPair.Encode(Command("PFADD", k, batch))));
            var bytes = (await p.Redis.ExecuteAsync(BitPair.Encode(["GET", k]))).Bytes!;
            Reply.AssertNotError(await p.Ours.ExecuteAsync(BitPair.Encode(["SET", k, bytes])));
            await p.Same("PFCOUNT", k);
            await p.Same("GET", k);
            await p.Same("PFADD", k, "x", "y", "z", size.ToString());
            await p.Same("GET", k);
            await p.Same("PFCOUNT", k);

            // And back: a string made here, given to Redis.
            var k2 = NodeFixture.Key("h");
            Reply.AssertNotError(await p.Ours.ExecuteAsync(BitPair.Encode(Command("PFADD", k2, batch))));
            var ours = (await p.Ours.ExecuteAsync(BitPair.Encode(["GET", k2]))).Bytes!;
            Reply.AssertNotError(await p.Redis.ExecuteAsync(BitPair.Encode(["SET", k2, ours])));
            await p.Same("PFCOUNT", k2);
            await p.Same("GET", k2);
        }
    }

    [Fact]
    public async Task WrongTypesAndCorruptValuesGetRedisErrors()
    {
        await using var p = await BitPair.Open(node, redis);
        var t = NodeFixture.Key("");
        await p.Both("RPUSH", t + "list", "a");
        var header = "HYLL"u8.ToArray();
        byte[] Hll(byte encoding, params byte[] body) => [.. header, encoding, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x80, .. body];
        var dense = Hll(0, new byte[12288]);
        var values = new Dictionary<string, byte[]>
        {
            ["str"] = "foo"u8.ToArray(),
            ["int"] = "12345"u8.ToArray(),
            ["empty"] = [],
            ["magic"] = "HYLL"u8.ToArray(),
            ["hdr"] = Hll(1),                                          // sparse with no opcodes: corrupt
            ["enc2"] = Hll(2, 0x7f, 0xff),
            ["shortdense"] = Hll(0, new byte[100]),
            ["longdense"] = [.. dense, 0],
            ["under"] = Hll(1, 0x40, 99),                              // XZERO covering 100 registers only
            ["over"] = Hll(1, 0x7f, 0xff, 0x7f, 0xff),                 // twice 16384 registers
            ["valover"] = Hll(1, 0x7f, 0xfe, 0xff),                    // 16383 zeros then VAL 32 x4
            ["cutxzero"] = Hll(1, 0x7f),                               // XZERO missing its second byte
            ["highregs"] = Hll(0, Enumerable.Repeat((byte)0xff, 12288).ToArray()),
            ["validcache"] = [.. header, 1, 0, 0, 0, 42, 0, 0, 0, 0, 0, 0, 0, 0x7f, 0xff],
        };
        foreach (var (name, v) in values)
        {
            var k = t + name;
            await p.Both("SET", k, v);
            await p.Same("PFCOUNT", k);
            await p.Same("PFCOUNT", k, t + "none");
            await p.Same("PFADD", k, "a", "b", "c", "d", "e", "f", "g", "h");
            await p.Same("GET", k);
            await p.Same("PFMERGE", t + "dest", k);
            await p.Same("PFMERGE", k, t + "none");
            await p.Same("GET", k);
            foreach (var sub in new[] { "ENCODING", "DECODE", "TODENSE", "GETREG" }) await p.Same("PFDEBUG", sub, k);
            await p.Same("GET", k);
        }
        foreach (var cmd in new[] { "PFADD", "PFCOUNT", "PFMERGE" }) await p.Same(cmd, t + "list", t + "x");
        await p.Same("PFCOUNT", t + "none", t + "list");
        await p.Same("PFMERGE", t + "none", t + "list");
        await p.Same("PFDEBUG", "GETREG", t + "list");
        await p.Same("PFDEBUG", "GETREG", t + "none");
        await p.Same("PFDEBUG", "nosuch", t + "dest");
        await p.Same("PFDEBUG", "nosuch", t + "none");
        await p.Same("PFDEBUG", "ENCODING");
        await p.Same("PFDEBUG", "ENCODING", t + "dest", "x");
        await p.Same("PFADD");
        await p.Same("PFCOUNT");
        await p.Same("PFMERGE");
        await p.Same("PFSELFTEST", "x");
        await p.Same("EXISTS", t + "none");
    }

    [Fact]
    public async Task PfDebugMatches()
    {
        await using var p = await BitPair.Open(node, redis);
        var k = NodeFixture.Key("h");
        await p.Same("PFADD", k, "a", "b", "c", "hello", "world");
        await p.Same("PFDEBUG", "DECODE", k);
        await p.Same("PFDEBUG", "ENCODING", k);
        await p.Same("PFDEBUG", "GETREG", k);                   // turns it dense
        await p.Same("PFDEBUG", "ENCODING", k);
        await p.Same("GET", k);
        await p.Same("PFDEBUG", "DECODE", k);
        await p.Same("PFDEBUG", "TODENSE", k);
        var k2 = NodeFixture.Key("h");
        await p.Same("PFADD", k2, "x");
        await p.Same("pfdebug", "todense", k2);
        await p.Same("GET", k2);
        await p.Same("PFCOUNT", k2);
        await p.Same("PFSELFTEST");
    }

    [Fact]
    public async Task TheSparseLimitIsASettingAndPromotesWhereRedisDoes()
    {
        await using var p = await BitPair.Open(node, redis);
        await p.Same("CONFIG", "GET", "hll-sparse-max-bytes");
        try
        {
            foreach (var limit in new[] { "0", "17", "100", "400", "12000" })
            {
                await p.Same("CONFIG", "SET", "hll-sparse-max-bytes", limit);
                await p.Same("CONFIG", "GET", "hll-sparse-max-bytes");
                var k = NodeFixture.Key("h");
                var rng = new Random(limit.Length);
                for (var round = 0; round < 40; round++)
                {
                    var batch = new List<byte[]>();
                    for (var i = 0; i < 1 + round * round / 4; i++) batch.Add(Element(rng, round * 10_000 + i));
                    await p.Same(Command("PFADD", k, batch));
                    await p.Same("PFDEBUG", "ENCODING", k);
                    await p.Same("GET", k);
                }
                var m = NodeFixture.Key("m");
                await p.Same("PFADD", m + "a", "1", "2", "3");
                await p.Same("PFMERGE", m, m + "a");
                await p.Same("GET", m);
            }
            await p.Same("CONFIG", "SET", "hll-sparse-max-bytes", "-1");
            await p.Same("CONFIG", "SET", "hll-sparse-max-bytes", "abc");
        }
        finally
        {
            await p.Both("CONFIG", "SET", "hll-sparse-max-bytes", "3000");
        }
    }

    [Fact]
    public async Task WritesKeepTheTtlAndPfCountOfOneKeyInvalidatesWatch()
    {
        await using var p = await BitPair.Open(node, redis);
        var k = NodeFixture.Key("h");
        await p.Same("PFADD", k, "a");
        await p.Same("EXPIRE", k, "1000");
        await p.Same("PFADD", k, "b", "c");
        var many = new List<byte[]>();
        for (var i = 0; i < 3000; i++) many.Add(Encoding.ASCII.GetBytes("m" + i));
        await p.Same(Command("PFADD", k, many));                    // promoted: a new value, same TTL
        await p.Same("PFDEBUG", "ENCODING", k);
        await p.Same("TTL", k);
        await p.Same("PFMERGE", k, k);
        await p.Same("TTL", k);

        // PFCOUNT of one key writes the cached count: a WATCH on the key sees it (Redis signals it).
        await using var other = await BitPair.Open(node, redis);
        foreach (var (cached, label) in new[] { (false, "invalid cache"), (true, "valid cache") })
        {
            if (!cached) await other.Same("PFADD", k, "x" + label);
            else await other.Same("PFCOUNT", k);
            await p.Same("WATCH", k);
            await other.Same("PFCOUNT", k);
            await p.Same("MULTI");
            await p.Same("PING");
            await p.Same("EXEC");                                     // nil after a recount, PONG after a cached one
        }
    }
}
