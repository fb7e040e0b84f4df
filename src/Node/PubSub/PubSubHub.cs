using System.Text;
using Microsoft.Extensions.Logging;
using QuorumCache.Cluster.Slots;
using QuorumCache.Node.Server;
using QuorumCache.Node.Storage;

namespace QuorumCache.Node.Messaging;

/// <summary>The three subscription namespaces. Internal only, not persisted.</summary>
internal enum SubscriptionKind
{
    Channel,
    Pattern,
    Shard,
}

/// <summary>
/// This node's pub/sub registry and delivery. Subscriptions change on the subscriber's own
/// connection thread (under a write lock); PUBLISH looks subscribers up under the read lock, so
/// publishers run in parallel, and appends the encoded message to each receiver's mailbox
/// (<see cref="Subscriber"/>), which never blocks. Because lookups and appends happen under the read
/// lock, once an unsubscribe has taken the write lock no later message can reach that client for
/// that channel; the unsubscriber then writes out its mailbox before its confirmation.
/// Channel names are binary: the hub keys them as bytes; a session's own sets hold them as Latin-1
/// strings (a lossless byte-to-char mapping).
/// The folder is PubSub/ but the namespace is Messaging: a namespace named PubSub would hide the
/// <c>CommandFlags.PubSub</c> flag in files that import CommandFlags statically.
/// </summary>
public sealed partial class PubSubHub
{
    private readonly NodeServer _server;
    private readonly ILogger _logger;
    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private readonly Dictionary<byte[], List<Subscriber>> _channels = new(KeyComparer.Instance);
    private readonly Dictionary<byte[], List<Subscriber>> _patterns = new(KeyComparer.Instance);
    private readonly Dictionary<byte[], List<Subscriber>> _shardChannels = new(KeyComparer.Instance);
    private readonly Dictionary<ClientSession, Subscriber> _subscribers = new(ReferenceEqualityComparer.Instance);

    public PubSubHub(NodeServer server, ILogger logger)
    {
        _server = server;
        _logger = logger;
        Limits = OutputLimits.From(server.Options);
    }

    /// <summary>Set by the cluster once nodes talk to each other; null on a lone node.</summary>
    public IPubSubForwarder? Forwarder { get; set; }

    /// <summary>The pub/sub client output buffer limits (from the options; tests may change them).</summary>
    public OutputLimits Limits { get; set; }

    internal long NowMs() => _server.Clock.GetUtcNow().ToUnixTimeMilliseconds();

    // ---------------- publishing ----------------

    /// <summary>
    /// PUBLISH: delivers to this node's channel and pattern subscribers, then hands the message to
    /// the <see cref="Forwarder"/>. Returns the number of local receptions (as Redis Cluster does).
    /// Messages for <paramref name="publisher"/> itself are added to <paramref name="selfFrames"/>
    /// when given (the caller writes them after its reply) instead of its mailbox.
    /// </summary>
    public int Publish(ReadOnlySpan<byte> channel, ReadOnlySpan<byte> message, ClientSession? publisher = null, List<byte[]>? selfFrames = null)
    {
        var n = DeliverLocal(channel, message, publisher, selfFrames);
        Interlocked.Increment(ref _server.Stats.PubSubMessages);
        Forwarder?.ForwardPublish(channel, message);
        return n;
    }

    /// <summary>SPUBLISH, once the dispatcher has checked that this node owns the channel's slot.</summary>
    public int ShardPublish(ReadOnlySpan<byte> channel, ReadOnlySpan<byte> message, ClientSession? publisher = null, List<byte[]>? selfFrames = null)
    {
        var n = DeliverShardLocal(channel, message, publisher, selfFrames);
        Interlocked.Increment(ref _server.Stats.PubSubMessages);
        Forwarder?.ForwardShardPublish(HashSlot.Of(channel), channel, message);
        return n;
    }

    /// <summary>A PUBLISH forwarded by another node: local subscribers only, never forwarded again.</summary>
    public int DeliverFromRemote(ReadOnlySpan<byte> channel, ReadOnlySpan<byte> message) => DeliverLocal(channel, message, null, null);

    /// <summary>An SPUBLISH forwarded by the slot's primary: local shard subscribers only.</summary>
    public int DeliverShardFromRemote(ReadOnlySpan<byte> channel, ReadOnlySpan<byte> message) => DeliverShardLocal(channel, message, null, null);

