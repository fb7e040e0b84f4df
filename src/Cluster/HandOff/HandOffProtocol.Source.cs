using Microsoft.Extensions.Logging;
using QuorumCache.Cluster.Map;
using QuorumCache.Cluster.Slots;

namespace QuorumCache.Cluster.HandOff;

/// <summary>The source's side of a hand-off: snapshot and forward, ask for the change once per batch, seal, retry, drop.</summary>
public sealed partial class HandOffProtocol
{
    /// <summary>Starts the map's hand-off of the slot from here if one waits: its earlier hand-off was confirmed, or it arrived.</summary>
    private void StartWaitingOutgoing(int slot, ClusterMap map)
    {
        if (map.HandOffs.TryGetValue(slot, out var next) && next.Source == _node.MyId) StartOutgoingIfFree(next);
    }

    /// <summary>
    /// Starts a hand-off from here unless the slot is still busy: going out in an earlier hand-off (not
    /// confirmed yet), or still arriving (handed on only once it has arrived whole).
    /// </summary>
    private void StartOutgoingIfFree(HandOffEntry handOff)
    {
        if (!_out.ContainsKey(handOff.Slot) && !_in.ContainsKey(handOff.Slot)) StartOutgoing(handOff);
    }

    private void StartOutgoing(HandOffEntry handOff)
    {
        var o = new Outgoing(handOff.Slot, handOff.StartedAtMs, handOff.Target, _node.NowMs);
        _out[handOff.Slot] = o;
        LogOutgoing(_log, o, "started", o.StartedMs);
        SendSnapshot(o);
    }

    /// <summary>
    /// Snapshot and forward (again). Numbering never restarts: a snapshot carries the number of the last
    /// write it contains, so a write lost together with a resent snapshot shows up as a gap at the target
    /// (which then never confirms the seal) instead of passing unnoticed.
    /// </summary>
    private void SendSnapshot(Outgoing o)
    {
        o.SnapshotSentMs = _node.NowMs;
        _host.StartForwarding(o.Slot,
            snapshot => Send(o.Target, new HandOffFrame(HandOffKind.Snapshot, o.Slot, o.Tag, o.NextSeq, snapshot)),
            effects => Send(o.Target, new HandOffFrame(HandOffKind.Effects, o.Slot, o.Tag, ++o.NextSeq, effects)));
    }

    /// <summary>The map made the target the owner: stop running commands on the slot here and send the seal.</summary>
    private void Seal(Outgoing o)
    {
        o.SealedMs = _node.NowMs;
        _host.Pause(o.Slot, () => SendSeal(o));
    }

    private void SendSeal(Outgoing o)
    {
        o.SealSentMs = _node.NowMs;
        Send(o.Target, new HandOffFrame(HandOffKind.Seal, o.Slot, o.Tag, o.NextSeq, default));
    }

    /// <summary>
    /// The seal went unanswered: the target saw a gap in the writes, or the seal or its answer was lost.
    /// The slot is sealed, so a fresh snapshot followed by the seal again lets the target confirm.
    /// Waits double after each try, so a target busy loading a large slot is not buried in copies.
    /// </summary>
    private void ResendSeal(Outgoing o)
    {
        o.SealRetryMs = Math.Min(o.SealRetryMs * 2, SealRetryMaxMs);
        LogSealRetry(_log, o.Slot, o.Target);
        _host.Pause(o.Slot, () =>
        {
            SendSnapshot(o);
            SendSeal(o);
        });
    }

    private const long SealRetryFirstMs = 500;
    private const long SealRetryMaxMs = 4000;

    /// <summary>
    /// A sealed hand-off is over: forget it and drop the copy, unless the slot came back meanwhile (a confirmation
    /// that was lost and answered late): then the keys here are the ones arriving or received from the new hand-off.
    /// </summary>
    private void DropOutgoing(Outgoing o)
    {
        _out.Remove(o.Slot);
        _host.StopForwarding(o.Slot);
        if (!_in.ContainsKey(o.Slot) && _node.Map.PrimaryOf(o.Slot) != _node.MyId)
        {
            _host.ClearSlot(o.Slot);
            // Paused for good while it lives elsewhere: a command routed before the change that reaches
            // the slot's lock only now must not run here.
            _retired.Add(o.Slot);
            _host.Retire(o.Slot);
        }
        else _host.Resume(o.Slot);
    }

