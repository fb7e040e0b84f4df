using QuorumCache.Node.Commands.Bitmaps;
using QuorumCache.Resp;
using QuorumCache.Tests.Infrastructure;

namespace QuorumCache.Tests.Node.Bitmaps;

/// <summary>
/// BITCOUNT, BITPOS and BITOP over random byte strings against <see cref="BitmapModel"/>. Seeded;
/// the seed and the failing command are in the message (QC_BITMAP_SEED=N tries another run).
/// </summary>
public class BitmapPropertyTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    private static readonly int Seed = int.TryParse(Environment.GetEnvironmentVariable("QC_BITMAP_SEED"), out var s) ? s : 7_2026;

    private static byte[] RandomBytes(Random rng, int maxLength)
    {
        var b = new byte[rng.Next(0, maxLength + 1)];
        // Long runs of 0x00 and 0xFF as well as noise, so the searches cross whole words and vectors.
        var style = rng.Next(4);
        for (var i = 0; i < b.Length; i++)
            b[i] = style switch
            {
                0 => (byte)rng.Next(256),
                1 => rng.Next(40) == 0 ? (byte)rng.Next(256) : (byte)0,
                2 => rng.Next(40) == 0 ? (byte)rng.Next(256) : (byte)0xFF,
                _ => (byte)(1 << rng.Next(8)),
            };
        return b;
    }

    private static long Index(Random rng, int length) => rng.Next(6) switch
    {
        0 => rng.Next(-3 * length - 3, 3 * length + 4) * 8L + rng.Next(8),
        1 => -rng.Next(1, length * 8 + 10),
        2 => rng.Next(0, length * 8 + 10),
        3 => rng.Next(2) == 0 ? long.MinValue : long.MaxValue,
        _ => rng.Next(-length - 2, length + 2),
    };

    [Fact]
    public async Task BitCountAndBitPosMatchTheModelOverTcp()
    {
        var rng = new Random(Seed);
        await using var c = await node.ConnectAsync();
        for (var round = 0; round < 150; round++)
        {
            var value = RandomBytes(rng, round % 10 == 0 ? 300 : 40);
            var k = NodeFixture.Key("p");
            Reply.IsOk(await c.ExecuteAsync(BitPair.Encode(["SET", k, value])));
            for (var q = 0; q < 12; q++)
            {
                var start = Index(rng, value.Length);
                var end = Index(rng, value.Length);
                var bits = rng.Next(2) == 0;
                var bit = rng.Next(2);
                var unit = bits ? "BIT" : "BYTE";
                await Expect(c, value, BitmapModel.Count(value, start, end, bits), "BITCOUNT", k, start, end, unit);
                await Expect(c, value, BitmapModel.Pos(value, bit, start, end, bits), "BITPOS", k, bit, start, end, unit);
                await Expect(c, value, BitmapModel.Pos(value, bit, start, null, false), "BITPOS", k, bit, start);
            }
            await Expect(c, value, BitmapModel.Count(value, 0, -1, false), "BITCOUNT", k);
            await Expect(c, value, value.Length == 0 ? -1 : BitmapModel.Pos(value, 0, 0, null, false), "BITPOS", k, 0);
        }
    }

    [Fact]
    public async Task BitOpMatchesTheModelOverTcp()
    {
        var rng = new Random(Seed);
        await using var c = await node.ConnectAsync();
        string[] ops = ["AND", "OR", "XOR", "NOT"];
        for (var round = 0; round < 200; round++)
        {
            var tag = NodeFixture.Key("");
            var op = ops[rng.Next(ops.Length)];
            var n = op == "NOT" ? 1 : rng.Next(1, 5);
            var sources = new byte[n][];
            var args = new List<object> { "BITOP", op, tag + "dest" };
            for (var i = 0; i < n; i++)
            {
                sources[i] = RandomBytes(rng, round % 10 == 0 ? 200 : 30);
                var key = tag + "s" + i;
                if (sources[i].Length > 0 || rng.Next(2) == 0)
                    Reply.IsOk(await c.ExecuteAsync(BitPair.Encode(["SET", key, sources[i]])));
                args.Add(key);
            }
            var expected = BitmapModel.Op(op, sources);
            var line = $"seed {Seed}, round {round}: {BitPair.Show([.. args])} over [{string.Join(", ", sources.Select(Convert.ToHexString))}]";
            var reply = await c.ExecuteAsync(BitPair.Encode([.. args]));
            Assert.True(reply.Type == RespType.Integer && reply.Integer == expected.Length, $"{line}\n  got {reply}");
            var stored = await c.ExecuteAsync(BitPair.Encode(["GET", tag + "dest"]));
            Assert.True(expected.Length == 0 ? stored.IsNull : stored.Bytes!.AsSpan().SequenceEqual(expected),
                $"{line}\n  expected {Convert.ToHexString(expected)}\n  got {BitPair.Render(stored)}");
        }
    }

    [Fact]
    public void BitOpsMatchTheModelOnLongStrings()
    {
        var rng = new Random(Seed);
        for (var round = 0; round < 400; round++)
        {
            var s = RandomBytes(rng, 2000);
            if (s.Length == 0) continue;
            var start = Index(rng, s.Length);
            var end = Index(rng, s.Length);
            var bits = rng.Next(2) == 0;
            var line = $"seed {Seed}, round {round}: length {s.Length}, {start}..{end} {(bits ? "BIT" : "BYTE")}";
            var model = BitmapModel.Range(s, start, end, bits);
            Assert.True(BitOps.TryResolveRange(s.Length, start, end, bits, out var first, out var last) == model is not null, line);
            if (model is null) continue;
            Assert.Equal((model.Value.First, model.Value.Last), (first, last));
            var count = 0L;
            for (var i = first; i <= last; i++) count += BitmapModel.Bit(s, i);
            Assert.True(count == BitOps.Count(s, first, last), line);
            foreach (var bit in new[] { 0, 1 })
                Assert.True(BitmapModel.Pos(s, bit, start, end, bits) == BitOps.Find(s, bit, first, last), $"{line} bit {bit}");
        }
    }

    private static async Task Expect(RespClient c, byte[] value, long expected, params object[] args)
    {
        var reply = await c.ExecuteAsync(BitPair.Encode(args));
        Assert.True(reply.Type == RespType.Integer && reply.Integer == expected,
            $"seed {Seed}: {BitPair.Show(args)} over {Convert.ToHexString(value)}\n  expected {expected}, got {reply}");
    }
}
