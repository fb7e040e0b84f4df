using Microsoft.Extensions.Logging;
using QuorumCache.Cluster.Map;
using QuorumCache.Cluster.Raft;

namespace QuorumCache.Cluster.Runtime;

/// <summary>
/// What the leader decides, every 100 ms on the cluster loop: Raft membership (learners for new
/// members, up to five voters chosen automatically, failed voters replaced), failure declarations,
/// hand-off timeouts, and rebalancing. Every decision is a committed entry, so a partitioned minority
/// decides nothing. Proposals are throttled so a pending one is not repeated until it had time to commit.
/// </summary>
public sealed partial class ClusterNode
{
    private readonly Dictionary<string, long> _throttle = new();
    private readonly Dictionary<string, long> _firstSeenMs = new();

    private bool Throttled(string key, long now, long holdMs = 1000)
    {
        if (_throttle.TryGetValue(key, out var until) && until > now) return true;
        _throttle[key] = now + holdMs;
        return false;
    }

    private bool ProposeOnce(string key, long now, ClusterCommand cmd)
    {
        if (Throttled(key, now)) return false;
        _raft.Propose(cmd.Encode(), now);
        return true;
    }

    private void Coordinate(long now)
    {
        var map = _map;
        if (!map.IsBootstrapped)
        {
            if (IsBootstrapping)
                ProposeOnce("bootstrap", now, new ClusterCommand { Op = ClusterOp.Bootstrap, ClusterId = Identity.ClusterId!, Member = Me(MemberState.Up) });
            return;
        }
        ManageRaftMembers(map, now);
        DetectFailures(map, now);
        ManageMigrations(map, now);
        Rebalance(map, now);
    }

    private void ManageRaftMembers(ClusterMap map, long now)
    {
        var config = _raft.Configuration;
        ConfigChange? change = null;
        // New members become learners; members gone from the map leave the Raft configuration.
        foreach (var m in map.Members.Values)
            if (m.State != MemberState.Failed && !config.Contains(m.Id)) { change = ConfigChange.AddLearner(m.Id); break; }
        if (change is null)
            foreach (var id in config.Voters.Concat(config.Learners))
                if (!map.Members.ContainsKey(id) && id != MyId) { change = new ConfigChange(ConfigChangeKind.RemoveNode, id); break; }
        if (change is null)
        {
            var healthy = map.Members.Values.Count(m => m.State == MemberState.Up);
            var target = Math.Min(_options.MaxVoters, healthy >= 5 ? 5 : healthy >= 3 ? 3 : 1);
            var liveVoters = config.Voters.Count(v => map.Find(v)?.State == MemberState.Up);
            var failedVoter = config.Voters.FirstOrDefault(v => map.Find(v) is null or { State: not MemberState.Up } && v != MyId);
            var candidate = config.Learners.FirstOrDefault(l => map.Find(l)?.State == MemberState.Up && IsReachable(l)
                && _raft.MatchIndexOf(l) > 0 && _raft.MatchIndexOf(l) >= _raft.CommitIndex - 16);
            if (failedVoter is not null && (candidate is not null || config.Voters.Count > target)) change = ConfigChange.RemoveVoter(failedVoter);
            else if (liveVoters < target && candidate is not null) change = ConfigChange.AddVoter(candidate);
        }
        if (change is { } c && !Throttled("raft:" + c, now, 2000))
        {
            var r = _raft.ProposeConfigChange(c, now);
            if (r.Status == ProposeStatus.Accepted) LogRaftChange(_log, c.Kind.ToString(), c.NodeId);
            else _throttle.Remove("raft:" + c);
        }
    }

