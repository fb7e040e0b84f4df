using QuorumCache.Cluster.Bus;
using QuorumCache.Cluster.Membership;

namespace QuorumCache.Tests.Cluster.Membership;

public class HeartbeatMonitorTests
{
    private sealed class Sim
    {
        public readonly ManualTimeProvider Clock = new();
        public readonly InMemoryBusNetwork Net;
        public readonly Dictionary<string, HeartbeatMonitor> Monitors = new();

        public Sim(int seed, params string[] ids)
        {
            Net = new InMemoryBusNetwork(seed) { MinDelayMs = 1, MaxDelayMs = 10 };
            foreach (var id in ids)
            {
                var m = new HeartbeatMonitor(Net.CreateBus(id), new PhiAccrualFailureDetector(), Clock, TimeSpan.FromMilliseconds(100));
                m.SetPeers(ids);
                m.Start();
                Monitors[id] = m;
            }
        }

        /// <summary>Advances virtual time in 1 ms steps, delivering frames as they fall due.</summary>
        public void Run(long ms)
        {
            for (var i = 0; i < ms; i++)
            {
                Clock.Advance(1);
                Net.DeliverUntil(Clock.NowMs);
            }
        }

        /// <summary>Runs until <paramref name="watcher"/> suspects <paramref name="target"/>; returns how long that took.</summary>
        public long RunUntilSuspected(string watcher, string target, long limitMs)
        {
            var start = Clock.NowMs;
            while (Monitors[watcher].IsAvailable(target))
            {
                Assert.True(Clock.NowMs - start < limitMs, $"{watcher} did not suspect {target} within {limitMs} ms (seed {Net.Seed})");
                Run(1);
            }
            return Clock.NowMs - start;
        }
    }

    [Fact]
    public void Live_peers_stay_available_and_round_trips_are_measured()
    {
        var sim = new Sim(5, "a", "b", "c");
        sim.Run(5000);
        foreach (var (id, m) in sim.Monitors)
        {
            foreach (var peer in m.Peers)
            {
                Assert.True(m.Detector.IsMonitoring(peer), $"{id} has no heartbeat from {peer}");
                Assert.True(m.IsAvailable(peer), $"{id} suspects {peer}: phi {m.Phi(peer)}");
                Assert.InRange(m.RoundTripMs(peer)!.Value, 2, 20);
            }
            Assert.DoesNotContain(id, m.Peers);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void A_partitioned_peer_is_suspected_within_two_seconds_and_recovers_after_heal(int seed)
    {
        var sim = new Sim(seed, "a", "b", "c");
        sim.Run(3000);
        sim.Net.Partition(["c"], ["a", "b"]);
        var took = sim.RunUntilSuspected("a", "c", 5000);
        Assert.InRange(took, 1000, 2000);
        // c is cut off too; its view of a crosses the threshold at most one heartbeat phase later.
        Assert.True(sim.RunUntilSuspected("c", "a", 200) < 200);
        Assert.True(sim.Monitors["a"].IsAvailable("b"));
        Assert.True(sim.Monitors["b"].IsAvailable("a"));

        sim.Net.Heal();
        sim.Run(300);
        Assert.True(sim.Monitors["a"].IsAvailable("c"));
        Assert.True(sim.Monitors["c"].IsAvailable("b"));
    }

    [Fact]
    public void Removing_a_peer_from_the_set_stops_heartbeats_to_it()
    {
        var sim = new Sim(7, "a", "b");
        sim.Run(1000);
        sim.Monitors["a"].SetPeers([]);
        Assert.False(sim.Monitors["a"].Detector.IsMonitoring("b"));
        var took = sim.RunUntilSuspected("b", "a", 5000);
        Assert.InRange(took, 1000, 2000);
    }

    [Fact]
    public void Malformed_heartbeat_frames_are_ignored()
    {
        var sim = new Sim(1, "a", "b");
        var stranger = sim.Net.CreateBus("z");
        stranger.Send("a", BusChannel.Heartbeat, [1, 2, 3]);
        stranger.Send("a", BusChannel.Heartbeat, [9, 0, 0, 0, 0, 0, 0, 0, 0]);
        sim.Run(500);
        Assert.False(sim.Monitors["a"].Detector.IsMonitoring("z"));
        Assert.True(sim.Monitors["a"].IsAvailable("b"));
    }
}
