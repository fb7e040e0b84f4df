using System.Runtime.CompilerServices;
using QuorumCache.Cluster.Slots;
using QuorumCache.Node.Server;
using QuorumCache.Resp;

namespace QuorumCache.Node.Commands;

/// <summary>
/// Runs one parsed command for a client: table lookup, arity, authentication, subscriber-mode and
/// MULTI rules, the slot of its keys (CROSSSLOT), routing (MOVED), then the handler under the
/// slot's lock. Synchronous: called from the connection loop for each command in the buffer.
/// </summary>
public sealed class Dispatcher
{
    private readonly NodeServer _server;
    [ThreadStatic] private static List<int>? t_positions;

    public Dispatcher(NodeServer server) => _server = server;

    public void Execute(ClientSession s, CommandBuffer args)
    {
        if (s.ReplyMode == ReplyMode.On)
        {
            Dispatch(s, args);
            return;
        }
        // CLIENT REPLY OFF or SKIP: run the command with its reply going nowhere.
        var skipping = s.ReplyMode == ReplyMode.SkipNext;
        s.SilenceReplies();
        try
        {
            Dispatch(s, args);
        }
        finally
        {
            s.ResumeReplies();
        }
        if (skipping && s.ReplyMode == ReplyMode.SkipNext && s.PendingBlock is null) s.ReplyMode = ReplyMode.On;
    }

    private void Dispatch(ClientSession s, CommandBuffer args)
    {
        var w = s.Writer;
        var def = _server.Commands.Find(args[0]);
        if (def is null)
        {
            FlagMulti(s);
            var rest = new List<string>();
            for (var i = 1; i < args.Count && i < 32; i++) rest.Add(args.GetString(i));
            w.WriteError(Errors.UnknownCommand(args.GetString(0), rest));
            return;
        }
        if (def.Arity > 0 ? args.Count != def.Arity : args.Count < -def.Arity)
        {
            Rejected(def, args);
            FlagMulti(s);
            w.WriteError(Errors.WrongArity(def.Name));
            return;
        }
        if (!s.Authenticated && (def.Flags & CommandFlags.NoAuth) == 0 && _server.RequiresPassword)
        {
            Rejected(def, args);
            FlagMulti(s);
            w.WriteError(Errors.NoAuth);
            return;
        }
        if (s.InSubscriberMode && (def.Flags & CommandFlags.SubscriberOk) == 0)
        {
            Rejected(def, args);
            w.WriteError($"ERR Can't execute '{def.Name}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context");
            return;
        }
        var slot = SlotOf(def, args);
        if (slot == -2)
        {
            Rejected(def, args);
            FlagMulti(s);
            w.WriteError(Errors.CrossSlot);
            return;
        }
        if (slot >= 0 && !Routed(s, slot, def.IsWrite))
        {
            if (s.PendingBlock is null) Rejected(def, args); // redirected, not held
            return;
        }

        if (s.InMulti && (def.Flags & CommandFlags.NoMulti) != 0)
        {
            Rejected(def, args);
            FlagMulti(s);
            w.WriteError(Errors.NotAllowedInMulti);
            return;
        }
        if (s.InMulti && (def.Flags & CommandFlags.TxControl) == 0)
        {
            Queue(s, def, args, slot);
            return;
        }
        s.CommandsProcessed++;
        // A slot paused between routing and taking its lock: route again (the command is held).
        while (!Run(s.Context, def, args, slot))
            if (!Routed(s, slot, def.IsWrite))
            {
                if (s.PendingBlock is null) Rejected(def, args);
                return;
            }
    }

    private static void Rejected(CommandDef def, CommandBuffer args) => def.StatsFor(args).AddRejected();