    // Slots handed away and kept paused here (IHandOffHost.Retire) until they are this node's again.
    private readonly HashSet<int> _retired = new();

    private void Unretire(int slot)
    {
        if (_retired.Remove(slot)) _host.Resume(slot);
    }

    /// <summary>The slots of <paramref name="o"/>'s batch: same hand-off, same target, same slot group.</summary>
    private List<Outgoing> BatchOf(Outgoing o)
    {
        var batch = new List<Outgoing>(SlotGroup.Size);
        foreach (var slot in SlotGroup.Slots(SlotGroup.Of(o.Slot)))
            if (_out.TryGetValue(slot, out var x) && x.Tag == o.Tag && x.Target == o.Target) batch.Add(x);
        return batch;
    }

    private void OnTick(long now)
    {
        // Completion requests go out one per batch once all its snapshots are acknowledged; a request can
        // be lost in a coordinator change, so it is repeated until the map moves on.
        List<Outgoing>? ready = null;
        foreach (var o in _out.Values)
        {
            if (o.SealedMs >= 0)
            {
                if (now - o.SealSentMs > o.SealRetryMs) ResendSeal(o);
            }
            else if (o.AckedMs >= 0)
            {
                if (o.CompleteRequestedMs < 0 || now - o.CompleteRequestedMs > 1000) (ready ??= []).Add(o);
            }
            // No acknowledgement of the snapshot (lost in a reconnect): send a fresh one.
            else if (!o.SnapshotAcked && now - o.SnapshotSentMs > 2000) SendSnapshot(o);
        }
        AskRemovalWhenDrained(now);
        if (ready is null) return;
        var asked = new HashSet<Outgoing>();
        foreach (var o in ready)
        {
            if (!asked.Add(o)) continue;
            var batch = BatchOf(o);
            asked.UnionWith(batch);
            foreach (var x in batch) x.CompleteRequestedMs = now;
            _node.Propose(new ClusterCommand
            {
                Op = ClusterOp.CompleteHandOff, Slots = batch.ConvertAll(x => (x.Slot, x.Target)), Source = _node.MyId,
                Target = o.Target, TimeMs = o.Tag,
            });
        }
    }

    private long _removalAskedMs = long.MinValue / 2;

    /// <summary>
    /// A leaving node asks to be removed once the map gives it nothing and every seal it sent is confirmed (asked
    /// again every second until the map drops it). Removed any earlier, a target still waiting for its seal would
    /// close its data link to it and take it for failed: it would serve the slot without the writes the source
    /// acknowledged after the last frame that arrived. The coordinator removes a drained member itself only if it
    /// has not asked within the hand-off timeout.
    /// </summary>
    private void AskRemovalWhenDrained(long now)
    {
        if (_out.Count > 0 || _in.Count > 0 || now - _removalAskedMs < 1000) return;
        var map = _node.Map;
        var me = _node.MyId;
        if (map.Find(me)?.State != MemberState.Leaving) return;
        // Not while a hand-off to it is in the map either: one begun before it was leaving may still complete and
        // make it an owner before the request reaches the log. Nothing is handed to a leaving member after that.
        foreach (var m in map.HandOffs.Values)
            if (m.Source == me || m.Target == me) return;
        if (map.SlotsOf(me).Count > 0) return;
        _removalAskedMs = now;
        LogAskRemoval(_log);
        _node.Propose(new ClusterCommand { Op = ClusterOp.RemoveMember, NodeId = me });
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "every slot handed over and sealed: asking to be removed from the map")]
    private static partial void LogAskRemoval(ILogger logger);
}
