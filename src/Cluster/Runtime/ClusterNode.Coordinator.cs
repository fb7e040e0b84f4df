using Microsoft.Extensions.Logging;
using QuorumCache.Cluster.Map;
using QuorumCache.Cluster.Slots;

namespace QuorumCache.Cluster.Runtime;

/// <summary>
/// What the coordinator decides, every 100 ms on the cluster loop while it is with the majority:
/// members (from Akka.Cluster's view), failure declarations, hand-off timeouts, and rebalancing. A
/// coordinator cut off from the majority decides nothing. Repeated decisions are throttled.
/// </summary>
public sealed partial class ClusterNode
{
    private readonly Dictionary<string, long> _throttle = new();

    private bool Throttled(string key, long now, long holdMs = 1000)
    {
        if (_throttle.TryGetValue(key, out var until) && until > now) return true;
        _throttle[key] = now + holdMs;
        return false;
    }

    private bool ProposeOnce(string key, long now, ClusterCommand cmd)
    {
        if (Throttled(key, now)) return false;
        Commit(cmd);
        return true;
    }

    private void Coordinate(long now)
    {
        if (!_map.IsBootstrapped) return;
        // Each step reads the map as the previous one left it.
        SyncMembers(_map, now);
        ManageHandOffs(_map, now);
        Rebalance(_map, now);
    }

    // Akka incarnations of members removed from the map after a drain: they may still show as Up for a
    // moment before they leave Akka, and must not be added back (a restarted process is a new incarnation).
    private readonly Dictionary<Akka.Cluster.UniqueAddress, long> _drained = new();

    /// <summary>
    /// Members follow Akka.Cluster: an Up member with our role that the map lacks is added; a member
    /// Akka cannot reach (or has removed, e.g. downed) is marked Failed, and Up again when it is back.
    /// </summary>
    private void SyncMembers(ClusterMap map, long now)
    {
        var st = _cluster!.State;
        var seen = new Dictionary<string, (Akka.Cluster.Member M, bool Reachable, int Port, int DataPort)>(StringComparer.Ordinal);
        foreach (var m in st.Members)
        {
            if (IsLive(m.Status) && !_drained.ContainsKey(m.UniqueAddress) && TryIdentify(m, out var id, out var port, out var dataPort))
                seen[id] = (m, !st.Unreachable.Contains(m), port, dataPort);
        }
        foreach (var (id, a) in seen)
        {
            if (!a.Reachable || a.M.Status != Akka.Cluster.MemberStatus.Up) continue;
            var want = new Member(id, a.M.Address.Host!, a.Port, a.M.Address.Port ?? 0, a.DataPort, MemberState.Up);
            var cur = map.Find(id);
            if (cur is null || (cur.State != MemberState.Leaving && (cur.Host, cur.Port, cur.BusPort, cur.DataPort) != (want.Host, want.Port, want.BusPort, want.DataPort)))
            {
                if (ProposeOnce("add:" + id, now, new ClusterCommand { Op = ClusterOp.AddMember, Member = want })) LogMemberAdded(_log, id, want.Endpoint);
            }
            else if (cur.State == MemberState.Failed && ProposeOnce("up:" + id, now, new ClusterCommand { Op = ClusterOp.SetMemberState, NodeId = id, State = MemberState.Up }))
                LogDeclareRecovered(_log, id);
        }
        foreach (var m in map.Members.Values)
        {
            if (m.Id == MyId || m.State == MemberState.Failed) continue;
            if (seen.TryGetValue(m.Id, out var a) && a.Reachable) continue;
            if (ProposeOnce("fail:" + m.Id, now, new ClusterCommand { Op = ClusterOp.SetMemberState, NodeId = m.Id, State = MemberState.Failed }))
                LogDeclareFailed(_log, m.Id);
        }
        foreach (var (ua, at) in _drained.ToList())
            if (now - at > 60_000) _drained.Remove(ua);
    }

