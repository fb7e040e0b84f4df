namespace QuorumCache.Node.Commands;

/// <summary>
/// Receives the deterministic effects of writes, per slot, in the order they were applied (while the
/// slot's lock is held). <paramref name="effects"/> holds <paramref name="count"/> RESP-encoded
/// commands; replaying them on an empty keyspace in order rebuilds the same data.
/// Replication and the journal implement this; null on the server means nothing records effects.
/// </summary>
public interface IEffectSink
{
    /// <summary>Whether writes to <paramref name="slot"/> must record effects (cheap; asked before each write).</summary>
    bool Wants(int slot) => true;

    void Commit(int slot, ReadOnlySpan<byte> effects, int count);
}