    /// <summary>Checks that this node serves <paramref name="slot"/>; otherwise writes the redirection.</summary>
    internal bool Routed(ClientSession s, int slot, bool isWrite, bool mayHold = true)
    {
        var r = _server.Router.Route(slot, isWrite, s);
        if (r.Kind == RouteKind.Local)
        {
            s.HoldSinceMs = 0;
            return true;
        }
        if (r.Kind == RouteKind.Hold)
        {
            var now = Environment.TickCount64;
            if (s.HoldSinceMs == 0) s.HoldSinceMs = now;
            if (mayHold && !s.InMulti && now - s.HoldSinceMs < _server.Options.HandOffHoldMs)
            {
                // Wait for the hand-off to finish, then the connection runs this command again.
                s.PendingBlock = new HoldState(_server.Router.WhenSlotChanges(slot)
                    .WaitAsync(TimeSpan.FromMilliseconds(_server.Options.HandOffHoldMs))
                    .ContinueWith(static _ => { }, TaskScheduler.Default));
                return false;
            }
            r = new RouteDecision(RouteKind.TryAgain);
        }
        s.HoldSinceMs = 0;
        FlagMulti(s);
        s.Writer.WriteError(r.Kind switch
        {
            RouteKind.Moved => $"MOVED {slot} {r.Endpoint}",
            RouteKind.Ask => $"ASK {slot} {r.Endpoint}",
            RouteKind.Unserved => Errors.ClusterDownUnserved,
            RouteKind.TryAgain => Errors.TryAgain,
            _ => Errors.ClusterDown,
        });
        return false;
    }

    private static void FlagMulti(ClientSession s)
    {
        if (s.InMulti) s.MultiFailed = true;
    }

    private void Queue(ClientSession s, CommandDef def, CommandBuffer args, int slot)
    {
        if (slot >= 0)
        {
            if (s.MultiSlot >= 0 && s.MultiSlot != slot)
            {
                s.MultiFailed = true;
                s.Writer.WriteError(Errors.CrossSlot);
                return;
            }
            s.MultiSlot = slot;
        }
        var copy = new byte[args.Count][];
        for (var i = 0; i < args.Count; i++) copy[i] = args.ToArray(i);
        s.MultiQueue.Add(copy);
        s.Writer.WriteSimpleString("QUEUED"u8);
    }

    /// <summary>The slot all keys hash to; -1 when the command has no keys; -2 when they differ.</summary>
    public static int SlotOf(CommandDef def, CommandBuffer args)
    {
        if (def.Keys is null)
        {
            if (def.FirstKey <= 0 || def.FirstKey >= args.Count) return -1;
            var last = def.LastKey >= 0 ? def.LastKey : args.Count + def.LastKey;
            if (last >= args.Count) last = args.Count - 1;
            var slot = HashSlot.Of(args[def.FirstKey]);
            var step = Math.Max(def.Step, 1);
            for (var i = def.FirstKey + step; i <= last; i += step)
                if (HashSlot.Of(args[i]) != slot) return -2;
            return slot;
        }
        var positions = t_positions ??= [];
        positions.Clear();
        def.Keys(args, positions);
        if (positions.Count == 0) return -1;
        var first = HashSlot.Of(args[positions[0]]);
        for (var i = 1; i < positions.Count; i++)
            if (HashSlot.Of(args[positions[i]]) != first) return -2;
        return first;
    }

    /// <summary>
    /// Runs a handler, under its slot's lock when it has keys, and publishes its effects. Returns false,
    /// having run nothing, when the slot was paused for a hand-off after the command was routed.
    /// </summary>
    internal bool Run(CommandContext ctx, CommandDef def, CommandBuffer args, int slot)
    {
        ctx.Args = args;
        ctx.Command = def;
        ctx.Session.LastCommandName = def.Name;
        if (slot < 0)
        {
            ctx.Slot = null;
            ctx.BeginCommand(keepClock: false);
            Invoke(ctx, def);
            return true;
        }
        var store = _server.Keyspace[slot];
        lock (store.Gate)
        {
            ctx.Slot = store;
            if (!BeginSlotBatch(ctx)) return false;
            RunLocked(ctx, def, args, keepClock: false);
            EndSlotBatch(ctx, slot);
        }
        return true;
    }

    /// <summary>
    /// Starts a batch of commands under the slot's lock. False when the slot is paused for a hand-off:
    /// sealed (its stream is closed), or handed away since the command was routed (it would run on a node
    /// that no longer owns the slot); the command then routes again. Effects replayed from a hand-off
    /// (<see cref="CommandContext.Replaying"/>) fill a slot arriving here, which may still be paused from
    /// when it left: they run unless this node is itself handing the slot off.
    /// </summary>
    internal bool BeginSlotBatch(CommandContext ctx)
    {
        var slot = ctx.Slot!.Slot;
        ctx.RecordingEffects = _server.Effects is { } sink && sink.Wants(slot);
        ctx.ResetEffects();
        return ctx.Replaying ? !ctx.RecordingEffects : !_server.Router.IsPaused(slot);
    }

