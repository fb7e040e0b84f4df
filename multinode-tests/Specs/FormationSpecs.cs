using QuorumCache.MultiNode.Harness;
using Xunit.Abstractions;

namespace QuorumCache.MultiNode.Specs;

/// <summary>Checks a formed cluster: one map everywhere, balanced slots, everyone healthy, one coordinator.</summary>
internal static class FormationChecks
{
    public static async Task AssertFormedAsync(Scenario s, IReadOnlyList<NodeProcess> nodes)
    {
        await s.BarrierAsync($"all nodes see {nodes.Count} members", TimeSpan.FromSeconds(10),
            Conditions.AllSeeMembers(nodes, nodes.Count));

        await s.StepAsync("every node reports the same CLUSTER SLOTS covering 16384 slots", TimeSpan.FromSeconds(10), async _ =>
        {
            string? first = null;
            foreach (var n in nodes)
            {
                var reply = await n.CommandAsync("CLUSTER", "SLOTS");
                Assert.Equal(16384, ClusterViews.SlotsCovered(reply));
                var canon = ClusterViews.CanonicalSlots(reply);
                first ??= canon;
                Assert.Equal(first, canon);
            }
        });

        await s.StepAsync("slots are balanced within one slot group (64 slots), nobody failed, cluster_state ok", TimeSpan.FromSeconds(10), async _ =>
        {
            foreach (var observer in nodes)
            {
                var lines = await TestCluster.NodesSeenByAsync(observer);
                Assert.Equal(nodes.Count, lines.Count);
                Assert.All(lines, l => Assert.False(l.IsFailed || l.IsSuspected, $"{observer.Name} flags {l.Id} {string.Join(',', l.Flags)}"));
                Assert.Single(lines, l => l.IsMyself && l.Id == observer.NodeId);
                var counts = lines.Select(l => l.SlotCount).ToArray();
                Assert.Equal(16384, counts.Sum());
                Assert.True(counts.All(c => c % 64 == 0) && counts.Max() - counts.Min() <= 64, $"unbalanced slot counts seen by {observer.Name}: {string.Join(", ", counts)}");
                var info = await TestCluster.InfoOfAsync(observer);
                Assert.Equal("ok", info["cluster_state"]);
                Assert.Equal(nodes.Count.ToString(), info["cluster_known_nodes"]);
                Assert.Equal("1", info["cluster_can_serve"]);
            }
        });

        // A node serves a slot it received by a hand-off at once; the group's actor follows within moments.
        await s.BarrierAsync("every node hosts the actors of exactly the slot groups it owns (Sharding follows the map)", TimeSpan.FromSeconds(10), async _ =>
        {
            var owned = 0;
            foreach (var n in nodes)
            {
                var info = await TestCluster.InfoOfAsync(n);
                if (info["cluster_slot_groups_owned"] != info["cluster_slot_groups_hosted"])
                    return Observation.No($"{n.Name} owns {info["cluster_slot_groups_owned"]} groups, hosts {info["cluster_slot_groups_hosted"]}");
                owned += int.Parse(info["cluster_slot_groups_owned"]);
            }
            return owned == 256 ? Observation.Yes() : Observation.No($"{owned} groups owned in all");
        });

        await s.StepAsync("all nodes name the same coordinator, one of them, in the same term", TimeSpan.FromSeconds(10), async _ =>
        {
            var seen = new HashSet<string>();
            foreach (var n in nodes)
            {
                var info = await TestCluster.InfoOfAsync(n);
                seen.Add(info["cluster_coordinator"] + " term " + info["cluster_coordinator_term"]);
            }
            Assert.Single(seen);
            Assert.Contains(nodes, n => seen.First().StartsWith(n.NodeId + " ", StringComparison.Ordinal));
        });

        await s.StepAsync("a key written through one node is readable through every node (following MOVED)", TimeSpan.FromSeconds(15), async _ =>
        {
            var ports = nodes.Select(n => n.Port).ToArray();
            for (int i = 0; i < nodes.Count; i++)
            {
                await using var writer = new ClusterClient(new[] { ports[i] });
                var key = $"formation:{s.Seed}:{i}";
                var w = await writer.ExecuteAsync(key, "SET", key, $"v{i}");
                Assert.True(w.IsOk, $"SET via {nodes[i].Name}: {w}");
                foreach (var reader in nodes)
                {
                    await using var c = new ClusterClient(new[] { reader.Port });
                    var r = await c.ExecuteAsync(key, "GET", key);
                    Assert.True(r.IsOk, $"GET via {reader.Name}: {r}");
                    Assert.Equal($"v{i}", r.Value!.Text);
                }
            }
        });
    }
}

[Collection(SharedClusterCollection.Name)]
public sealed class FormationOfThreeSpec(SharedClusterFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public Task Three_nodes_form_one_balanced_cluster() =>
        Scenario.RunAsync("formation of 3", output, s =>
            FormationChecks.AssertFormedAsync(s, new[] { s.Role("A"), s.Role("B"), s.Role("C") }), fixture.Cluster);
}

public sealed class FormationOfFiveSpec(ITestOutputHelper output)
{
    [Fact]
    public Task Five_nodes_form_one_balanced_cluster() =>
        Scenario.RunAsync("formation of 5", output, async s =>
        {
            var names = new[] { "A", "B", "C", "D", "E" };
            await s.StartClusterAsync(new ClusterOptions { Names = names, ReadyTimeout = TimeSpan.FromSeconds(120) });
            await FormationChecks.AssertFormedAsync(s, names.Select(s.Role).ToArray());
            await s.StepAsync("Akka.Cluster has all 5 members up and reachable", TimeSpan.FromSeconds(10), async _ =>
            {
                var info = await TestCluster.InfoOfAsync(s.Role("C"));
                Assert.Equal("5", info["cluster_akka_members"]);
            });
        });
}
