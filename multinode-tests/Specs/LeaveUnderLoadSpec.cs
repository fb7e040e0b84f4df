using QuorumCache.Cluster.Slots;
using QuorumCache.MultiNode.Checker;
using QuorumCache.MultiNode.Harness;
using QuorumCache.MultiNode.Harness.Workloads;
using Xunit.Abstractions;

namespace QuorumCache.MultiNode.Specs;

/// <summary>
/// SIGTERM of a node while clients write: it hands all its slots to the others before it exits, so
/// nothing acknowledged is lost, not even on the slots it owned, and the cluster goes on with two.
/// </summary>
public sealed class LeaveUnderLoadSpec(ITestOutputHelper output)
{
    [Fact]
    public Task A_node_stopped_with_SIGTERM_drains_its_slots_without_losing_a_key() =>
        Scenario.RunAsync("graceful leave under load", output, async s =>
        {
            await s.StartClusterAsync(new ClusterOptions { Names = new[] { "A", "B", "C" } });
            var leaver = s.Role("C");
            var stay = new[] { s.Role("A"), s.Role("B") };
            var leaverSlots = await SpecHelpers.SlotsOfAsync(leaver, stay[0]);
            s.Log($"{leaver.Name} owns {leaverSlots.Count} slots");
            var ports = s.Cluster.Running.Select(n => n.Port).ToArray();
            var writer = new UniqueKeyWriter(ports, new WorkloadOptions { Seed = s.Seed, Prefix = $"leave{s.Seed}", Processes = 3 });
            var rec = new HistoryRecorder();
            var reg = new RegisterWorkload(rec, ports, new WorkloadOptions { Seed = s.Seed, Prefix = $"leave{s.Seed}", Processes = 2, Keys = 12 });
            s.NoteOnFailure(() => $"writer: {writer.Stats}\nregisters: {reg.Stats}");
            using var stop = new CancellationTokenSource();
            var tasks = new[] { writer.RunAsync(stop.Token), reg.RunAsync(stop.Token) };

            await s.BarrierAsync("the writer has 200 acknowledged keys", TimeSpan.FromSeconds(20), _ =>
                Task.FromResult(writer.Acknowledged.Count >= 200 ? Observation.Yes() : Observation.No($"{writer.Acknowledged.Count} acked")));
            var ackedOnLeaver = writer.Acknowledged.Keys.Count(k => SpecHelpers.KeyIn(leaverSlots, k));
            s.Log($"{ackedOnLeaver} acknowledged keys live on {leaver.Name}'s slots before it leaves");

            var exit = await s.StepAsync($"SIGTERM {leaver.Name}: it drains and exits", TimeSpan.FromSeconds(150),
                _ => leaver.StopGracefullyAsync(TimeSpan.FromSeconds(140)));
            await s.StepAsync($"{leaver.Name} exited with status 0", TimeSpan.FromSeconds(5), _ =>
            {
                Assert.Equal(0, exit);
                return Task.CompletedTask;
            });
            await s.BarrierAsync("A and B see 2 members", TimeSpan.FromSeconds(20), Conditions.AllSeeMembers(stay, 2));
            await s.StepAsync("A and B own all 16384 slots between them, with no hand-off left", TimeSpan.FromSeconds(40),
                ct => s.Cluster.WaitReadyAsync(TimeSpan.FromSeconds(30), ct));
            await s.StepAsync("every slot is owned by A or B", TimeSpan.FromSeconds(10), async _ =>
            {
                var owned = (await SpecHelpers.SlotsOfAsync(stay[0], stay[1])).Count + (await SpecHelpers.SlotsOfAsync(stay[1], stay[1])).Count;
                Assert.Equal(HashSlot.Count, owned);
            });

            int ackedAfterLeave = writer.Acknowledged.Count;
            await s.BarrierAsync("writes keep being acknowledged after the leave", TimeSpan.FromSeconds(20), _ =>
                Task.FromResult(writer.Acknowledged.Count >= ackedAfterLeave + 100
                    ? Observation.Yes() : Observation.No($"{writer.Acknowledged.Count - ackedAfterLeave} more")));
            await s.StepAsync("stop the clients", TimeSpan.FromSeconds(30), _ => SpecHelpers.StopAsync(stop, tasks));

            await s.StepAsync("every acknowledged key is readable with its value, the leaver's former slots included", TimeSpan.FromSeconds(60), async _ =>
            {
                var lost = await writer.FindLostAsync(stay.Select(n => n.Port).ToArray());
                Assert.True(lost.Count == 0, $"{lost.Count} of {writer.Acknowledged.Count} acknowledged keys lost:\n{string.Join('\n', lost.Take(20))}");
            });
            await s.StepAsync("register history across the leave is linearizable", TimeSpan.FromSeconds(60), _ =>
            {
                SpecHelpers.AssertLinearizable(s, rec.Snapshot(), "registers");
                return Task.CompletedTask;
            });
        });
}
