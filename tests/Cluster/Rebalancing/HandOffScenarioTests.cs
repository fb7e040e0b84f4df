using QuorumCache.Cluster.HandOff;
using QuorumCache.Cluster.Map;
using QuorumCache.Node.Server;
using QuorumCache.Tests.Cluster.Rebalancing.Sim;

namespace QuorumCache.Tests.Cluster.Rebalancing;

/// <summary>
/// Exact interleavings of the hand-off's rules, each node running the real HandOffProtocol in the simulation
/// (<see cref="ClusterSim"/>): what the target does when the source or the target fails between the map change
/// and the seal, a slot handed on as soon as it arrives, a slot that comes back before its seal is confirmed,
/// and a leaving node's last hand-offs. Reads (<see cref="ClusterSim.ReadAt"/>) and writes check that a node
/// serving a slot holds exactly its acknowledged keys.
/// </summary>
public class HandOffScenarioTests
{
    /// <summary>Two nodes; a slot <c>a</c> owns, with k1 written; its hand-off to <c>b</c> is in the map, copied and
    /// acknowledged, and a has asked for the completion (not committed yet).</summary>
    private static (ClusterSim Sim, string A, string B, int Slot, long Tag) CopiedToB(int nodes = 2, bool strict = true)
    {
        var sim = new ClusterSim(new SimOptions { InitialNodes = nodes, StrictOwnership = strict });
        var (a, b) = (sim.MemberIds[0], sim.MemberIds[1]);
        var s = sim.SlotOf(a);
        Assert.Equal(RouteKind.Local, sim.WriteAt(a, $"k1@{s}"));
        var tag = sim.BeginMove(s, a, b);
        sim.SyncAll();        // a snapshots {k1} and forwards later writes; b holds the slot's commands
        Assert.Equal(RouteKind.Hold, sim.ReadAt(b, s));
        sim.DeliverAll(a, b); // b loads the snapshot
        sim.DeliverAll(b, a); // a has the acknowledgement: it asks for the completion, still serving
        Assert.Equal(1, sim.PendingProposals);
        return (sim, a, b, s, tag);
    }

    [Fact]
    public void The_source_serves_until_the_change_and_the_target_from_the_seal()
    {
        var (sim, a, b, s, _) = CopiedToB();
        Assert.Equal(RouteKind.Local, sim.WriteAt(a, $"k2@{s}")); // forwarded
        sim.DeliverProposals();
        sim.Sync(b);                                               // b owns the slot, but has no seal yet
        Assert.Equal(RouteKind.Hold, sim.WriteAt(b, $"k3@{s}"));   // held at b
        Assert.Equal(RouteKind.Local, sim.WriteAt(a, $"k4@{s}")); // a has not seen the change: it still serves
        sim.Sync(a);                                               // a seals
        Assert.Equal(RouteKind.Moved, sim.ReadAt(a, s));
        sim.DeliverAll(a, b);                                      // k2, k4, the seal: b serves, k3 runs
        Assert.Equal(RouteKind.Local, sim.ReadAt(b, s));
        sim.Node(b).RunRouted();
        Assert.True(sim.IsAcked($"k3@{s}"));
        Assert.True(sim.Node(b).Protocol.IsReceived(s, sim.Committed[s]!.Epoch)); // served before the group actor comes
        sim.DeliverAll(b, a);                                      // the seal confirmed: a drops its copy
        Assert.False(sim.Node(a).Store.ContainsKey(s));
        sim.CheckQuiet();
    }

    /// <summary>
    /// The source fails after the map made the target the owner, before its seal arrives: the target serves the
    /// copy it has. It lacks only what the source acknowledged after its last forwarded frame arrived (k3 here),
    /// lost with the source as any write on a failed node until replication exists.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_source_that_fails_before_sealing_leaves_the_target_serving_what_arrived(bool removed)
    {
        var (sim, a, b, s, _) = CopiedToB(strict: !removed);
        sim.DeliverProposals();                                   // b owns the slot
        Assert.Equal(RouteKind.Local, sim.WriteAt(a, $"k2@{s}")); // a has not seen the change: forwarded...
        sim.DeliverAll(a, b);                                     // ...and arrives
        Assert.Equal(RouteKind.Local, sim.WriteAt(a, $"k3@{s}")); // forwarded, still in flight when a dies
        sim.Sync(b);
        Assert.Equal(RouteKind.Hold, sim.ReadAt(b, s));           // waiting for the seal
        sim.Crash(a);
        if (removed) sim.RemoveMember(a);
        else sim.SetState(a, MemberState.Failed);
        sim.Forget($"k3@{s}");
        sim.Sync(b);
        Assert.Equal(RouteKind.Local, sim.ReadAt(b, s));          // k1 and k2
        Assert.Equal([$"k1@{s}", $"k2@{s}"], sim.Node(b).Store[s].Order());
        Assert.Equal(RouteKind.Local, sim.WriteAt(b, $"k4@{s}"));
        Assert.Equal(0, sim.Node(b).Protocol.IncomingCount);
    }

