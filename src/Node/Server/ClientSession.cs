using System.IO.Pipelines;
using QuorumCache.Node.Commands;
using QuorumCache.Resp;

namespace QuorumCache.Node.Server;

/// <summary>
/// One client connection's state. Touched only by the connection's own loop, except where a
/// member says otherwise (pushes from publishers, WATCH invalidation, blocking wake-ups).
/// </summary>
public sealed class ClientSession
{
    public ClientSession(long id, PipeWriter output, NodeServer server, string address, string localAddress)
    {
        Id = id;
        Output = output;
        Server = server;
        Address = address;
        LocalAddress = localAddress;
        Writer = new RespWriter(output);
        Context = new CommandContext(server, this);
        CreatedAt = server.Clock.GetUtcNow();
        LastInteraction = CreatedAt;
    }

    public long Id { get; }
    public NodeServer Server { get; }
    public PipeWriter Output { get; }
    public RespWriter Writer { get; }
    public CommandContext Context { get; }
    public CommandBuffer Command { get; } = new();
    public string Address { get; }
    public string LocalAddress { get; }
    public DateTimeOffset CreatedAt { get; }
    public DateTimeOffset LastInteraction { get; set; }

    public string? Name { get; set; }
    public string? LibName { get; set; }
    public string? LibVersion { get; set; }
    public bool Authenticated { get; set; }
    public bool NoEvict { get; set; }
    public bool ReadOnlyMode { get; set; }
    public bool Asking { get; set; }
    public string LastCommandName { get; set; } = "NULL";
    public long CommandsProcessed;
    /// <summary>Bytes of commands read from this client (INFO total_net_input_bytes).</summary>
    public long NetInput;

    /// <summary>Closes the transport at once (CLIENT KILL, output buffer limits).</summary>
    public Action? Abort { get; set; }

    /// <summary>Close the connection once the current reply is flushed (QUIT, protocol error, CLIENT KILL).</summary>
    public volatile bool CloseRequested;

    /// <summary>Taken around every write to <see cref="Writer"/> that may race with pushes from other connections.</summary>
    public readonly Lock OutputLock = new();

    private readonly SemaphoreSlim _flushGate = new(1, 1);

    /// <summary>
    /// Flushes the output; safe to call from any thread (the connection loop and pushers share it).
    /// Returns false once the connection is gone.
    /// </summary>
    public async ValueTask<bool> FlushAsync()
    {
        await _flushGate.WaitAsync().ConfigureAwait(false);
        try
        {
            // Start the flush under the output lock: PipeWriter is not thread-safe, and publishers
            // write into Output from other threads (under this lock) while a flush is being started.
            ValueTask<FlushResult> pending;
            lock (OutputLock) pending = Output.FlushAsync();
            var r = await pending.ConfigureAwait(false);
            return !r.IsCompleted && !r.IsCanceled;
        }
        catch (InvalidOperationException)
        {
            return false; // the transport completed the pipe
        }
        finally
        {
            _flushGate.Release();
        }
    }

    // ---- MULTI/EXEC ----
    /// <summary>CLIENT REPLY: whether this client's command replies are sent. Pushes (pub/sub) always are.</summary>
    public ReplyMode ReplyMode { get; set; }

    private DiscardingPipeWriter? _discard;

    /// <summary>Sends what the writer gets next into nothing, until <see cref="ResumeReplies"/>. Caller holds <see cref="OutputLock"/>.</summary>
    public void SilenceReplies() => Writer.Reset(_discard ??= new DiscardingPipeWriter());

    /// <summary>Sends replies to the connection again. Caller holds <see cref="OutputLock"/>.</summary>
    public void ResumeReplies() => Writer.Reset(Output);

    public bool InMulti { get; set; }
    public bool MultiFailed { get; set; }
    public List<byte[][]> MultiQueue { get; } = [];
    /// <summary>Slot of the queued transaction's keys, -1 while it touched none.</summary>
    public int MultiSlot { get; set; } = -1;
    /// <summary>Keys under WATCH: (slot, key, was alive when watched).</summary>
    public List<(int Slot, byte[] Key, long ExpiryAtWatch)> Watched { get; } = [];
    /// <summary>Set by any writer of a watched key (under that key's slot lock).</summary>
    public volatile bool WatchDirty;

    // ---- pub/sub ----
    public HashSet<string> Channels { get; } = new(StringComparer.Ordinal);
    public HashSet<string> Patterns { get; } = new(StringComparer.Ordinal);
    public HashSet<string> ShardChannels { get; } = new(StringComparer.Ordinal);
    public int SubscriptionCount => Channels.Count + Patterns.Count + ShardChannels.Count;
    /// <summary>RESP2 subscriber mode: only (P|S)SUBSCRIBE/UNSUBSCRIBE, PING, QUIT, RESET are allowed.</summary>
    public bool InSubscriberMode => SubscriptionCount > 0 && !Writer.IsResp3;

    // ---- blocking commands ----
    /// <summary>Set by a blocking command that found nothing to serve; the connection waits on it.</summary>
    public BlockState? PendingBlock { get; set; }

    /// <summary>When the command now being held was first held (ms timestamp), 0 when none is held.</summary>
    public long HoldSinceMs { get; set; }

    public int Protocol => Writer.Protocol;

    public string FlagsText
    {
        get
        {
            var f = "";
            if (InMulti) f += "x";
            if (SubscriptionCount > 0) f += "P";
            if (PendingBlock is not null) f += "b";
            if (ReadOnlyMode) f += "r";
            if (NoEvict) f += "e";
            return f.Length == 0 ? "N" : f;
        }
    }
}

/// <summary>A command held while its slot is handed off; the connection re-runs it when the wait ends.</summary>
public sealed class HoldState(Task completion) : BlockState
{
    public override Task Completion { get; } = completion;
}

/// <summary>
/// A client blocked by BLPOP and friends. The connection loop awaits <see cref="Completion"/>
/// (the reply has been written by then, by whoever served or timed out the client) and resumes.
/// </summary>
public abstract class BlockState
{
    public abstract Task Completion { get; }
}

/// <summary>CLIENT REPLY modes. Internal, not persisted.</summary>
public enum ReplyMode
{
    On,
    /// <summary>CLIENT REPLY OFF: no command replies until CLIENT REPLY ON.</summary>
    Off,
    /// <summary>CLIENT REPLY SKIP: the next command's reply is dropped.</summary>
    SkipNext,
}