    private void DetectFailures(ClusterMap map, long now)
    {
        foreach (var m in map.Members.Values)
        {
            if (m.Id == MyId) continue;
            if (!_firstSeenMs.ContainsKey(m.Id)) _firstSeenMs[m.Id] = now;
            var heard = _heartbeats?.Detector.IsMonitoring(m.Id) ?? false;
            var reachable = heard ? IsReachable(m.Id) : now - _firstSeenMs[m.Id] < _options.FirstContactGrace.TotalMilliseconds;
            if (m.State is MemberState.Up or MemberState.Leaving && !reachable)
            {
                if (ProposeOnce("fail:" + m.Id, now, new ClusterCommand { Op = ClusterOp.SetMemberState, NodeId = m.Id, State = MemberState.Failed }))
                    LogDeclareFailed(_log, m.Id);
            }
            else if (m.State == MemberState.Failed && heard && reachable)
            {
                if (ProposeOnce("up:" + m.Id, now, new ClusterCommand { Op = ClusterOp.SetMemberState, NodeId = m.Id, State = MemberState.Up }))
                    LogDeclareRecovered(_log, m.Id);
            }
        }
        foreach (var id in _firstSeenMs.Keys.Where(id => !map.Members.ContainsKey(id)).ToList()) _firstSeenMs.Remove(id);
    }

    private void ManageMigrations(ClusterMap map, long now)
    {
        foreach (var mig in map.Migrations.Values)
        {
            var src = map.Find(mig.Source);
            var dst = map.Find(mig.Target);
            var stuck = now - LocalStart(mig, now) > _options.MigrationPhaseTimeout.TotalMilliseconds;
            if (src?.State != MemberState.Up && src?.State != MemberState.Leaving || dst?.State != MemberState.Up || stuck)
            {
                if (ProposeOnce($"abort:{mig.Slot}", now, new ClusterCommand
                    {
                        Op = ClusterOp.AbortMigration, Slots = [(mig.Slot, mig.Source)], Source = mig.Source, Target = mig.Target,
                        TimeMs = mig.StartedAtMs,
                    }))
                    LogAbortMigration(_log, mig.Slot, mig.Source, mig.Target, stuck ? "timed out" : "a side is not up");
            }
        }
        foreach (var m in map.Members.Values)
            if (m.State == MemberState.Leaving && !map.Migrations.Values.Any(x => x.Source == m.Id) && map.SlotsOf(m.Id).Count == 0)
                ProposeOnce("remove:" + m.Id, now, new ClusterCommand { Op = ClusterOp.RemoveMember, NodeId = m.Id });
    }

    // Hand-off start times as this leader first saw them (wall clocks of different nodes are not compared).
    private readonly Dictionary<(int, string), long> _migrationSeen = new();

    private long LocalStart(Migration mig, long now)
    {
        var key = (mig.Slot, mig.Target);
        if (!_migrationSeen.TryGetValue(key, out var t)) _migrationSeen[key] = t = now;
        if (_migrationSeen.Count > 4096) _migrationSeen.Clear();
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
            _raft.Propose(new ClusterCommand { Op = ClusterOp.AssignSlots, Slots = assign }.Encode(), now);
            return;
        }
        var room = _options.MaxConcurrentMigrations - map.Migrations.Count;
        // One entry per (source, target) pair: a log append (and its fsync) per batch, not per slot.
        var batches = new Dictionary<(string From, string To), List<(int, string)>>();
        foreach (var move in plan)
        {
            if (room <= 0) break;
            if (move.From is null || map.Migrations.ContainsKey(move.Slot)) continue;
            if (Throttled($"begin:{move.Slot}", now, 3000)) continue;
            if (!batches.TryGetValue((move.From, move.To), out var list)) batches[(move.From, move.To)] = list = [];
            list.Add((move.Slot, move.From));
            room--;
        }
        var startedAt = _time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var ((from, to), slots) in batches)
            _raft.Propose(new ClusterCommand
            {
                Op = ClusterOp.BeginMigration, Slots = slots, Source = from, Target = to, TimeMs = startedAt,
            }.Encode(), now);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "raft membership: {Change} {NodeId}")]
    private static partial void LogRaftChange(ILogger logger, string change, string nodeId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "declaring node {NodeId} failed (no heartbeats)")]
    private static partial void LogDeclareFailed(ILogger logger, string nodeId);

    [LoggerMessage(Level = LogLevel.Information, Message = "node {NodeId} answers again; marking it up")]
    private static partial void LogDeclareRecovered(ILogger logger, string nodeId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "aborting hand-off of slot {Slot} from {Source} to {Target}: {Reason}")]
    private static partial void LogAbortMigration(ILogger logger, int slot, string source, string target, string reason);
}
