using System.Buffers;
using QuorumCache.Node.Notifications;
using QuorumCache.Node.Server;
using QuorumCache.Node.Storage;
using QuorumCache.Resp;

namespace QuorumCache.Node.Commands;

/// <summary>
/// What a command handler works with: its arguments, the reply writer, the slot it holds the lock
/// of, the command's clock reading, and helpers that keep expiry, WATCH, blocking wake-ups and
/// effects right. One per client connection, reused for every command.
/// </summary>
public sealed partial class CommandContext
{
    private long _nowMs = -1;
    private readonly ArrayBufferWriter<byte> _effects = new();
    private RespWriter? _effectWriter;

    public CommandContext(NodeServer server, ClientSession session)
    {
        Server = server;
        Session = session;
    }

    public NodeServer Server { get; }
    public ClientSession Session { get; }
    public Keyspace Keyspace => Server.Keyspace;

    /// <summary>The arguments of the running command (argument 0 is its name).</summary>
    public CommandBuffer Args { get; internal set; } = null!;

    public RespWriter Reply => Session.Writer;

    /// <summary>The slot whose lock is held, or null for a keyless command.</summary>
    public SlotStore? Slot { get; internal set; }

    public CommandDef Command { get; internal set; } = null!;

    /// <summary>Unix time in ms, read once per command (and once per transaction) so a command sees one instant.</summary>
    public long NowMs
    {
        get
        {
            if (_nowMs < 0) _nowMs = Server.Clock.GetUtcNow().ToUnixTimeMilliseconds();
            return _nowMs;
        }
    }

    /// <summary>True while the handler runs inside EXEC.</summary>
    public bool InExec { get; internal set; }

    /// <summary>True while replaying effects (no replies are read, expiry is not applied lazily).</summary>
    public bool Replaying { get; internal set; }

    /// <summary>Set by <see cref="Touched"/>: the command changed the keyspace.</summary>
    public bool Modified { get; private set; }

    public bool RecordingEffects { get; internal set; }
    internal bool EffectEmitted;
    internal int EffectCount;

    /// <summary>Keys that became ready for blocked clients during this command.</summary>
    internal List<byte[]>? ReadyKeys;

    internal void BeginCommand(bool keepClock)
    {
        if (!keepClock) _nowMs = -1;
        Modified = false;
        EffectEmitted = false;
    }

    internal void ResetEffects()
    {
        _effects.ResetWrittenCount();
        EffectCount = 0;
    }

    internal ReadOnlyMemory<byte> EffectBytes => _effects.WrittenMemory;

    // ---------------- reading ----------------

    /// <summary>The value of <paramref name="key"/> in the held slot, or null when missing or expired (expired keys are deleted).</summary>
    public object? Get(ReadOnlySpan<byte> key)
    {
        var slot = Slot!;
        if (!slot.TryGet(key, out var value))
        {
            OnMiss(key);
            return null;
        }
        if (slot.HasExpiries && !Replaying)
        {
            var at = slot.GetExpiry(key);
            if (at >= 0 && at <= NowMs)
            {
                ExpireKey(key);
                OnMiss(key);
                return null;
            }
        }
        return value;
    }

    /// <summary>
    /// Looks up a value of type <typeparamref name="T"/>. Returns false (and replies WRONGTYPE) when
    /// the key holds another type; true with null when the key is missing.
    /// </summary>
    public bool TryGet<T>(ReadOnlySpan<byte> key, out T? value) where T : class
    {
        var v = Get(key);
        if (v is null)
        {
            value = null;
            return true;
        }
        if (v is T t)
        {
            value = t;
            return true;
        }
        value = null;
        Reply.WriteError(Errors.WrongType);
        return false;
    }

    public bool Exists(ReadOnlySpan<byte> key) => Get(key) is not null;

    /// <summary>Absolute expiry in ms of a live key, or -1.</summary>
    public long GetExpiry(ReadOnlySpan<byte> key) => Slot!.GetExpiry(key);

    // ---------------- writing ----------------

    /// <summary>
    /// Stores <paramref name="value"/>; the key's TTL is dropped unless <paramref name="keepTtl"/>.
    /// A key that did not exist is reported as a <c>new</c> keyspace event.
    /// </summary>
    public void SetValue(ReadOnlySpan<byte> key, object value, bool keepTtl = false)
    {
        var slot = Slot!;
        if (slot.Set(key, value)) Notify(KeyspaceEvents.New, "new"u8, key);
        if (!keepTtl && slot.HasExpiries) slot.RemoveExpiry(key);
        Touched(key);
    }

    /// <summary>Deletes a key; returns whether it existed (expired keys count as missing).</summary>
    public bool Delete(ReadOnlySpan<byte> key)
    {
        if (Get(key) is null) return false;
        Slot!.Remove(key);
        Touched(key);
        return true;
    }

