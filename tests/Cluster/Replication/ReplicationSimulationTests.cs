using QuorumCache.Tests.Cluster.Replication.Sim;
using Xunit.Abstractions;

namespace QuorumCache.Tests.Cluster.Replication;

/// <summary>
/// The replication protocol (<see cref="QuorumCache.Cluster.Replication.GroupReplica"/>, the real code) under a seeded
/// scheduler with message loss, reordering, duplication, partitions, crashes, pauses and false suspicions. A failing
/// seed replays exactly: run <see cref="One_seed"/> with it.
/// </summary>
public sealed class ReplicationSimulationTests(ITestOutputHelper output)
{
    public static TheoryData<int> Batches() => [0, 1, 2, 3];

    [Theory]
    [MemberData(nameof(Batches))]
    public void Many_seeds_lose_no_acknowledged_write_and_stay_linearizable(int batch)
    {
        const int perBatch = 50;
        long ops = 0, faults = 0, acked = 0;
        for (var seed = batch * perBatch; seed < (batch + 1) * perBatch; seed++)
        {
            var sim = new ReplicationSim(new ReplicationSimOptions { Seed = seed });
            sim.Run();
            ops += sim.Operations.Count;
            faults += sim.Faults;
            acked += sim.Operations.Count(o => o.Outcome == QuorumCache.MultiNode.Checker.Outcome.Ok);
        }
        output.WriteLine($"{perBatch} seeds: {ops} operations ({acked} acknowledged), {faults} faults");
        Assert.True(acked > ops / 4, $"too few operations succeeded ({acked} of {ops}): the simulation is not exercising the protocol");
    }

    [Theory]
    [InlineData(12345)]
    public void One_seed(int seed)
    {
        var sim = new ReplicationSim(new ReplicationSimOptions { Seed = seed });
        sim.Run();
        output.WriteLine($"{sim.Operations.Count} operations, {sim.Faults} faults, {sim.Coordinator.Failovers} failovers, {sim.Coordinator.MemberChanges} member changes, {sim.World.Steps} events");
    }
}
