using System.Collections.Immutable;

namespace QuorumCache.Cluster.Replication;

/// <summary>
/// The copies of one slot group in one epoch, as the coordinator issued them: the primary, the voting
/// members (the primary among them), and the members of the configuration it replaces. Members are
/// replica ids (a node id and the run of its process, see <see cref="ReplicaIds"/>), so a process that
/// restarted without its data is a new copy and never counts in a majority it promised nothing to.
/// <para>A candidate must seal a majority of both <see cref="Members"/> and <see cref="PreviousMembers"/>
/// (joint consensus for the change); the coordinator changes the member set only from a configuration
/// the group confirmed as established, so the previous members are the last ones that could commit.</para>
/// </summary>
public sealed record GroupConfig(long Epoch, string Primary, ImmutableArray<string> Members, ImmutableArray<string> PreviousMembers)
{
    public static GroupConfig Of(long epoch, string primary, params string[] members) =>
        new(epoch, primary, [.. members], [.. members]);

    public bool IsMember(string replicaId) => Members.Contains(replicaId);

    /// <summary>Whether the ids for which <paramref name="has"/> holds include a majority of <paramref name="members"/>.</summary>
    public static bool IsMajority(ImmutableArray<string> members, Func<string, bool> has)
    {
        if (members.IsDefaultOrEmpty) return true;
        var n = 0;
        foreach (var m in members)
            if (has(m)) n++;
        return n > members.Length / 2;
    }

    /// <summary>Every replica a candidate for this configuration must ask: members and previous members.</summary>
    public IEnumerable<string> Voters()
    {
        foreach (var m in Members) yield return m;
        foreach (var m in PreviousMembers)
            if (!Members.Contains(m)) yield return m;
    }

    public override string ToString() =>
        $"e{Epoch} primary {Primary} [{string.Join(",", Members)}]" +
        (PreviousMembers.SequenceEqual(Members) ? "" : $" from [{string.Join(",", PreviousMembers)}]");
}

/// <summary>Replica ids: <c>nodeId/run</c>, where run is random per process start.</summary>
public static class ReplicaIds
{
    public static string Of(string nodeId, string run) => nodeId + "/" + run;

    public static string NodeOf(string replicaId)
    {
        var i = replicaId.IndexOf('/');
        return i < 0 ? replicaId : replicaId[..i];
    }
}