    public void SetExpiry(ReadOnlySpan<byte> key, long atMs)
    {
        Slot!.SetExpiry(key, atMs);
        Touched(key);
    }

    public bool Persist(ReadOnlySpan<byte> key)
    {
        if (!Slot!.RemoveExpiry(key)) return false;
        Touched(key);
        return true;
    }

    /// <summary>
    /// Records that <paramref name="key"/> changed: counts it, invalidates WATCHes on it and marks it
    /// ready for clients blocked on it. Every handler that changes a key calls this (the Set/Delete
    /// helpers do). A collection handler that mutates a value in place calls it itself.
    /// </summary>
    public void Touched(ReadOnlySpan<byte> key)
    {
        Modified = true;
        Signal(key);
    }

    private void Signal(ReadOnlySpan<byte> key)
    {
        var slot = Slot!;
        slot.Dirty++;
        if (slot.Watchers is { } w && w.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(key, out var list))
            foreach (var s in list) ((ClientSession)s).WatchDirty = true;
        if (slot.Blocked is { } b && b.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(key, out var stored, out _))
            (ReadyKeys ??= []).Add(stored);
    }

    /// <summary>Deletes an expired key and propagates the deletion as an effect.</summary>
    internal void ExpireKey(ReadOnlySpan<byte> key)
    {
        var slot = Slot!;
        slot.Remove(key);
        Signal(key);
        Interlocked.Increment(ref Server.Stats.ExpiredKeys);
        Notify(KeyspaceEvents.Expired, "expired"u8, key);
        if (RecordingEffects)
        {
            var e = EffectWriter();
            e.WriteArrayHeader(2);
            e.WriteBulk("DEL"u8);
            e.WriteBulk(key);
            e.Commit();
            EffectCount++;
        }
    }

    // ---------------- blocking ----------------

    internal bool ServingBlocked;
    internal bool BlockedAgain;

    /// <summary>
    /// Blocks the client on keys <c>Args[firstKey..firstKey+keyCount)</c> until one becomes ready or
    /// <paramref name="timeoutMs"/> passes (0 = forever). Call it when there is nothing to serve, and
    /// write no reply. Returns false when the client cannot block (inside MULTI/EXEC): the caller then
    /// writes its timeout reply at once, as Redis does.
    /// </summary>
    public bool Block(long timeoutMs, int firstKey, int keyCount, Server.Blocking.BlockTimeoutReply onTimeout)
    {
        if (ServingBlocked)
        {
            BlockedAgain = true;
            return true;
        }
        if (InExec || Replaying) return false;
        Server.Blocking.Register(this, firstKey, keyCount, timeoutMs, onTimeout);
        return true;
    }

    /// <summary>
    /// Reads a blocking timeout in seconds (fractions allowed) into ms, with Redis's errors.
    /// </summary>
    public bool TryParseTimeout(int index, out long timeoutMs)
    {
        timeoutMs = 0;
        if (!ArgParse.TryDouble(Args[index], out var seconds))
        {
            Reply.WriteError("ERR timeout is not a float or out of range");
            return false;
        }
        // Redis 7.2: too large for ms (inf included), or the deadline would overflow.
        if (seconds * 1000 > long.MaxValue - (double)NowMs)
        {
            Reply.WriteError("ERR timeout is out of range");
            return false;
        }
        if (seconds < 0)
        {
            Reply.WriteError("ERR timeout is negative");
            return false;
        }
        timeoutMs = (long)Math.Ceiling(seconds * 1000);
        return true;
    }

    // ---------------- effects ----------------

    private RespWriter EffectWriter() => _effectWriter ??= new RespWriter(_effects);

    /// <summary>
    /// Starts an explicit effect of <paramref name="argc"/> arguments, replacing the default effect
    /// (the command as received). Returns null when nothing records effects; otherwise write exactly
    /// <paramref name="argc"/> bulk strings and call <see cref="EndEffect"/>.
    /// </summary>
    public RespWriter? BeginEffect(int argc)
    {
        EffectEmitted = true;
        if (!RecordingEffects) return null;
        var e = EffectWriter();
        e.WriteArrayHeader(argc);
        return e;
    }

    public void EndEffect()
    {
        _effectWriter!.Commit();
        EffectCount++;
    }

    /// <summary>Marks the command as having no effect of its own even though it touched keys (its helpers emitted them).</summary>
    public void SuppressDefaultEffect() => EffectEmitted = true;

    internal void EmitVerbatim()
    {
        var e = EffectWriter();
        e.WriteArrayHeader(Args.Count);
        for (var i = 0; i < Args.Count; i++) e.WriteBulk(Args[i]);
        e.Commit();
        EffectCount++;
    }
}
