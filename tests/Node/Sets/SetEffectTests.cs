using QuorumCache.Tests.Infrastructure;

namespace QuorumCache.Tests.Node.Sets;

/// <summary>
/// Replication effects of set writes: recorded on a private node, replayed on a fresh server, the
/// contents must be identical. SPOP must never appear as itself (it is random).
/// </summary>
public sealed class SetEffectTests : RecordingNode
{
    [Fact]
    public async Task SPopReplaysAsSRemOfThePoppedMembers()
    {
        await using var c = await Node.ConnectAsync();
        var t = NodeFixture.Key();
        var big = t + "big";
        var small = t + "small";
        var ints = t + "ints";
        await c.Run(["SADD", big, .. Enumerable.Range(0, 600).Select(i => "m" + i)]);
        await c.Run(["SADD", small, .. Enumerable.Range(0, 20).Select(i => "s" + i)]);
        await c.Run(["SADD", ints, .. Enumerable.Range(0, 50).Select(i => i.ToString())]);
        await c.Run("SPOP", big);
        await c.Run("SPOP", big, "250");
        await c.Run("SPOP", small, "7");
        await c.Run("SPOP", ints, "10");
        await c.Run("SPOP", ints);
        var effects = Recorder.Commands();
        Assert.DoesNotContain(effects, e => e[0].Equals("SPOP", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(effects, e => e[0] == "SREM" && e[1] == big && e.Length == 252);
        var fresh = Recorder.ReplayOnFreshServer();
        foreach (var k in new[] { big, small, ints })
        {
            var live = CollectionTestKit.Sorted(await c.Run("SMEMBERS", k));
            Assert.Equal(live, Stored.SetMembers(fresh, k));
        }
    }

    [Fact]
    public async Task SPopOfEverythingReplaysAsDel()
    {
        await using var c = await Node.ConnectAsync();
        var k = NodeFixture.Key("s");
        await c.Run("SADD", k, "a", "b", "c");
        Assert.Equal(3, Reply.Strings(await c.Run("SPOP", k, "10")).Length);
        Assert.Equal(["DEL", k], Recorder.Commands()[^1]);
        var fresh = Recorder.ReplayOnFreshServer();
        Assert.Null(Stored.Value(fresh, k));
    }

    [Fact]
    public async Task MixedWritesReplayToTheSameContents()
    {
        var seed = Environment.TickCount;
        var rng = new Random(seed);
        await using var c = await Node.ConnectAsync();
        var t = NodeFixture.Key();
        string[] keys = [t + "a", t + "b", t + "c", t + "d"];
        for (var i = 0; i < 400; i++)
        {
            var k = keys[rng.Next(keys.Length)];
            var other = keys[rng.Next(keys.Length)];
            var m = rng.Next(3) == 0 ? rng.Next(100).ToString() : "m" + rng.Next(200);
            string[] cmd = rng.Next(10) switch
            {
                0 or 1 or 2 => ["SADD", k, m, "m" + rng.Next(200)],
                3 => ["SREM", k, m],
                4 => ["SPOP", k, rng.Next(0, 4).ToString()],
                5 => ["SPOP", k],
                6 => ["SMOVE", k, other, m],
                7 => ["SINTERSTORE", k, other, keys[rng.Next(keys.Length)]],
                8 => ["SUNIONSTORE", k, other, keys[rng.Next(keys.Length)]],
                _ => ["SDIFFSTORE", k, other, keys[rng.Next(keys.Length)]],
            };
            Reply.AssertNotError(await c.Run(cmd));
        }
        var fresh = Recorder.ReplayOnFreshServer();
        foreach (var k in keys)
        {
            var live = CollectionTestKit.Sorted(await c.Run("SMEMBERS", k));
            var replayed = Stored.SetMembers(fresh, k) ?? [];
            Assert.True(live.SequenceEqual(replayed), $"{k} differs after replay (seed {seed})");
            Assert.Equal((await c.Run("OBJECT", "ENCODING", k)).Text, (Stored.Value(fresh, k) as QuorumCache.Node.Storage.RedisObject)?.EncodingName);
        }
    }
}
