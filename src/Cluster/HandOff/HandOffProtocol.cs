using Microsoft.Extensions.Logging;
using QuorumCache.Cluster.DataLink;
using QuorumCache.Cluster.Map;
using QuorumCache.Cluster.Runtime;

namespace QuorumCache.Cluster.HandOff;

/// <summary>
/// Moves a slot between nodes while clients keep writing. The leader records the intent
/// (BeginMigration) in the log first. Then:
/// 1. the source snapshots the slot and forwards every later write, numbered, to the target;
/// 2. the target loads the snapshot, applies writes in order, and acknowledges the snapshot;
/// 3. the source pauses the slot (new commands are held) and seals the stream at its last number;
/// 4. the target confirms it applied everything up to the seal; the source asks the leader to commit
///    the target as owner (CompleteMigration, epoch + 1). A seal left unanswered (a lost frame, or a
///    gap in the writes the target saw) is retried with a fresh snapshot: the slot is paused, so it
///    cannot change meanwhile;
/// 5. on that map the source drops the slot's keys and held commands get MOVED to the target.
/// A hand-off that stalls is aborted by the leader (AbortMigration): the source resumes serving and
/// the target discards its partial copy, so no key is lost at any step. All state here lives on the
/// cluster loop thread.
/// </summary>
public sealed partial class HandOffProtocol
{
    private sealed class Outgoing(int slot, long tag, string target)
    {
        public int Slot { get; } = slot;
        public long Tag { get; } = tag;
        public string Target { get; } = target;
        public long NextSeq; // guarded by the slot's lock (effects arrive under it)
        public bool Sealed;
        public long SnapshotSentMs;
        public long SealSentMs;
        public long SealRetryMs = SealRetryFirstMs;
        public long CompleteRequestedMs = -1;
    }

    private sealed class Incoming(long tag, string source)
    {
        public long Tag { get; } = tag;
        public string Source { get; } = source;
        public long Expect = -1; // -1: snapshot not loaded yet
    }

    private readonly ClusterNode _node;
    private readonly IHandOffHost _host;
    private readonly ILogger _log;
    private readonly Dictionary<int, Outgoing> _out = new();
    private readonly Dictionary<int, Incoming> _in = new();
    // Slots whose whole stream this node confirmed (the source will hand them over any moment);
    // read by the router from client threads.
    private readonly bool[] _sealedIn = new bool[Slots.HashSlot.Count];

    /// <summary>
    /// True when this node confirmed it holds everything of an incoming slot: until its map shows it as
    /// the owner, commands for the slot should wait here instead of bouncing back to the source.
    /// </summary>
    public bool IsSealedIncoming(int slot) => Volatile.Read(ref _sealedIn[slot]);
    // Frames that arrived before this node applied the map entry announcing their hand-off.
    private readonly Dictionary<int, List<(string From, HandOffFrame Frame)>> _early = new();

    public HandOffProtocol(ClusterNode node, IHandOffHost host, ILogger log)
    {
        _node = node;
        _host = host;
        _log = log;
        node.MapChanged += OnMap;
        node.MigrationTick += OnTick;
        if (node.DataLinks is { } bus) Attach(bus);
        node.DataLinksReady += Attach;
    }

    public int OutgoingCount => _out.Count;
    public int IncomingCount => _in.Count;

    private void Attach(IDataLinks bus) => bus.SetHandler(DataChannel.HandOff, (from, _, payload) =>
    {
        HandOffFrame f;
        try
        {
            f = HandOffFrame.Decode(payload);
        }
        catch (InvalidDataException ex)
        {
            LogBadFrame(_log, from, ex.Message);
            return;
        }
        _node.Post(() => OnFrame(from, f));
    });

    private void Send(string to, HandOffFrame f) => _node.DataLinks?.Send(to, DataChannel.HandOff, f.Encode());

