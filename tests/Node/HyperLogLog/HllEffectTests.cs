using QuorumCache.Tests.Infrastructure;
using QuorumCache.Tests.Node.Sets;

namespace QuorumCache.Tests.Node.HyperLogLog;

/// <summary>
/// Replication effects of the HLL commands: recorded on a private node, replayed on a fresh server,
/// the strings must be identical (cached counts included); commands that change nothing leave no effect.
/// </summary>
public sealed class HllEffectTests : RecordingNode
{
    private static string[] Elements(string prefix, int n) => Enumerable.Range(0, n).Select(i => prefix + i).ToArray();

    [Fact]
    public async Task HllWritesReplayToTheSameStrings()
    {
        await using var c = await Node.ConnectAsync();
        var t = NodeFixture.Key("");
        string s = t + "s", d = t + "d", m = t + "m", g = t + "g";
        await c.Run(["PFADD", s, .. Elements("a", 30)]);
        await c.Run("PFCOUNT", s);                                   // writes the cached count
        await c.Run(["PFADD", d, .. Elements("b", 4000)]);           // promoted to dense on the way
        await c.Run("PFCOUNT", d);
        await c.Run(["PFADD", d, .. Elements("c", 10)]);             // dense, in place
        await c.Run("PFMERGE", m, s, d);
        await c.Run("PFMERGE", s, t + "none");
        await c.Run("PFADD", g, "x");
        await c.Run("PFDEBUG", "TODENSE", g);
        await c.Run("PFCOUNT", s, d, m);                             // a union: no change
        var fresh = Recorder.ReplayOnFreshServer();
        foreach (var k in new[] { s, d, m, g })
        {
            var live = (await c.Run("GET", k)).Bytes;
            Assert.Equal(live, Assert.IsType<byte[]>(Stored.Value(fresh, k)));
        }
    }

    [Fact]
    public async Task CommandsThatChangeNothingLeaveNoEffect()
    {
        await using var c = await Node.ConnectAsync();
        var t = NodeFixture.Key("");
        await c.Run(["PFADD", t + "a", .. Elements("a", 20)]);
        await c.Run("PFCOUNT", t + "a");
        Assert.Equal(["PFCOUNT", t + "a"], Recorder.Commands()[^1]);
        var before = Recorder.Count;
        await c.Run(["PFADD", t + "a", .. Elements("a", 20)]);       // all present
        await c.Run("PFCOUNT", t + "a");                             // cached
        await c.Run("PFCOUNT", t + "a", t + "none");                 // union
        await c.Run("PFCOUNT", t + "none");
        await c.Run("PFDEBUG", "ENCODING", t + "a");
        await c.Run("PFDEBUG", "DECODE", t + "a");
        await c.Run("SET", t + "str", "foo");
        before = Recorder.Count;
        await c.Run("PFADD", t + "str", "x");                        // not an HLL
        await c.Run("PFMERGE", t + "str", t + "a");
        Assert.Equal(before, Recorder.Count);
    }
}