    /// <summary>
    /// The target fails after the map made it the owner, before confirming the seal: the slot is lost with it
    /// (it is the owner; the coordinator gives a failed node's slots to others only when it is removed). The source
    /// drops its copy, stops resending the seal, and redirects the slot's commands to the owner.
    /// </summary>
    [Fact]
    public void A_target_that_fails_after_the_change_makes_the_source_drop_its_copy_and_stop_resending()
    {
        var (sim, a, b, s, _) = CopiedToB();
        sim.DeliverProposals();
        sim.Sync(a);                                    // a seals; the seal is in flight
        Assert.True(sim.Node(a).IsPaused(s));
        sim.Crash(b);                                   // the seal is lost with b
        sim.Forget($"k1@{s}");
        var sent = sim.SentBy(a);
        sim.Advance(600);                               // unanswered: a sends the slot and the seal again
        Assert.True(sim.SentBy(a) > sent);
        sim.SetState(b, MemberState.Failed);
        sim.Sync(a);                                    // a sees b failed: it gives up the slot
        Assert.Equal(0, sim.Node(a).Protocol.OutgoingCount);
        Assert.False(sim.Node(a).Store.ContainsKey(s));
        Assert.False(sim.Node(a).IsPaused(s));
        Assert.False(sim.Node(a).IsForwarding(s));
        Assert.Equal(RouteKind.Moved, sim.WriteAt(a, $"k2@{s}"));
        sent = sim.SentBy(a);
        sim.Advance(5000);
        sim.Advance(5000);
        Assert.Equal(sent, sim.SentBy(a));              // no more resends
    }

    /// <summary>
    /// A slot that reaches b and is handed on to c at once (b applies the completion and the next hand-off in one
    /// step): b starts its hand-off only once it has the slot whole (the seal), so c gets every write. The source
    /// a lags too: it applies the completion and b → c at once, seals to b all the same, and drops its copy (a
    /// 1,500-seed sweep of the old model once found a lagging source that kept it).
    /// </summary>
    [Fact]
    public void A_slot_handed_on_as_soon_as_it_arrives_goes_on_whole()
    {
        var (sim, a, b, s, _) = CopiedToB(nodes: 3);
        var c = sim.MemberIds[2];
        sim.DeliverProposals();                                   // b owns the slot
        Assert.Equal(RouteKind.Local, sim.WriteAt(a, $"k2@{s}")); // a lags: forwarded to b, in flight
        sim.BeginMove(s, b, c);
        sim.Sync(b);                                              // the completion and b → c at once
        sim.Sync(c);
        Assert.Equal(0, sim.Node(b).Protocol.OutgoingCount);      // b has no seal yet: it does not hand on
        Assert.Equal(0, sim.InFlight(b, c));
        Assert.Equal(RouteKind.Hold, sim.ReadAt(b, s));
        Assert.Equal(RouteKind.Hold, sim.ReadAt(c, s));
        sim.Sync(a);                                              // a seals
        sim.DeliverAll(a, b);                                     // k2 and the seal: b has it whole, hands it on
        var snapshot = Assert.Single(sim.Peek(b, c));
        Assert.Equal(HandOffKind.Snapshot, snapshot.Kind);
        Assert.Equal([$"k1@{s}", $"k2@{s}"], SimNode.Decode(snapshot.Payload.Span).Order());
        Assert.Equal(RouteKind.Local, sim.WriteAt(b, $"k3@{s}")); // b serves meanwhile, forwarding to c
        sim.DeliverAll(b, a);
        sim.DeliverAll(b, c);
        sim.DeliverAll(c, b);                                     // b asks for the completion
        sim.DeliverProposals();
        sim.SyncAll();                                            // b seals
        sim.DeliverAll(b, c);
        Assert.Equal(RouteKind.Local, sim.ReadAt(c, s));
        Assert.Equal([$"k1@{s}", $"k2@{s}", $"k3@{s}"], sim.Node(c).Store[s].Order());
        sim.DeliverAll(c, b);
        sim.CheckQuiet();
    }