    private void OnMap(ClusterMap map)
    {
        var me = _node.MyId;
        foreach (var mig in map.Migrations.Values)
        {
            if (mig.Source == me && !_out.ContainsKey(mig.Slot)) StartOutgoing(mig);
            if (mig.Target == me && (!_in.TryGetValue(mig.Slot, out var i) || i.Tag != mig.StartedAtMs))
            {
                _in[mig.Slot] = new Incoming(mig.StartedAtMs, mig.Source);
                if (_early.Remove(mig.Slot, out var early))
                    foreach (var (from, frame) in early) OnFrame(from, frame);
            }
        }
        if (_early.Count > 1024) _early.Clear();
        foreach (var o in _out.Values.ToList())
        {
            if (map.Migrations.TryGetValue(o.Slot, out var m) && m.StartedAtMs == o.Tag) continue;
            _out.Remove(o.Slot);
            _host.StopForwarding(o.Slot);
            // Completed when the slot is no longer ours: its owner is the target, or already a later
            // owner when this node applied several entries at once (a lagging source). Aborted otherwise.
            var completed = map.PrimaryOf(o.Slot) != me;
            if (completed) _host.ClearSlot(o.Slot);
            _host.Resume(o.Slot);
            LogOutgoing(_log, o.Slot, o.Target, completed ? "completed" : "aborted");
        }
        foreach (var (slot, i) in _in.ToList())
        {
            if (map.Migrations.TryGetValue(slot, out var m) && m.StartedAtMs == i.Tag) continue;
            _in.Remove(slot);
            Volatile.Write(ref _sealedIn[slot], false);
            if (map.PrimaryOf(slot) != me) _host.ClearSlot(slot); // aborted: drop the partial copy
        }
    }

