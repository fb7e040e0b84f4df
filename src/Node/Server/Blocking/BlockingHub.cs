using QuorumCache.Node.Commands;
using QuorumCache.Node.Storage;
using QuorumCache.Resp;

namespace QuorumCache.Node.Server.Blocking;

/// <summary>
/// Clients blocked on keys. A blocking command that finds nothing calls
/// <see cref="CommandContext.Block"/>; the client is queued on each key (in its slot, under the slot's
/// lock). When a command makes a key ready, the waiters are served first come, first served by
/// re-running their command with their own connection's context, still under the slot's lock, so no
/// other client can take the data in between. Timeouts and disconnects remove a waiter.
/// </summary>
public sealed class BlockingHub
{
    private readonly NodeServer _server;

    public BlockingHub(NodeServer server) => _server = server;

    /// <summary>Queues the running command's client (the caller holds the slot's lock).</summary>
    internal void Register(CommandContext ctx, int firstKey, int keyCount, long timeoutMs, BlockTimeoutReply onTimeout)
    {
        var store = ctx.Slot!;
        var args = new CommandBuffer();
        for (var i = 0; i < ctx.Args.Count; i++) args.Add(ctx.Args[i]);
        var keys = new byte[keyCount][];
        for (var i = 0; i < keyCount; i++) keys[i] = ctx.Args.ToArray(firstKey + i);
        var bc = new BlockedClient(ctx.Session, ctx.Command, args, store, keys, onTimeout);
        store.Blocked ??= new Dictionary<byte[], LinkedList<object>>(KeyComparer.Instance);
        foreach (var k in keys)
        {
            if (!store.Blocked.TryGetValue(k, out var list)) store.Blocked[k] = list = new LinkedList<object>();
            if (!list.Contains(bc)) list.AddLast(bc);
        }
        ctx.Session.PendingBlock = bc;
        // System timers take at most 0xfffffffe ms (about 49 days); a longer wait is treated as forever.
        if (timeoutMs is > 0 and <= 0xfffffffe)
            bc.Timer = _server.Clock.CreateTimer(static s => { var (hub, c) = ((BlockingHub, BlockedClient))s!; hub.Expire(c); },
                (this, bc), TimeSpan.FromMilliseconds(timeoutMs), Timeout.InfiniteTimeSpan);
    }

    /// <summary>
    /// Serves clients blocked on keys that a command just made ready (called under the slot's lock,
    /// after the command ran).
    /// </summary>
    public void OnKeysReady(CommandContext ctx, List<byte[]> keys)
    {
        var store = ctx.Slot!;
        for (var i = 0; i < keys.Count; i++)
        {
            if (store.Blocked is null || !store.Blocked.TryGetValue(keys[i], out var list)) continue;
            while (list.First is { } node && TryServe((BlockedClient)node.Value)) { }
        }
    }

    private bool TryServe(BlockedClient bc)
    {
        var wctx = bc.Session.Context;
        var dispatcher = _server.Dispatcher;
        lock (bc.Session.OutputLock)
        {
            wctx.Slot = bc.Store;
            wctx.ServingBlocked = true;
            wctx.BlockedAgain = false;
            dispatcher.BeginSlotBatch(wctx);
            var silenced = Silence(bc.Session);
            try
            {
                Dispatcher.RunLocked(wctx, bc.Def, bc.Args, keepClock: false);
            }
            finally
            {
                wctx.ServingBlocked = false;
                if (silenced) bc.Session.ResumeReplies();
            }
            if (wctx.BlockedAgain) return false;
            EndSkip(bc.Session);
            Remove(bc);
            bc.Done = true;
            bc.Timer?.Dispose();
            // Its own effects, and any waiter its write made ready (BLMOVE into a watched list).
            dispatcher.EndSlotBatch(wctx, bc.Store.Slot);
            bc.Session.Writer.Commit();
        }
        bc.Tcs.TrySetResult();
        return true;
    }

    private static void Remove(BlockedClient bc)
    {
        var blocked = bc.Store.Blocked;
        if (blocked is null) return;
        foreach (var k in bc.Keys)
        {
            if (!blocked.TryGetValue(k, out var list)) continue;
            list.Remove(bc);
            if (list.Count == 0) blocked.Remove(k);
        }
        if (blocked.Count == 0) bc.Store.Blocked = null;
    }

    private void Expire(BlockedClient bc) => Unblock(bc, error: false);

    /// <summary>
    /// Ends a wait as its timeout would (null reply) or, for CLIENT UNBLOCK ... ERROR, with Redis's
    /// UNBLOCKED error. False when the client was no longer waiting.
    /// </summary>
    public static bool Unblock(BlockedClient bc, bool error)
    {
        lock (bc.Store.Gate)
        {
            if (bc.Done) return false;
            Remove(bc);
            bc.Done = true;
        }
        bc.Timer?.Dispose();
        var s = bc.Session;
        lock (s.OutputLock)
        {
            var silenced = Silence(s);
            if (error) s.Writer.WriteError("UNBLOCKED client unblocked via CLIENT UNBLOCK");
            else if (bc.OnTimeout == BlockTimeoutReply.NullArray) s.Writer.WriteNullArray();
            else s.Writer.WriteNull();
            if (silenced) s.ResumeReplies();
            EndSkip(s);
            s.Writer.Commit();
        }
        bc.Tcs.TrySetResult();
        return true;
    }

    /// <summary>A blocked client's late reply obeys its CLIENT REPLY mode too.</summary>
    private static bool Silence(ClientSession s)
    {
        if (s.ReplyMode == ReplyMode.On) return false;
        s.SilenceReplies();
        return true;
    }

    private static void EndSkip(ClientSession s)
    {
        if (s.ReplyMode == ReplyMode.SkipNext) s.ReplyMode = ReplyMode.On;
    }

    /// <summary>Drops a waiter whose connection closed or was RESET.</summary>
    public static void Cancel(BlockedClient bc)
    {
        lock (bc.Store.Gate)
        {
            if (bc.Done) return;
            Remove(bc);
            bc.Done = true;
        }
        bc.Timer?.Dispose();
        bc.Tcs.TrySetResult();
    }
}
