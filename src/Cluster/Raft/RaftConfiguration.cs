namespace QuorumCache.Cluster.Raft;

/// <summary>
/// An immutable cluster configuration: the voters (who elect leaders and form quorums) and the
/// learners (who receive the log but never vote or count toward a quorum). Ids are kept sorted
/// (ordinal) so equal configurations encode to equal bytes.
/// </summary>
public sealed class RaftConfiguration : IEquatable<RaftConfiguration>
{
    public static readonly RaftConfiguration Empty = new([], []);

    public IReadOnlyList<string> Voters => _voters;
    public IReadOnlyList<string> Learners => _learners;

    private readonly string[] _voters;
    private readonly string[] _learners;

    public RaftConfiguration(IEnumerable<string> voters, IEnumerable<string> learners)
    {
        _voters = Normalize(voters);
        _learners = Normalize(learners);
        foreach (var v in _voters)
            if (Array.BinarySearch(_learners, v, StringComparer.Ordinal) >= 0)
                throw new ArgumentException($"Node {v} cannot be both voter and learner.");
    }

    private static string[] Normalize(IEnumerable<string> ids)
    {
        var set = new SortedSet<string>(ids, StringComparer.Ordinal);
        var arr = new string[set.Count];
        set.CopyTo(arr);
        return arr;
    }

    public bool IsEmpty => _voters.Length == 0 && _learners.Length == 0;
    public bool IsVoter(string id) => Array.BinarySearch(_voters, id, StringComparer.Ordinal) >= 0;
    public bool IsLearner(string id) => Array.BinarySearch(_learners, id, StringComparer.Ordinal) >= 0;
    public bool Contains(string id) => IsVoter(id) || IsLearner(id);

    /// <summary>Votes (or matches) needed for a majority of the voters.</summary>
    public int Quorum => _voters.Length / 2 + 1;

    /// <summary>The configuration after <paramref name="change"/>, or null with a reason when the change is not applicable.</summary>
    public RaftConfiguration? Apply(ConfigChange change, out string? error)
    {
        error = null;
        var id = change.NodeId;
        if (string.IsNullOrEmpty(id)) { error = "empty node id"; return null; }
        var voters = new List<string>(_voters);
        var learners = new List<string>(_learners);
        switch (change.Kind)
        {
            case ConfigChangeKind.AddVoter:
                if (IsVoter(id)) { error = $"{id} is already a voter"; return null; }
                learners.Remove(id);
                voters.Add(id);
                break;
            case ConfigChangeKind.AddLearner:
                if (Contains(id)) { error = $"{id} is already a member"; return null; }
                learners.Add(id);
                break;
            case ConfigChangeKind.RemoveVoter:
                if (!IsVoter(id)) { error = $"{id} is not a voter"; return null; }
                voters.Remove(id);
                learners.Add(id);
                break;
            case ConfigChangeKind.RemoveNode:
                if (!Contains(id)) { error = $"{id} is not a member"; return null; }
                voters.Remove(id);
                learners.Remove(id);
                break;
            default:
                error = $"unknown change kind {(int)change.Kind}";
                return null;
        }
        if (voters.Count == 0) { error = "the last voter cannot be removed"; return null; }
        return new RaftConfiguration(voters, learners);
    }

    internal void Write(RaftWireWriter w)
    {
        w.VarLong(_voters.Length);
        foreach (var v in _voters) w.String(v);
        w.VarLong(_learners.Length);
        foreach (var l in _learners) w.String(l);
    }

    internal static RaftConfiguration Read(ref RaftWireReader r)
    {
        var voters = new string[r.Count(1)];
        for (var i = 0; i < voters.Length; i++) voters[i] = r.String();
        var learners = new string[r.Count(1)];
        for (var i = 0; i < learners.Length; i++) learners[i] = r.String();
        try
        {
            return new RaftConfiguration(voters, learners);
        }
        catch (ArgumentException e)
        {
            throw new RaftFormatException("Invalid configuration: " + e.Message);
        }
    }

    public byte[] Encode()
    {
        var w = new RaftWireWriter();
        Write(w);
        return w.ToArray();
    }

    public static RaftConfiguration Decode(ReadOnlySpan<byte> data)
    {
        var r = new RaftWireReader(data);
        var c = Read(ref r);
        r.End();
        return c;
    }

    public bool Equals(RaftConfiguration? other) =>
        other != null && _voters.AsSpan().SequenceEqual(other._voters) && _learners.AsSpan().SequenceEqual(other._learners);

    public override bool Equals(object? obj) => Equals(obj as RaftConfiguration);

    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var v in _voters) h.Add(v);
        h.Add('|');
        foreach (var l in _learners) h.Add(l);
        return h.ToHashCode();
    }

    public override string ToString() => $"voters=[{string.Join(',', _voters)}] learners=[{string.Join(',', _learners)}]";
}