    /// <summary>Runs a handler while the caller holds the slot's lock (plain commands and each command of EXEC).</summary>
    internal static void RunLocked(CommandContext ctx, CommandDef def, CommandBuffer args, bool keepClock)
    {
        ctx.Args = args;
        ctx.Command = def;
        ctx.BeginCommand(keepClock);
        Invoke(ctx, def);
        if (ctx.Modified && !ctx.EffectEmitted && ctx.RecordingEffects) ctx.EmitVerbatim();
    }

    /// <summary>
    /// Runs a handler. A handler that throws has a bug, but it must not take the connection's thread,
    /// the client or the node with it: the client gets an error (when the handler had written nothing
    /// yet; otherwise its reply is cut and the connection closes, since the stream can no longer be
    /// parsed), the failure is logged and counted, and the node goes on.
    /// </summary>
    private static void Invoke(CommandContext ctx, CommandDef def)
    {
        var reply = ctx.Reply;
        var args = ctx.Args; // EXEC points ctx.Args at each queued command in turn
        var mark = reply.Position;
        // The kernel's coarse clock (a few ns to read, 1-4 ms steps): a precise timestamp costs 30-70 ns
        // on this kind of VM (kvm-clock), twice per command, about 4% of GET -P 16. A command's
        // measured time is then 0 or a few ms, but over many calls the sum is an unbiased estimate.
        var started = Environment.TickCount64;
        try
        {
            def.Handler(ctx);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            ctx.Server.ReportCommandFault(ctx.Session, def.Name, ex);
            if (reply.Position == mark) reply.WriteError(Errors.InternalError(def.Name));
            else ctx.Session.CloseRequested = true;
        }
        if (!ctx.ServingBlocked && (def.Flags & CommandFlags.Admin) == 0) Monitor(ctx, def, args);
        // A command that blocked is counted when it is served (or times out), as Redis counts it.
        if (ctx.Session.PendingBlock is Server.Blocking.BlockedClient && !ctx.ServingBlocked) return;
        var micros = (Environment.TickCount64 - started) * 1000;
        // Failed: the reply itself is an error (EXEC's array of results is not, whatever it holds).
        def.StatsFor(args).AddCall(micros, failed: reply.LastErrorAt == mark);
        var slower = ctx.Server.Options.SlowlogLogSlowerThan;
        if (slower >= 0 && micros >= slower && (def.Flags & CommandFlags.SkipSlowlog) == 0)
            LogSlow(ctx, def, args, micros);
    }

    /// <summary>
    /// MONITOR sees every command that ran (admin commands excepted, as in Redis), after it ran: the
    /// commands of an EXEC come before the EXEC, a blocking command shows once, when it is called.
    /// </summary>
    private static void Monitor(CommandContext ctx, CommandDef def, CommandBuffer args)
    {
        var dispatcher = ctx.Server.Dispatcher;
        var hub = ctx.Server.PubSub;
        if (!hub.HasMonitors) return;
        hub.FeedMonitors(ctx.Session, args, redact: (def.Flags & CommandFlags.RedactArgs) != 0);
    }


    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void LogSlow(CommandContext ctx, CommandDef def, CommandBuffer args, long micros)
    {
        var server = ctx.Server;
        server.SlowLog.Add(args, micros, server.Clock.GetUtcNow().ToUnixTimeSeconds(),
            ctx.Session, server.Options.SlowlogMaxLen, redact: (def.Flags & CommandFlags.RedactArgs) != 0);
    }

    internal void EndSlotBatch(CommandContext ctx, int slot)
    {
        if (ctx.EffectCount > 0) _server.Effects!.Commit(slot, ctx.EffectBytes.Span, ctx.EffectCount);
        if (ctx.ReadyKeys is { Count: > 0 } ready)
        {
            _server.Blocking.OnKeysReady(ctx, ready);
            ready.Clear();
        }
    }
}