    private int DeliverLocal(ReadOnlySpan<byte> channel, ReadOnlySpan<byte> message, ClientSession? publisher, List<byte[]>? selfFrames)
    {
        var n = 0;
        _lock.EnterReadLock();
        try
        {
            if (_channels.Count > 0 && _channels.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(channel, out var subs))
            {
                var frame = PubSubFrames.Message("message"u8, channel, message);
                n += Send(subs, frame, publisher, selfFrames);
            }
            if (_patterns.Count > 0)
            {
                foreach (var entry in _patterns)
                {
                    if (!GlobMatcher.IsMatch(entry.Key, channel)) continue;
                    var frame = PubSubFrames.PatternMessage(entry.Key, channel, message);
                    n += Send(entry.Value, frame, publisher, selfFrames);
                }
            }
        }
        finally
        {
            _lock.ExitReadLock();
        }
        return n;
    }

    private int DeliverShardLocal(ReadOnlySpan<byte> channel, ReadOnlySpan<byte> message, ClientSession? publisher, List<byte[]>? selfFrames)
    {
        _lock.EnterReadLock();
        try
        {
            if (_shardChannels.Count == 0 || !_shardChannels.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(channel, out var subs))
                return 0;
            return Send(subs, PubSubFrames.Message("smessage"u8, channel, message), publisher, selfFrames);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    private static int Send(List<Subscriber> subs, byte[] frame, ClientSession? publisher, List<byte[]>? selfFrames)
    {
        for (var i = 0; i < subs.Count; i++)
        {
            var s = subs[i];
            if (selfFrames is not null && ReferenceEquals(s.Session, publisher)) selfFrames.Add(frame);
            else s.Enqueue(frame);
        }
        return subs.Count;
    }

    /// <summary>
    /// Writes a client's messages to itself after its PUBLISH reply (Redis 7.2 order). Inside EXEC
    /// they go through the mailbox instead, so they follow the whole EXEC reply.
    /// The caller is the client's own connection, holding its output lock.
    /// </summary>
    internal void DeliverToSelf(ClientSession session, List<byte[]> frames, bool inExec)
    {
        var sub = Find(session);
        if (sub is null) return;
        if (inExec)
        {
            foreach (var f in frames) sub.Enqueue(f);
            return;
        }
        sub.DrainOwned();
        foreach (var f in frames) PubSubFrames.Write(session.Writer, f);
    }

    // ---------------- eviction ----------------

    internal void Evict(Subscriber sub, long backlog)
    {
        Interlocked.Increment(ref _server.Stats.EvictedClients);
        LogEvicted(_logger, sub.Session.Id, sub.Session.Address, backlog, Limits.HardBytes, Limits.SoftBytes, Limits.SoftSeconds);
        // Not inline: aborting can run the connection's close path on this thread, which takes hub locks.
        var abort = sub.Session.Abort;
        if (abort is not null) ThreadPool.UnsafeQueueUserWorkItem(static a => a(), abort, preferLocal: false);
    }

    internal void PumpFailed(Subscriber sub, Exception ex) => LogPumpFailed(_logger, ex, sub.Session.Id);

    [LoggerMessage(Level = LogLevel.Warning, Message = "client {Id} ({Address}) closed for overcoming of output buffer limits: pubsub backlog {Backlog} bytes (hard {Hard}, soft {Soft} for {SoftSeconds}s)")]
    private static partial void LogEvicted(ILogger logger, long id, string address, long backlog, long hard, long soft, int softSeconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "client {Id}: pub/sub delivery failed")]
    private static partial void LogPumpFailed(ILogger logger, Exception ex, long id);

    // ---------------- helpers shared with the registry half ----------------

    internal static HashSet<string> SetOf(ClientSession s, SubscriptionKind kind) => kind switch
    {
        SubscriptionKind.Channel => s.Channels,
        SubscriptionKind.Pattern => s.Patterns,
        _ => s.ShardChannels,
    };

    private Dictionary<byte[], List<Subscriber>> MapOf(SubscriptionKind kind) => kind switch
    {
        SubscriptionKind.Channel => _channels,
        SubscriptionKind.Pattern => _patterns,
        _ => _shardChannels,
    };

    internal static string Name(ReadOnlySpan<byte> bytes) => Encoding.Latin1.GetString(bytes);

    internal static byte[] Bytes(string name) => Encoding.Latin1.GetBytes(name);
}