    private void StartOutgoing(Migration mig)
    {
        var o = new Outgoing(mig.Slot, mig.StartedAtMs, mig.Target);
        _out[mig.Slot] = o;
        LogOutgoing(_log, mig.Slot, mig.Target, "started");
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

    private void OnFrame(string from, HandOffFrame f)
    {
        // A frame for an attempt this node has not taken up yet: either its map entry has not arrived,
        // or it arrived in this loop step and MapChanged (which takes it up) runs at the end of the step.
        if (f.Kind is HandOffKind.Snapshot or HandOffKind.Effects or HandOffKind.Seal && NotTakenUpYet(f))
        {
            if (!_early.TryGetValue(f.Slot, out var list)) _early[f.Slot] = list = [];
            if (f.Kind == HandOffKind.Snapshot) list.Clear();
            list.Add((from, f));
            return;
        }
        switch (f.Kind)
        {
            case HandOffKind.Snapshot when _in.TryGetValue(f.Slot, out var i) && i.Tag == f.Tag && i.Source == from:
                _host.ClearSlot(f.Slot);
                _host.Apply(f.Slot, f.Payload);
                i.Expect = f.Seq + 1;
                Send(from, f with { Kind = HandOffKind.AckSnapshot, Payload = default });
                break;
            case HandOffKind.Effects when _in.TryGetValue(f.Slot, out var i) && i.Tag == f.Tag && i.Source == from:
                if (f.Seq != i.Expect)
                {
                    LogGap(_log, f.Slot, i.Expect, f.Seq);
                    i.Expect = long.MinValue; // never acknowledge a seal now: the leader aborts on timeout
                    break;
                }
                _host.Apply(f.Slot, f.Payload);
                i.Expect++;
                break;
            case HandOffKind.Seal when _in.TryGetValue(f.Slot, out var i) && i.Tag == f.Tag && i.Source == from:
                if (i.Expect == f.Seq + 1)
                {
                    Volatile.Write(ref _sealedIn[f.Slot], true);
                    Send(from, f with { Kind = HandOffKind.AckSeal, Payload = default });
                }
                break;
            case HandOffKind.AckSnapshot when _out.TryGetValue(f.Slot, out var o) && o.Tag == f.Tag && !o.Sealed:
                o.Sealed = true;
                _host.Pause(f.Slot, () => SendSeal(o));
                break;
            case HandOffKind.AckSeal when _out.TryGetValue(f.Slot, out var o) && o.Tag == f.Tag && o.Sealed && o.CompleteRequestedMs < 0:
                o.CompleteRequestedMs = 0; // batched into one request per target on the next tick
                _completeDue = true;
                break;
        }
    }

    private void SendSeal(Outgoing o)
    {
        o.SealSentMs = _node.NowMs;
        Send(o.Target, new HandOffFrame(HandOffKind.Seal, o.Slot, o.Tag, o.NextSeq, default));
    }

    /// <summary>
    /// The seal went unanswered: the target saw a gap in the writes, or the seal or its answer was lost.
    /// The slot is paused, so a fresh snapshot followed by the seal again lets the target confirm.
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

    private bool NotTakenUpYet(HandOffFrame f)
    {
        if (_in.TryGetValue(f.Slot, out var known) && known.Tag == f.Tag) return false;
        var current = _node.Map.Migrations.GetValueOrDefault(f.Slot);
        return current is null || current.StartedAtMs == f.Tag;
    }

    private bool _completeDue;

    private void OnTick(long now)
    {
        // Completion requests go out in one entry per target; a request can be lost in a leader
        // change, so it is repeated until the map moves on.
        var due = new Dictionary<(string Target, long Tag), List<(int, string)>>();
        foreach (var o in _out.Values)
        {
            if (o.CompleteRequestedMs == 0 || (o.CompleteRequestedMs > 0 && now - o.CompleteRequestedMs > 1000))
            {
                o.CompleteRequestedMs = now;
                if (!due.TryGetValue((o.Target, o.Tag), out var list)) due[(o.Target, o.Tag)] = list = [];
                list.Add((o.Slot, o.Target));
            }
            // No acknowledgement of the snapshot (lost in a reconnect): send a fresh one.
            else if (!o.Sealed && now - o.SnapshotSentMs > 2000) SendSnapshot(o);
            else if (o.Sealed && o.CompleteRequestedMs < 0 && now - o.SealSentMs > o.SealRetryMs) ResendSeal(o);
        }
        _completeDue = false;
        foreach (var ((target, tag), slots) in due)
            _node.Propose(new ClusterCommand { Op = ClusterOp.CompleteMigration, Slots = slots, Source = _node.MyId, Target = target, TimeMs = tag });
    }

    /// <summary>True when completions are waiting for the next tick.</summary>
    public bool CompletionsPending => _completeDue;

    /// <summary>One line per slot group at Information (groups move whole, in one batch: its first slot
    /// stands for it), every slot at Debug: 2 lines per slot were 30,000 lines for one 3 → 4 rebalance.</summary>
    private static void LogOutgoing(ILogger logger, int slot, string target, string outcome)
    {
        if (slot % Slots.SlotGroup.Size == 0)
            LogGroupOutgoing(logger, Slots.SlotGroup.Of(slot), slot, slot + Slots.SlotGroup.Size - 1, target, outcome);
        else LogSlotOutgoing(logger, slot, target, outcome);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "hand-off of slot group {Group} (slots {First}-{Last}) to {Target} {Outcome}")]
    private static partial void LogGroupOutgoing(ILogger logger, int group, int first, int last, string target, string outcome);

    [LoggerMessage(Level = LogLevel.Debug, Message = "hand-off of slot {Slot} to {Target} {Outcome}")]
    private static partial void LogSlotOutgoing(ILogger logger, int slot, string target, string outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "hand-off of slot {Slot}: expected write {Expected}, got {Got}; waiting for abort")]
    private static partial void LogGap(ILogger logger, int slot, long expected, long got);

    [LoggerMessage(Level = LogLevel.Information, Message = "hand-off of slot {Slot} to {Target}: seal unanswered, sending the slot again")]
    private static partial void LogSealRetry(ILogger logger, int slot, string target);

    [LoggerMessage(Level = LogLevel.Warning, Message = "dropped a malformed hand-off frame from {From}: {Error}")]
    private static partial void LogBadFrame(ILogger logger, string from, string error);
}
