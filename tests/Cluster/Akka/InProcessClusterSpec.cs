using QuorumCache.Node.Config;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using QuorumCache.Cluster.Map;
using QuorumCache.Cluster.Runtime;
using QuorumCache.Cluster.Slots;
using QuorumCache.Node;
using QuorumCache.Node.Clustering;
using QuorumCache.Node.Hosting;
using QuorumCache.Node.Server;
using QuorumCache.Resp;

namespace QuorumCache.Tests.Cluster.Akka;

/// <summary>
/// Three whole nodes in this process, each with its own ActorSystem, form one Akka cluster over
/// loopback: a member joins through another's client port, every node converges on the coordinator's
/// map, Sharding places each slot group's actor where the map puts the group, a node that does not own
/// a key answers MOVED to the one that does, and a member that dies without leaving is downed and
/// marked failed in everyone's map.
/// </summary>
public sealed class InProcessClusterSpec : global::Akka.TestKit.Xunit2.TestKit, IAsyncLifetime
{
    private sealed record RunningNode(WebApplication App, int Port, ClusterNode Cluster, string DataDir);

    private readonly List<RunningNode> _nodes = [];

    private async Task<RunningNode> StartAsync(params string[] join) => await StartAsync(faults: false, join);

    private async Task<RunningNode> StartAsync(bool faults, params string[] join)
    {
        var options = NodeOptionsLoader.Defaults();
        options.Port = 0;
        options.DataDir = Path.Combine(Path.GetTempPath(), "qc-spec-" + Guid.NewGuid().ToString("N"));
        options.Join = join;
        options.EnableFaultInjection = faults;
        var app = Program.BuildApp(options);
        await app.StartAsync();
        var port = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;
        var server = app.Services.GetRequiredService<NodeServer>();
        ClusterNode? cluster = null;
        await AwaitConditionAsync(() => Task.FromResult((cluster = server.Cluster?.Node) is { Map.IsBootstrapped: true }), TimeSpan.FromSeconds(30));
        var node = new RunningNode(app, port, cluster!, options.DataDir);
        _nodes.Add(node);
        return node;
    }

    [Fact]
    public async Task Three_nodes_form_one_map_answer_MOVED_and_a_crashed_member_is_marked_failed()
    {
        var a = await StartAsync();
        var b = await StartAsync($"127.0.0.1:{a.Port}");
        var c = await StartAsync($"127.0.0.1:{a.Port}");
        RunningNode[] all = [a, b, c];

        // Every node lists all three members, Up, in the same map (version and coordinator term).
        await AwaitAssertAsync(() =>
        {
            foreach (var n in all)
            {
                Assert.Equal(3, n.Cluster.Map.Members.Values.Count(m => m.State == MemberState.Up));
                Assert.Equal(a.Cluster.Map.Version, n.Cluster.Map.Version);
                Assert.Equal(a.Cluster.Term, n.Cluster.Term);
            }
            Assert.Single(all, n => n.Cluster.IsCoordinator);
            Assert.All(all, n => Assert.True(n.Cluster.CanServe));
            // The rebalancer has started giving the newcomers slots.
            Assert.NotEmpty(a.Cluster.Map.SlotsOf(c.Cluster.MyId));
        }, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(100));

        // Once the rebalance is over, each node hosts the actors of exactly the slot groups the map gives
        // it (Sharding followed every move), and each holds 85 or 86 of the 256 groups.
        await AwaitAssertAsync(() =>
        {
            var map = a.Cluster.Map;
            Assert.Empty(map.HandOffs);
            Assert.Empty(Rebalancer.Plan(map));
            foreach (var n in all)
            {
                Assert.Equal(map.Version, n.Cluster.Map.Version);
                for (var g = 0; g < SlotGroup.Count; g++)
                    Assert.True(n.Cluster.IsGroupHosted(g) == (map.GroupHome(g) == n.Cluster.MyId),
                        $"group {g}: home {map.GroupHome(g)?[..6]}, hosted on {n.Cluster.MyId[..6]}: {n.Cluster.IsGroupHosted(g)}");
                Assert.InRange(n.Cluster.GroupsHosted, 85, 86);
            }
        }, TimeSpan.FromSeconds(45), TimeSpan.FromMilliseconds(200));

        // A key of a slot that b owns (and is not moving): a answers MOVED to b's client port.
        await AwaitAssertAsync(async () =>
        {
            var map = a.Cluster.Map;
            var slot = map.SlotsOf(b.Cluster.MyId).First(s => !map.HandOffs.ContainsKey(s));
            var key = KeyInSlot(slot);
            await using var client = await RespClient.ConnectAsync("127.0.0.1", a.Port);
            var reply = await client.ExecuteAsync("SET", key, "v");
            Assert.True(reply.IsError, $"SET through a: {reply}");
            Assert.Equal($"MOVED {slot} 127.0.0.1:{b.Port}", reply.Text);
        }, TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(100));

        // c dies without leaving: Akka marks it unreachable, the Split Brain Resolver downs it, and the
        // coordinator marks it failed; a and b keep serving (they are the majority).
        await c.Cluster.CrashForTestsAsync();
        await AwaitAssertAsync(() =>
        {
            foreach (var n in new[] { a, b })
            {
                Assert.Equal(MemberState.Failed, n.Cluster.Map.Find(c.Cluster.MyId)?.State);
                Assert.True(n.Cluster.IsDowned(c.Cluster.MyId));
                Assert.True(n.Cluster.CanServe);
            }
        }, TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(100));
    }

