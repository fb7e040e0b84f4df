using System.Buffers;
using System.IO.Pipelines;
using QuorumCache.Node.Commands;
using QuorumCache.Resp;

namespace QuorumCache.Node.Server;

/// <summary>
/// Runs server-side work on the keyspace with the same rules as client commands: background
/// expiry, replaying effects (replication, journal recovery, tests). Replies are discarded.
/// Each thread gets its own internal session (no lock shared between callers); each call takes the
/// slot's lock like a client command, so it may be called while holding another slot's lock.
/// </summary>
public sealed class InternalExecutor
{
    private readonly NodeServer _server;
    private readonly ThreadLocal<ClientSession> _sessions;
    private readonly ThreadLocal<CommandBuffer> _buffers = new(() => new CommandBuffer());

    public InternalExecutor(NodeServer server)
    {
        _server = server;
        _sessions = new ThreadLocal<ClientSession>(() =>
            new ClientSession(0, new DiscardingPipeWriter(), server, "internal", "internal") { Authenticated = true });
    }

    private ClientSession Session => _sessions.Value!;

    /// <summary>
    /// Runs <paramref name="work"/> holding slot <paramref name="slot"/>'s lock; its effects are published.
    /// With <paramref name="skipIfPaused"/>, a slot paused for a hand-off is left alone (answers default).
    /// </summary>
    public T WithSlot<T>(int slot, Func<CommandContext, T> work, bool skipIfPaused = false)
    {
        var session = Session;
        var ctx = session.Context;
        var store = _server.Keyspace[slot];
        lock (store.Gate)
        {
            ctx.Slot = store;
            if (!_server.Dispatcher.BeginSlotBatch(ctx) && skipIfPaused) return default!;
            ctx.BeginCommand(keepClock: false);
            var result = work(ctx);
            _server.Dispatcher.EndSlotBatch(ctx, slot);
            session.Writer.Commit();
            return result;
        }
    }

    /// <summary>
    /// Applies RESP-encoded effects (as an <see cref="IEffectSink"/> received them) to the keyspace.
    /// Returns the number of commands applied. Throws on malformed input.
    /// </summary>
    public int Replay(ReadOnlySequence<byte> effects)
    {
        {
            var session = Session;
            var args = _buffers.Value!;
            var reader = new SequenceReader<byte>(effects);
            var n = 0;
            var ctx = session.Context;
            ctx.Replaying = true;
            try
            {
                while (RespCommandReader.TryRead(ref reader, args, RespLimits.Default))
                {
                    var def = _server.Commands.Find(args[0]) ?? throw new InvalidDataException($"unknown effect command '{args.GetString(0)}'");
                    var slot = Dispatcher.SlotOf(def, args);
                    // Effects arrive for slots this node is receiving, never for one it is pausing.
                    if (!_server.Dispatcher.Run(ctx, def, args, slot))
                        throw new InvalidOperationException($"effects for slot {slot}, which this node is handing off");
                    n++;
                }
                if (reader.Remaining > 0) throw new InvalidDataException("truncated effect stream");
            }
            finally
            {
                ctx.Replaying = false;
                session.Writer.Commit();
            }
            return n;
        }
    }
}
