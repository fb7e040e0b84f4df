using QuorumCache.Node.Commands;
using QuorumCache.Node.Storage;
using QuorumCache.Resp;

namespace QuorumCache.Node.Server.Blocking;

/// <summary>What a blocked command answers when its timeout passes. Internal, not persisted.</summary>
public enum BlockTimeoutReply
{
    /// <summary>Null array (<c>*-1</c> in RESP2): BLPOP, BRPOP, BLMPOP, BZPOPMIN, BZPOPMAX, BZMPOP.</summary>
    NullArray,
    /// <summary>Null bulk string (<c>$-1</c> in RESP2): BLMOVE, BRPOPLPUSH.</summary>
    NullBulk,
}

/// <summary>A client waiting in BLPOP and friends: its command, the keys it waits on, its deadline.</summary>
public sealed class BlockedClient : BlockState
{
    internal readonly TaskCompletionSource Tcs = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal BlockedClient(ClientSession session, CommandDef def, CommandBuffer args, SlotStore store, byte[][] keys, BlockTimeoutReply onTimeout)
    {
        Session = session;
        Def = def;
        Args = args;
        Store = store;
        Keys = keys;
        OnTimeout = onTimeout;
    }

    public override Task Completion => Tcs.Task;
    internal ClientSession Session { get; }
    internal CommandDef Def { get; }
    internal CommandBuffer Args { get; }
    internal SlotStore Store { get; }
    internal byte[][] Keys { get; }
    internal BlockTimeoutReply OnTimeout { get; }
    /// <summary>Served, timed out or cancelled. Guarded by the slot's lock.</summary>
    internal bool Done;
    internal ITimer? Timer;
}