    /// <summary>
    /// The member with the lowest id is cut off: it is downed, and while still cut off it restarts its
    /// actor system to rejoin. It must not found an Akka cluster of its own (as the lowest id may after a
    /// whole-cluster restart), nor serve or coordinate; once the links heal it is back in the others' map.
    /// </summary>
    [Fact]
    public async Task A_downed_node_still_cut_off_founds_no_cluster_of_its_own_and_rejoins_after_the_heal()
    {
        var first = await StartAsync(faults: true);
        RunningNode[] all = [first, await StartAsync(true, $"127.0.0.1:{first.Port}"), await StartAsync(true, $"127.0.0.1:{first.Port}")];
        await AwaitAssertAsync(() =>
        {
            foreach (var n in all) Assert.Equal(3, n.Cluster.Map.Members.Values.Count(m => m.State == MemberState.Up));
        }, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(100));
        var cut = all.MinBy(n => n.Cluster.MyId, StringComparer.Ordinal)!;
        var rest = all.Where(n => n != cut).ToArray();
        foreach (var n in rest)
        {
            n.Cluster.SetLinkBlocked(cut.Cluster.MyId, true);
            cut.Cluster.SetLinkBlocked(n.Cluster.MyId, true);
        }

        await AwaitAssertAsync(() =>
        {
            foreach (var n in rest) Assert.Equal(MemberState.Failed, n.Cluster.Map.Find(cut.Cluster.MyId)?.State);
        }, TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(100));
        // Its own Split Brain Resolver downs it (it is the minority) and it starts a new actor system to rejoin.
        await AwaitConditionAsync(() => Task.FromResult(cut.Cluster.Incarnation > 1), TimeSpan.FromSeconds(15));
        // Long enough for Akka's seed-node timeout (2 s) to pass several times over: a node allowed to
        // form a cluster alone would have.
        var until = DateTime.UtcNow.AddSeconds(8);
        while (DateTime.UtcNow < until)
        {
            Assert.False(cut.Cluster.IsCoordinator, "the cut-off node became a coordinator of its own cluster");
            Assert.False(cut.Cluster.CanServe, "the cut-off node serves");
            await Task.Delay(100);
        }

        foreach (var n in all) n.Cluster.HealLinks();
        await AwaitAssertAsync(() =>
        {
            foreach (var n in all)
            {
                Assert.Equal(3, n.Cluster.Map.Members.Values.Count(m => m.State == MemberState.Up));
                Assert.True(n.Cluster.CanServe);
            }
            Assert.Single(all, n => n.Cluster.IsCoordinator);
        }, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(100));
    }

    private static string KeyInSlot(int slot)
    {
        for (var i = 0; ; i++)
        {
            var key = "k" + i;
            if (HashSlot.Of(key) == slot) return key;
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    async Task IAsyncLifetime.DisposeAsync()
    {
        foreach (var n in Enumerable.Reverse(_nodes))
        {
            // A cancelled stop skips the drain (moving every slot away first): these nodes' data is throwaway.
            await n.App.StopAsync(new CancellationToken(canceled: true));
            await n.App.DisposeAsync();
            try { Directory.Delete(n.DataDir, recursive: true); } catch (IOException) { }
        }
    }
}
