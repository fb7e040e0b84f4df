using QuorumCache.Tests.Infrastructure;
using QuorumCache.Tests.Node.Sets;

namespace QuorumCache.Tests.Node.Bitmaps;

/// <summary>
/// Replication effects of the bitmap writes: recorded on a private node, replayed on a fresh server,
/// the strings must be identical; writes that change nothing leave no effect.
/// </summary>
public sealed class BitmapEffectTests : RecordingNode
{
    [Fact]
    public async Task BitmapWritesReplayToTheSameStrings()
    {
        await using var c = await Node.ConnectAsync();
        var t = NodeFixture.Key("");
        string a = t + "a", b = t + "b", d = t + "d", f = t + "f";
        await c.Run("SETBIT", a, "100", "1");
        await c.Run("SETBIT", a, "3", "1");
        await c.Run("SETBIT", a, "100", "0");
        await c.Run("SET", b, "foobar");
        await c.Run("BITOP", "XOR", d, a, b);
        await c.Run("BITOP", "NOT", a, a);
        await c.Run("BITFIELD", f, "SET", "i5", "#3", "-7", "OVERFLOW", "SAT", "INCRBY", "u63", "9", "-1", "OVERFLOW", "FAIL", "INCRBY", "u8", "100", "1000");
        await c.Run("BITFIELD", f, "OVERFLOW", "WRAP", "INCRBY", "i64", "0", "9223372036854775807", "INCRBY", "i64", "0", "10");
        var fresh = Recorder.ReplayOnFreshServer();
        foreach (var k in new[] { a, b, d, f })
        {
            var live = (await c.Run("GET", k)).Bytes;
            Assert.Equal(live, Assert.IsType<byte[]>(Stored.Value(fresh, k)));
        }
    }

    [Fact]
    public async Task WritesThatChangeNothingLeaveNoEffect()
    {
        await using var c = await Node.ConnectAsync();
        var t = NodeFixture.Key("");
        await c.Run("SETBIT", t + "a", "9", "1");
        var before = Recorder.Count;
        await c.Run("SETBIT", t + "a", "9", "1");                     // same bit
        await c.Run("SETBIT", t + "a", "2", "0");                     // already clear, no growth
        await c.Run("BITFIELD", t + "a", "GET", "u8", "0");           // reads only
        await c.Run("BITOP", "AND", t + "none2", t + "none");          // empty result, nothing to delete
        await c.Run("BITFIELD", t + "a", "SET", "u8", "0", "x");      // rejected
        Assert.Equal(before, Recorder.Count);
        await c.Run("BITOP", "AND", t + "a", t + "none");              // empty result deletes a
        Assert.Equal(["BITOP", "AND", t + "a", t + "none"], Recorder.Commands()[^1]);
        Assert.Null(Stored.Value(Recorder.ReplayOnFreshServer(), t + "a"));
    }
}
