using QuorumCache.Cluster.Raft;

namespace QuorumCache.Tests.Cluster.Raft.Sim;

/// <summary>
/// Raft's safety properties, checked as the simulation runs: election safety, log matching,
/// leader completeness, state machine safety, and that acknowledged (committed) proposals are never lost.
/// </summary>
public sealed class SimInvariants(SimCluster c)
{
    private readonly Dictionary<long, string> _leaderOfTerm = new();
    private readonly Dictionary<long, byte[]> _applied = new();
    private readonly Dictionary<long, long> _committedTerm = new();
    private readonly Dictionary<string, long> _seenCommit = new();
    private readonly Dictionary<string, RaftRole> _lastRole = new();
    private readonly List<(long Index, long Term, byte[] Cmd)> _pending = new();
    private long _maxLeaderTerm;
    private long _maxCommitted;
    private long _lastLogMatchCheck;

    /// <summary>Proposals known committed (the entry proposed at index/term is the committed one there).</summary>
    public SortedDictionary<long, byte[]> Acknowledged { get; } = new();

    public void OnApply(string node, long index, byte[] cmd)
    {
        if (_applied.TryGetValue(index, out var prior))
        {
            if (!prior.AsSpan().SequenceEqual(cmd))
                Fail($"state machine safety: {node} applied a different command at {index}");
        }
        else
        {
            _applied[index] = cmd;
        }
        if (Acknowledged.TryGetValue(index, out var acked) && !acked.AsSpan().SequenceEqual(cmd))
            Fail($"acknowledged command at {index} replaced on {node}");
    }

    public void OnRestart(SimCluster.SimNode n)
    {
        _seenCommit[n.Id] = n.Raft.CommitIndex;
        _lastRole[n.Id] = n.Raft.Role;
    }

    public void OnProposed(long index, long term, byte[] cmd) => _pending.Add((index, term, cmd));

    public void AfterEvent(SimCluster.SimNode n)
    {
        var r = n.Raft;
        if (r.CommitIndex < r.LastApplied || r.LastApplied < r.SnapshotIndex)
            Fail($"{n.Id}: commit {r.CommitIndex} applied {r.LastApplied} snapshot {r.SnapshotIndex} out of order");
        RecordCommits(n);

        var wasLeader = _lastRole.TryGetValue(n.Id, out var role) && role == RaftRole.Leader;
        _lastRole[n.Id] = r.Role;
        if (r.Role == RaftRole.Leader)
        {
            if (_leaderOfTerm.TryGetValue(r.CurrentTerm, out var other) && other != n.Id)
                Fail($"election safety: {other} and {n.Id} both lead term {r.CurrentTerm}");
            _leaderOfTerm[r.CurrentTerm] = n.Id;
            if (!wasLeader && r.CurrentTerm >= _maxLeaderTerm) CheckLeaderCompleteness(n);
            _maxLeaderTerm = Math.Max(_maxLeaderTerm, r.CurrentTerm);
        }

        if (c.Now - _lastLogMatchCheck >= 250)
        {
            _lastLogMatchCheck = c.Now;
            CheckLogMatching();
            ResolvePending();
        }
    }

    private void RecordCommits(SimCluster.SimNode n)
    {
        var r = n.Raft;
        var seen = _seenCommit.GetValueOrDefault(n.Id);
        if (r.CommitIndex <= seen) return;
        var log = r.Log;
        for (var i = Math.Max(seen + 1, log.SnapshotIndex + 1); i <= r.CommitIndex; i++)
        {
            var t = log.TermAt(i);
            if (t < 0) continue;
            if (_committedTerm.TryGetValue(i, out var ct))
            {
                if (ct != t) Fail($"{n.Id} committed index {i} with term {t}, already committed with term {ct}");
            }
            else
            {
                _committedTerm[i] = t;
            }
        }
        _maxCommitted = Math.Max(_maxCommitted, r.CommitIndex);
        _seenCommit[n.Id] = r.CommitIndex;
    }

    private void CheckLeaderCompleteness(SimCluster.SimNode n)
    {
        var log = n.Raft.Log;
        if (log.LastIndex < _maxCommitted)
            Fail($"leader completeness: {n.Id} leads term {n.Raft.CurrentTerm} with last index {log.LastIndex} < committed {_maxCommitted}");
        for (var i = log.SnapshotIndex + 1; i <= _maxCommitted; i++)
            if (_committedTerm.TryGetValue(i, out var t) && log.TermAt(i) != t)
                Fail($"leader completeness: {n.Id} (term {n.Raft.CurrentTerm}) has term {log.TermAt(i)} at committed index {i} (term {t})");
    }

    /// <summary>Same index and term ⇒ same entry and same predecessor term (hence, inductively, identical prefixes).</summary>
    public void CheckLogMatching()
    {
        var seen = new Dictionary<(long, long), (long PrevTerm, LogEntry Entry, string Node)>();
        foreach (var n in c.Nodes.Values)
        {
            var log = n.Raft.Log;
            for (var i = log.SnapshotIndex + 1; i <= log.LastIndex; i++)
            {
                var e = log.Get(i);
                var prevTerm = log.TermAt(i - 1);
                if (prevTerm > e.Term) Fail($"{n.Id}: terms decrease at index {i}");
                if (seen.TryGetValue((i, e.Term), out var o))
                {
                    if (o.PrevTerm != prevTerm || o.Entry.Kind != e.Kind || !o.Entry.Data.AsSpan().SequenceEqual(e.Data))
                        Fail($"log matching: {n.Id} and {o.Node} differ at index {i} term {e.Term}");
                }
                else
                {
                    seen[(i, e.Term)] = (prevTerm, e, n.Id);
                }
            }
        }
    }

    /// <summary>A proposal is acknowledged once its (index, term) is committed; one whose index committed another term was lost legitimately (never acknowledged).</summary>
    public void ResolvePending()
    {
        for (var k = _pending.Count - 1; k >= 0; k--)
        {
            var (index, term, cmd) = _pending[k];
            if (!_committedTerm.TryGetValue(index, out var t)) continue;
            if (t == term)
            {
                Acknowledged[index] = cmd;
                if (_applied.TryGetValue(index, out var a) && !a.AsSpan().SequenceEqual(cmd))
                    Fail($"acknowledged command at {index} differs from the applied one");
            }
            _pending.RemoveAt(k);
        }
    }

    /// <summary>Every acknowledged command is in the state machine of every listed node at its index.</summary>
    public void CheckAcknowledgedEverywhere(IEnumerable<SimCluster.SimNode> nodes)
    {
        ResolvePending();
        foreach (var n in nodes)
            foreach (var (i, cmd) in Acknowledged)
                if (i <= n.Raft.LastApplied && !n.Sm.Contains(i, cmd))
                    Fail($"acknowledged command at {i} missing on {n.Id} (applied up to {n.Raft.LastApplied})");
    }

    private static void Fail(string message) => throw new RaftInvariantException(message);
}

public sealed class RaftInvariantException(string message) : Exception(message);
