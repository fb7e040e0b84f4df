using QuorumCache.Cluster.Map;
using QuorumCache.Node.Server;
using QuorumCache.Tests.Cluster.Rebalancing.Sim;

namespace QuorumCache.Tests.Cluster.Rebalancing;

/// <summary>
/// Interleavings that lost acknowledged writes under the hand-off's first rules, replayed against the real
/// HandOffProtocol and ClusterMapStateMachine to show what stops them now:
/// <list type="bullet">
/// <item>the write numbering restarted at 1 after every (re)snapshot, and a link break that lost [write 1 of
/// stream 1, snapshot 2] let write 1 of stream 2 pass as the next write after snapshot 1: the target became the
/// owner without the lost write. Numbering now never restarts (a snapshot carries the number of its last write),
/// so the target sees the gap, does not confirm the seal, and the source's retry sends a fresh snapshot;</item>
/// <item>a completion did not name its attempt: one that reached the log after an abort and a new attempt of
/// the same slot completed the new attempt before its target had the data. Completions now carry the attempt's
/// tag, and the state machine ignores one for another attempt.</item>
/// </list>
/// </summary>
public class HandOffFlawTests
{
    [Fact]
    public void A_write_lost_with_a_resent_snapshot_shows_as_a_gap_and_the_seal_retry_resends_the_slot()
    {
        var sim = new ClusterSim(new SimOptions { InitialNodes = 2 });
        var (a, b) = (sim.MemberIds[0], sim.MemberIds[1]);
        var s = sim.SlotOf(a);
        Assert.Equal(RouteKind.Local, sim.WriteAt(a, $"k1@{s}"));
        sim.BeginMove(s, a, b);
        sim.SyncAll();                    // a snapshots {k1} and starts forwarding
        sim.DeliverAll(a, b);             // b loads snapshot 1; its acknowledgement is slow on the way back
        Assert.Equal(RouteKind.Local, sim.WriteAt(a, $"k2@{s}")); // forwarded as write 1
        sim.Advance(2001);                // no acknowledgement yet: a sends snapshot 2 {k1, k2}
        Assert.Equal(2, sim.InFlight(a, b));
        sim.BreakLink(a, b);              // the link breaks: write 1 and snapshot 2 are lost
        Assert.Equal(RouteKind.Local, sim.WriteAt(a, $"k3@{s}")); // forwarded as write 2 (1 under the old rule)
        sim.DeliverAll(a, b);             // b expected write 1: a gap
        sim.DeliverAll(b, a);             // the late acknowledgement of snapshot 1: a asks for the completion
        sim.DeliverProposals();
        sim.Sync(b);                      // b owns the slot but waits for the seal
        Assert.Equal(RouteKind.Hold, sim.WriteAt(b, $"k4@{s}"));
        sim.Sync(a);                      // a seals at write 2
        sim.DeliverAll(a, b);             // b saw a gap: it does not confirm
        Assert.Equal(RouteKind.Hold, sim.ReadAt(b, s));
        Assert.Equal(1, sim.Node(b).Protocol.IncomingCount);
        sim.Advance(501);                 // the seal unanswered: a sends the sealed slot again, then the seal
        sim.DeliverAll(a, b);             // b loads {k1, k2, k3} and confirms: it serves, k4 runs
        Assert.Equal(RouteKind.Local, sim.ReadAt(b, s));
        sim.Node(b).RunRouted();
        Assert.True(sim.IsAcked($"k4@{s}"));
        Assert.Equal([$"k1@{s}", $"k2@{s}", $"k3@{s}", $"k4@{s}"], sim.Node(b).Store[s].Order());
        sim.DeliverAll(b, a);
        Assert.False(sim.Node(a).Store.ContainsKey(s));
        sim.CheckQuiet();
    }

    [Fact]
    public void A_late_completion_of_an_aborted_attempt_is_ignored_and_the_next_attempt_completes_whole()
    {
        var sim = new ClusterSim(new SimOptions { InitialNodes = 2 });
        var (a, b) = (sim.MemberIds[0], sim.MemberIds[1]);
        var s = sim.SlotOf(a);
        Assert.Equal(RouteKind.Local, sim.WriteAt(a, $"k1@{s}"));
        var first = sim.BeginMove(s, a, b);
        sim.SyncAll();
        sim.DeliverAll(a, b);
        sim.DeliverAll(b, a);             // a asks for the completion of the first attempt: it is slow to arrive
        sim.AbortMove(s, a, b, first);    // the coordinator's timeout
        sim.SyncAll();                    // b discards its copy; a never stopped serving
        Assert.False(sim.Node(b).Store.ContainsKey(s));
        var second = sim.BeginMove(s, a, b);
        sim.SyncAll();                    // a sends a snapshot of the second attempt
        Assert.Equal(RouteKind.Local, sim.WriteAt(a, $"k2@{s}"));
        sim.DeliverProposals();           // the first attempt's completion: fenced
        Assert.Equal(a, sim.Committed.PrimaryOf(s));
        Assert.Equal(second, sim.Committed.HandOffs[s].StartedAtMs);
        sim.DeliverAll(a, b);
        sim.DeliverAll(b, a);
        sim.DeliverProposals();           // the second attempt's own completion
        Assert.Equal(b, sim.Committed.PrimaryOf(s));
        sim.SyncAll();
        sim.DeliverAll(a, b);
        Assert.Equal(RouteKind.Local, sim.ReadAt(b, s));
        Assert.Equal([$"k1@{s}", $"k2@{s}"], sim.Node(b).Store[s].Order());
        sim.DeliverAll(b, a);
        sim.CheckQuiet();
    }

    /// <summary>
    /// Under today's rules even a completion that names no attempt (tools and tests may send one) cannot make the
    /// target serve without the data: the seal follows the snapshot on the link, and the target serves only once
    /// it has applied everything up to the seal.
    /// </summary>
    [Fact]
    public void A_completion_before_the_copy_is_still_safe_because_the_target_waits_for_the_seal()
    {
        var sim = new ClusterSim(new SimOptions { InitialNodes = 2 });
        var (a, b) = (sim.MemberIds[0], sim.MemberIds[1]);
        var s = sim.SlotOf(a);
        Assert.Equal(RouteKind.Local, sim.WriteAt(a, $"k1@{s}"));
        sim.BeginMove(s, a, b);
        sim.SyncAll();                    // a's snapshot is in flight, not loaded
        sim.CommitCommand(new ClusterCommand { Op = ClusterOp.CompleteHandOff, Slots = [(s, b)], Source = a, Target = b });
        sim.Sync(b);
        Assert.Equal(RouteKind.Hold, sim.ReadAt(b, s));
        sim.Sync(a);                      // a seals behind its snapshot
        sim.DeliverAll(a, b);
        Assert.Equal(RouteKind.Local, sim.ReadAt(b, s));
        Assert.Equal([$"k1@{s}"], sim.Node(b).Store[s].Order());
        sim.DeliverAll(b, a);
        sim.CheckQuiet();
    }
}
