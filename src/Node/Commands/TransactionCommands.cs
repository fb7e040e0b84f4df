using QuorumCache.Node.Server;
using QuorumCache.Resp;
using static QuorumCache.Node.Commands.CommandFlags;

namespace QuorumCache.Node.Commands;

/// <summary>
/// MULTI, EXEC, DISCARD, WATCH, UNWATCH. All keys of a transaction hash to one slot, so EXEC runs the
/// whole queue under that slot's lock: atomic, and its effects leave as one batch.
/// </summary>
public static class TransactionCommands
{
    public static void Register(CommandTable t)
    {
        t.Add("multi", 1, NoScript | Loading | Stale | Fast | TxControl | AllowBusy, 0, 0, 0, Multi, "transactions", "transaction", "fast");
        t.Add("exec", 1, NoScript | Loading | Stale | SkipMonitor | SkipSlowlog | TxControl, 0, 0, 0, Exec, "transactions", "transaction", "slow");
        t.Add("discard", 1, NoScript | Loading | Stale | Fast | TxControl | AllowBusy, 0, 0, 0, Discard, "transactions", "transaction", "fast");
        t.Add("watch", -2, NoScript | Loading | Stale | Fast | TxControl | AllowBusy, 1, -1, 1, Watch, "transactions", "transaction", "fast");
        t.Add("unwatch", 1, NoScript | Loading | Stale | Fast | AllowBusy, 0, 0, 0, Unwatch, "transactions", "transaction", "fast");
    }

    private static void Multi(CommandContext ctx)
    {
        var s = ctx.Session;
        if (s.InMulti)
        {
            ctx.Reply.WriteError(Errors.MultiNested);
            return;
        }
        s.InMulti = true;
        s.MultiFailed = false;
        s.MultiQueue.Clear();
        s.MultiSlot = -1;
        ctx.Reply.WriteOk();
    }

    private static void Discard(CommandContext ctx)
    {
        if (!ctx.Session.InMulti)
        {
            ctx.Reply.WriteError(Errors.DiscardWithoutMulti);
            return;
        }
        Reset(ctx.Session);
        ctx.Reply.WriteOk();
    }

    /// <summary>Leaves MULTI state and drops all WATCHes.</summary>
    public static void Reset(ClientSession s)
    {
        s.InMulti = false;
        s.MultiFailed = false;
        s.MultiQueue.Clear();
        s.MultiSlot = -1;
        UnwatchAll(s);
    }

    private static void Watch(CommandContext ctx)
    {
        var s = ctx.Session;
        if (s.InMulti)
        {
            ctx.Reply.WriteError(Errors.WatchInMulti);
            return;
        }
        var store = ctx.Slot!;
        for (var i = 1; i < ctx.Args.Count; i++)
        {
            var key = ctx.Args.ToArray(i);
            var already = false;
            foreach (var w in s.Watched)
                if (w.Slot == store.Slot && w.Key.AsSpan().SequenceEqual(key)) already = true;
            if (already) continue;
            store.Watchers ??= new Dictionary<byte[], List<object>>(Storage.KeyComparer.Instance);
            if (!store.Watchers.TryGetValue(key, out var list)) store.Watchers[key] = list = [];
            list.Add(s);
            // Remember whether the key was alive: if it expires before EXEC, the transaction fails (Redis 7).
            var alive = ctx.Exists(key);
            s.Watched.Add((store.Slot, key, alive ? Math.Max(ctx.GetExpiry(key), 0) : -1));
        }
        ctx.Reply.WriteOk();
    }

    private static void Unwatch(CommandContext ctx)
    {
        UnwatchAll(ctx.Session);
        ctx.Reply.WriteOk();
    }

    /// <summary>Breaks every WATCH on the slot's keys, present or not (a slot handed away). The caller holds the slot's lock.</summary>
    public static void InvalidateWatchers(Storage.SlotStore store)
    {
        if (store.Watchers is not { } w) return;
        foreach (var list in w.Values)
            foreach (var s in list) ((ClientSession)s).WatchDirty = true;
    }

    public static void UnwatchAll(ClientSession s)
    {
        foreach (var (slot, key, _) in s.Watched)
        {
            var store = s.Server.Keyspace[slot];
            lock (store.Gate)
            {
                if (store.Watchers is null || !store.Watchers.TryGetValue(key, out var list)) continue;
                list.Remove(s);
                if (list.Count == 0) store.Watchers.Remove(key);
                if (store.Watchers.Count == 0) store.Watchers = null;
            }
        }
        s.Watched.Clear();
        s.WatchDirty = false;
    }

    private static void Exec(CommandContext ctx)
    {
        var s = ctx.Session;
        if (!s.InMulti)
        {
            ctx.Reply.WriteError(Errors.ExecWithoutMulti);
            return;
        }
        if (s.MultiFailed)
        {
            Reset(s);
            ctx.Reply.WriteError(Errors.ExecAbort);
            return;
        }
        var queue = s.MultiQueue.ToArray();
        var slot = s.MultiSlot;
        s.InMulti = false;
        s.MultiQueue.Clear();
        var server = ctx.Server;
        if (slot >= 0 && !server.Dispatcher.Routed(s, slot, isWrite: true, mayHold: false))
        {
            Reset(s);
            return;
        }
        if (slot < 0)
        {
            if (WatchBroken(ctx)) ctx.Reply.WriteNullArray();
            else RunQueue(ctx, queue, locked: false);
            Reset(s);
            return;
        }
        var store = server.Keyspace[slot];
        while (true)
        {
            lock (store.Gate)
            {
                ctx.Slot = store;
                if (server.Dispatcher.BeginSlotBatch(ctx))
                {
                    if (WatchBroken(ctx)) ctx.Reply.WriteNullArray();
                    else RunQueue(ctx, queue, locked: true);
                    server.Dispatcher.EndSlotBatch(ctx, slot);
                    break;
                }
            }
            // Paused for a hand-off since it was routed: -TRYAGAIN, or run if the pause already ended.
            if (!server.Dispatcher.Routed(s, slot, isWrite: true, mayHold: false)) break;
        }
        Reset(s);
    }

    private static bool WatchBroken(CommandContext ctx)
    {
        var s = ctx.Session;
        if (s.WatchDirty) return true;
        var now = ctx.Server.Clock.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var (_, _, expiry) in s.Watched)
            if (expiry > 0 && expiry <= now) return true; // was alive when watched, has expired since
        return false;
    }

    private static void RunQueue(CommandContext ctx, byte[][][] queue, bool locked)
    {
        var s = ctx.Session;
        ctx.Reply.WriteArrayHeader(queue.Length);
        var args = new CommandBuffer();
        ctx.InExec = true;
        try
        {
            var first = true;
            foreach (var cmd in queue)
            {
                args.Clear();
                foreach (var a in cmd) args.Add(a);
                var def = ctx.Server.Commands.Find(args[0])!;
                s.CommandsProcessed++;
                if (locked || Dispatcher.SlotOf(def, args) < 0)
                {
                    ctx.Slot = locked ? ctx.Slot : null;
                    Dispatcher.RunLocked(ctx, def, args, keepClock: !first);
                }
                else ctx.Server.Dispatcher.Run(ctx, def, args, Dispatcher.SlotOf(def, args));
                first = false;
            }
        }
        finally
        {
            ctx.InExec = false;
        }
    }
}
