namespace QuorumCache.Node.Storage.Types;

/// <summary>
/// A plain set read as a sorted set input (every member with score 1) by ZUNION, ZINTER, ZDIFF,
/// their STORE forms and ZINTERCARD, as Redis allows. The set type implements it.
/// </summary>
public interface IMemberSet
{
    int Count { get; }

    bool Contains(ReadOnlySpan<byte> member);

    /// <summary>Calls <paramref name="visit"/> for every member; the arrays must not be changed by the visitor.</summary>
    void ForEachMember(Action<byte[]> visit);
}