    private void ManageHandOffs(ClusterMap map, long now)
    {
        foreach (var handOff in map.HandOffs.Values)
        {
            var src = map.Find(handOff.Source);
            var dst = map.Find(handOff.Target);
            var stuck = now - LocalStart(handOff, now) > _options.HandOffTimeout.TotalMilliseconds;
            if (src?.State != MemberState.Up && src?.State != MemberState.Leaving || dst?.State != MemberState.Up || stuck)
            {
                if (ProposeOnce($"abort:{handOff.Slot}", now, new ClusterCommand
                    {
                        Op = ClusterOp.AbortHandOff, Slots = [(handOff.Slot, handOff.Source)], Source = handOff.Source, Target = handOff.Target,
                        TimeMs = handOff.StartedAtMs,
                    }))
                    LogAbortHandOff(_log, handOff.Slot, handOff.Source, handOff.Target, stuck ? "timed out" : "a side is not up");
            }
        }
        // A leaving member that owns nothing asks for its removal itself once the new owners confirmed its seals
        // (HandOffProtocol); removing it earlier made them take it for failed and serve without its last writes.
        // Removed here only if it has not asked within the hand-off timeout (an older version, or a seal stuck).
        foreach (var m in map.Members.Values)
            if (m.State == MemberState.Leaving && !map.HandOffs.Values.Any(x => x.Source == m.Id) && map.SlotsOf(m.Id).Count == 0)
            {
                if (!_drainedSince.TryGetValue(m.Id, out var since)) _drainedSince[m.Id] = since = now;
                if (now - since > _options.HandOffTimeout.TotalMilliseconds)
                    ProposeOnce("remove:" + m.Id, now, new ClusterCommand { Op = ClusterOp.RemoveMember, NodeId = m.Id });
            }
        foreach (var id in _drainedSince.Keys.ToList())
            if (map.Find(id)?.State != MemberState.Leaving) _drainedSince.Remove(id);
    }

    // When each leaving member was first seen owning nothing.
    private readonly Dictionary<string, long> _drainedSince = new(StringComparer.Ordinal);

    /// <summary>
    /// A leaving member being removed may still show as Up in Akka for a moment before it leaves: its
    /// incarnation must not be added back (a restarted process is a new incarnation).
    /// </summary>
    private void NoteDrained(string id)
    {
        if (_cluster is null || _map.Find(id)?.State != MemberState.Leaving) return;
        var now = NowMs;
        foreach (var am in _cluster.State.Members)
            if (IdOf(am) == id) _drained[am.UniqueAddress] = now;
    }

    // Hand-off start times as this leader first saw them (wall clocks of different nodes are not compared).
    private readonly Dictionary<(int, string), long> _handOffSeen = new();

    private long LocalStart(HandOffEntry handOff, long now)
    {
        var key = (handOff.Slot, handOff.Target);
        if (!_handOffSeen.TryGetValue(key, out var t)) _handOffSeen[key] = t = now;
        if (_handOffSeen.Count > 4096) _handOffSeen.Clear();
        return t;
    }

    private void Rebalance(ClusterMap map, long now)
    {
        if (Throttled("rebalance", now, 100)) return;
        var plan = Rebalancer.Plan(map);
        if (plan.Count == 0) return;
        var assign = plan.Where(p => p.From is null).Select(p => (p.Slot, p.To)).ToList();
        if (assign.Count > 0)
        {
            Commit(new ClusterCommand { Op = ClusterOp.AssignSlots, Slots = assign });
            return;
        }
        // Whole groups start together (the limit may be passed by part of one group); one change per
        // (source, target) pair, not per slot.
        var room = _options.MaxConcurrentHandOffs - map.HandOffs.Count;
        var batches = new Dictionary<(string From, string To), List<(int, string)>>();
        var group = -1;
        var skipGroup = false;
        foreach (var move in plan)
        {
            if (move.From is null) continue;
            if (SlotGroup.Of(move.Slot) != group)
            {
                if (room <= 0) break;
                group = SlotGroup.Of(move.Slot);
                skipGroup = Throttled($"begin:{group}", now, 3000);
            }
            if (skipGroup) continue;
            if (!batches.TryGetValue((move.From, move.To), out var list)) batches[(move.From, move.To)] = list = [];
            list.Add((move.Slot, move.From));
            room--;
        }
        var startedAt = _time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var ((from, to), slots) in batches)
            Commit(new ClusterCommand { Op = ClusterOp.BeginHandOff, Slots = slots, Source = from, Target = to, TimeMs = startedAt });
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "member {NodeId} at {Endpoint} added to the map")]
    private static partial void LogMemberAdded(ILogger logger, string nodeId, string endpoint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "declaring node {NodeId} failed (unreachable or removed by Akka.Cluster)")]
    private static partial void LogDeclareFailed(ILogger logger, string nodeId);

    [LoggerMessage(Level = LogLevel.Information, Message = "node {NodeId} answers again; marking it up")]
    private static partial void LogDeclareRecovered(ILogger logger, string nodeId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "aborting hand-off of slot {Slot} from {Source} to {Target}: {Reason}")]
    private static partial void LogAbortHandOff(ILogger logger, int slot, string source, string target, string reason);
}
