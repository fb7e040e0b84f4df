using QuorumCache.Cluster.Slots;
using QuorumCache.Node.Clustering;
using QuorumCache.Tests.Infrastructure;

namespace QuorumCache.Tests.Node.Core;

/// <summary>
/// A slot paused for the last step of a hand-off: commands for it wait until it resumes (or, in the
/// cluster, until it is redirected), and whole-keyspace commands leave it to the node it is moving to.
/// </summary>
public class PausedSlotTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    private ClusterRouter Router => Assert.IsType<ClusterRouter>(node.Server.Router);

    [Fact]
    public async Task AWriteToAPausedSlotWaitsAndRunsOnResume()
    {
        var k = NodeFixture.Key();
        var slot = HashSlot.Of(k);
        await using var c = await node.ConnectAsync();
        Router.Pause(slot);
        try
        {
            var set = c.Run("SET", k, "v");
            await Task.Delay(200);
            Assert.False(set.IsCompleted, "the SET ran while its slot was paused");
            Assert.Equal(0, node.Server.Keyspace[slot].Count);
            Router.Resume(slot);
            Reply.IsOk(await set);
        }
        finally
        {
            Router.Resume(slot);
        }
        Reply.IsBulk(await c.Run("GET", k), "v");
    }

    [Fact]
    public async Task FlushallLeavesAPausedSlotAlone()
    {
        var paused = NodeFixture.Key("p");
        var other = NodeFixture.Key("o");
        var slot = HashSlot.Of(paused);
        Assert.NotEqual(slot, HashSlot.Of(other));
        await using var c = await node.ConnectAsync();
        Reply.IsOk(await c.Run("SET", paused, "kept"));
        Reply.IsOk(await c.Run("SET", other, "flushed"));
        Router.Pause(slot);
        try
        {
            Reply.IsOk(await c.Run("FLUSHALL"));
            Assert.Equal(1, node.Server.Keyspace[slot].Count);
        }
        finally
        {
            Router.Resume(slot);
        }
        Reply.IsBulk(await c.Run("GET", paused), "kept");
        Reply.IsBulk(await c.Run("GET", other), null);
    }
}