    /// <summary>
    /// A slot comes back to its old source before the source learns that its seal was confirmed (the
    /// confirmation was lost): the source, now the owner again with every write, must not drop the slot when the
    /// confirmation of its old seal finally arrives.
    /// </summary>
    [Fact]
    public void A_late_seal_confirmation_does_not_drop_a_slot_that_came_back()
    {
        var (sim, a, b, s, _) = CopiedToB();
        sim.DeliverProposals();
        sim.SyncAll();                                            // a seals
        sim.DeliverAll(a, b);                                     // b confirms and serves...
        sim.BreakLink(b, a);                                      // ...but the confirmation is lost
        Assert.Equal(RouteKind.Local, sim.WriteAt(b, $"k2@{s}"));
        sim.BeginMove(s, b, a);                                   // the slot goes back to a
        sim.SyncAll();
        sim.DeliverAll(b, a);                                     // a loads {k1, k2}, its old hand-off still sealed
        sim.DeliverAll(a, b);
        sim.DeliverProposals();
        sim.SyncAll();                                            // a owns the slot again; b seals
        sim.DeliverAll(b, a);                                     // a has it whole
        Assert.Equal([$"k1@{s}", $"k2@{s}"], sim.Node(a).Store[s].Order());
        sim.Advance(600);                                         // a's old seal, unanswered, is sent again
        sim.DeliverAll(a, b);                                     // b answers it (the slot was received there)
        sim.DeliverAll(b, a);                                     // the late confirmation reaches a
        Assert.Equal(0, sim.Node(a).Protocol.OutgoingCount);
        Assert.Equal(RouteKind.Local, sim.ReadAt(a, s));
        Assert.Equal(RouteKind.Local, sim.WriteAt(a, $"k3@{s}"));
        sim.SyncAll();
        sim.CheckQuiet();
    }

    /// <summary>
    /// Found by the simulation: a command routed Local on the old owner just before the change, whose thread
    /// reaches the slot's lock only after the whole seal round trip, ran there (the source had stopped forwarding
    /// and resumed the slot) and was acknowledged on a node whose copy was gone: lost. Now a slot handed away stays
    /// paused on the old owner (IHandOffHost.Retire) until it is its own again, and Dispatcher.BeginSlotBatch
    /// refuses any paused slot, so the command routes again and is redirected.
    /// </summary>
    [Fact]
    public void A_command_routed_before_the_change_does_not_run_on_the_old_owner_after_the_hand_off_ended()
    {
        var (sim, a, b, s, _) = CopiedToB();
        sim.DeliverProposals();
        Assert.Equal(RouteKind.Local, sim.RouteOnly(a, $"k2@{s}")); // a's map still names it the owner
        sim.Node(a).Stall();
        sim.SyncAll();                    // a seals
        sim.DeliverAll(a, b);             // b serves
        sim.DeliverAll(b, a);             // a stops forwarding, drops its copy, keeps the slot paused
        sim.Node(a).RunStalled();         // must be redirected to b, not run on a
        Assert.False(sim.IsAcked($"k2@{s}"));
    }

    /// <summary>
    /// Found by the simulation: the coordinator removed a leaving member as soon as the map showed it owned
    /// nothing, before the targets of its last hand-offs had its seals. A target that applied the removal closed
    /// its data link to it (frames in flight lost) and took the source for failed: it served the slot without
    /// the writes the source had acknowledged and forwarded meanwhile. Now the member asks for its removal once
    /// its seals are confirmed.
    /// </summary>
    [Fact]
    public void A_leaving_node_is_removed_only_once_its_seals_are_confirmed()
    {
        var sim = new ClusterSim(new SimOptions { InitialNodes = 2 });
        var (a, b) = (sim.MemberIds[0], sim.MemberIds[1]);
        var slots = sim.Committed.SlotsOf(a);
        var s = slots[0];
        Assert.Equal(RouteKind.Local, sim.WriteAt(a, $"k0@{s}"));
        sim.SetState(a, MemberState.Leaving);
        sim.BeginMove(slots, a, b);       // all of a's slots, in batches of one slot group
        sim.SyncAll();                    // a snapshots and forwards; b holds the slots' commands
        sim.DeliverAll(a, b);             // b loads the snapshots
        sim.DeliverAll(b, a);             // a has every acknowledgement: it asks for the completions
        Assert.Equal(RouteKind.Local, sim.WriteAt(a, $"k1@{s}")); // still a's in its map: forwarded, in flight
        sim.DeliverProposals();           // b owns every slot: a owns nothing
        sim.CoordinatorStep();
        sim.Sync(b);                      // b has the change, not the seal: it waits for it
        Assert.Equal(RouteKind.Hold, sim.ReadAt(b, s));
        Assert.Contains(a, sim.MemberIds);
        sim.Sync(a);                      // a seals
        sim.DeliverAll(a, b);             // k1, then the seal: b serves everything
        Assert.Equal(RouteKind.Local, sim.ReadAt(b, s));
        Assert.Equal([$"k0@{s}", $"k1@{s}"], sim.Node(b).Store[s].Order());
        sim.DeliverAll(b, a);             // the seals confirmed: a drops its copies and asks to be removed
        Assert.Equal(0, sim.Node(a).Protocol.OutgoingCount);
        sim.DeliverProposals();
        Assert.DoesNotContain(a, sim.MemberIds);
        sim.SyncAll();
        sim.CheckQuiet();
    }
}
