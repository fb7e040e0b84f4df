using System.Text;
using QuorumCache.Node.Storage.Types;

namespace QuorumCache.Tests.Node.Sets;

/// <summary>The hashtable encoding and the set/hash types against reference collections, with seeded random operations.</summary>
public class ByteTableTests
{
    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void RandomOperationsAgreeWithADictionary(int seed)
    {
        var rng = new Random(seed);
        var table = new ByteTable<byte[]>(withValues: true);
        var reference = new Dictionary<string, string>();
        for (var step = 0; step < 20000; step++)
        {
            // Phases of growth and of shrinking, so both resizes happen.
            var growing = (step / 4000) % 2 == 0;
            var key = "k" + rng.Next(3000);
            if (rng.Next(100) < (growing ? 70 : 25))
            {
                var i = table.Find(B(key));
                if (i >= 0) table.SetValueAt(i, B("v" + step));
                else table.AddNew(B(key), B("v" + step));
                reference[key] = "v" + step;
            }
            else Assert.True(table.Remove(B(key)) == reference.Remove(key), $"remove {key} (seed {seed}, step {step})");
            Assert.Equal(reference.Count, table.Count);
        }
        foreach (var (k, v) in reference)
        {
            var i = table.Find(B(k));
            Assert.True(i >= 0, $"{k} lost (seed {seed})");
            Assert.Equal(v, Encoding.UTF8.GetString(table.ValueAt(i)));
        }
        var live = 0;
        for (var i = 0; i < table.End; i++)
            if (table.KeyAt(i) is not null) live++;
        Assert.Equal(reference.Count, live);
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    public void ScanReturnsEveryStableKeyDespiteResizes(int seed)
    {
        var rng = new Random(seed);
        var table = new ByteTable<byte[]?>(withValues: false);
        for (var i = 0; i < 500; i++) table.AddNew(B("stable" + i), null);
        var seen = new HashSet<string>();
        ulong cursor = 0;
        var temp = 0;
        var calls = 0;
        do
        {
            cursor = table.Scan(cursor, rng.Next(1, 30), i => seen.Add(Encoding.UTF8.GetString(table.KeyAt(i)!)));
            // Between steps: add up to a few thousand (grows), or remove all temporaries (shrinks).
            if (rng.Next(3) == 0)
                for (var i = 0; i < temp; i++) table.Remove(B("tmp" + i));
            else
                for (var n = rng.Next(0, 1500); n > 0; n--)
                {
                    var k = B("tmp" + temp++);
                    if (table.Find(k) < 0) table.AddNew(k, null);
                }
            Assert.True(++calls < 100000);
        } while (cursor != 0);
        for (var i = 0; i < 500; i++) Assert.True(seen.Contains("stable" + i), $"stable{i} missed (seed {seed})");
    }

    [Fact]
    public void RandomIndexIsUniformAfterManyDeletes()
    {
        var rng = new Random(5);
        var table = new ByteTable<byte[]?>(withValues: false);
        for (var i = 0; i < 4000; i++) table.AddNew(B("m" + i), null);
        for (var i = 0; i < 3996; i++) table.Remove(B("m" + i));
        var counts = new Dictionary<string, int>();
        for (var i = 0; i < 8000; i++)
        {
            var k = Encoding.UTF8.GetString(table.KeyAt(table.RandomIndex(rng))!);
            counts[k] = counts.GetValueOrDefault(k) + 1;
        }
        Assert.Equal(["m3996", "m3997", "m3998", "m3999"], counts.Keys.Order().ToArray());
        Assert.All(counts.Values, n => Assert.InRange(n, 1700, 2300));
    }

    [Theory]
    [InlineData(21)]
    [InlineData(22)]
    public void SetAgreesWithAHashSetThroughEveryEncoding(int seed)
    {
        var rng = new Random(seed);
        var set = RedisSet.CreateEmpty();
        var reference = new HashSet<string>();
        for (var step = 0; step < 3000; step++)
        {
            var m = rng.Next(4) switch
            {
                0 => rng.Next(-50, 700).ToString(),
                1 => "s" + rng.Next(150),
                2 => "0" + rng.Next(10), // not canonical integers
                _ => rng.Next(700).ToString(),
            };
            if (step > 1500 && rng.Next(2) == 0) Assert.Equal(reference.Remove(m), set.Remove(B(m)));
            else Assert.Equal(reference.Add(m), set.Add(B(m), EncodingLimits.Default));
            Assert.Equal(reference.Count, set.Count);
        }
        var members = new List<string>();
        var e = set.GetEnumerator();
        while (e.MoveNext()) members.Add(Encoding.UTF8.GetString(e.Current));
        Assert.Equal(reference.Order(StringComparer.Ordinal), members.Order(StringComparer.Ordinal));
        foreach (var m in reference) Assert.True(set.Contains(B(m)), $"{m} (seed {seed})");
    }

    private static readonly EncodingLimits L128 = EncodingLimits.Default with { HashMaxListpackEntries = 128 };

    [Fact]
    public void HashKeepsListpackOrderAndConvertsOnce()
    {
        var h = new RedisHash();
        for (var i = 0; i < 128; i++) Assert.True(h.Set(B("f" + i), B("v" + i), L128));
        Assert.Equal("listpack", h.EncodingName);
        Assert.False(h.Set(B("f5"), B("changed"), L128));
        Assert.True(h.Remove(B("f0")));
        var e = h.GetEnumerator();
        Assert.True(e.MoveNext());
        Assert.Equal("f1", Encoding.UTF8.GetString(e.Field));
        Assert.True(h.Set(B("f128"), B("x"), L128)); // 128 fields again
        Assert.Equal("listpack", h.EncodingName);
        Assert.True(h.Set(B("f129"), B("x"), L128));
        Assert.Equal("hashtable", h.EncodingName);
        Assert.True(h.TryGet(B("f5"), out var v));
        Assert.Equal("changed", Encoding.UTF8.GetString(v));
        var copy = (RedisHash)h.Clone();
        copy.Set(B("f5"), B("copy"), L128);
        Assert.True(h.TryGet(B("f5"), out v));
        Assert.Equal("changed", Encoding.UTF8.GetString(v));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(127)]
    [InlineData(128)]
    [InlineData(300)]
    [InlineData(16383)]
    [InlineData(16384)]
    [InlineData(70000)]
    public void PackedHashHoldsEntriesOfAnyLengthWhenTheValueLimitAllows(int length)
    {
        var limits = EncodingLimits.Default with { HashMaxListpackValue = 100_000 };
        var big = new string('x', length);
        var h = new RedisHash();
        h.Set(B("a"), B("1"), limits);
        h.Set(B(big), B(big + "v"), limits);
        h.Set(B("z"), B(big), limits);
        Assert.Equal("listpack", h.EncodingName);
        Assert.True(h.TryGet(B(big), out var v));
        Assert.Equal(big + "v", Encoding.UTF8.GetString(v));
        Assert.False(h.Set(B(big), B("short"), limits)); // a replacement of another length moves the rest
        Assert.False(h.Set(B("a"), B(big), limits));
        Assert.True(h.Remove(B("z")));
        var e = h.GetEnumerator();
        var seen = new List<string>();
        while (e.MoveNext()) seen.Add(Encoding.UTF8.GetString(e.Field) + "=" + Encoding.UTF8.GetString(e.Value).Length);
        Assert.Equal(["a=" + length, big + "=5"], seen);
        Assert.Equal(2, h.Count);
        h.Set(B("long"), B(new string('y', 100_001)), limits);
        Assert.Equal("hashtable", h.EncodingName);
        Assert.True(h.TryGet(B("a"), out v));
        Assert.Equal(length, v.Length);
    }
}
