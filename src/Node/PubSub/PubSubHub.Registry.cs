using QuorumCache.Cluster.Slots;
using QuorumCache.Node.Server;
using QuorumCache.Node.Storage;

namespace QuorumCache.Node.Messaging;

/// <summary>Subscribing, unsubscribing, client reset/close, lost shard slots, and the PUBSUB queries.</summary>
public sealed partial class PubSubHub
{
    /// <summary>Adds a subscription for the client running the command; false when it already had it.</summary>
    internal bool Subscribe(ClientSession s, SubscriptionKind kind, ReadOnlySpan<byte> name)
    {
        var set = SetOf(s, kind);
        var key = Name(name);
        if (set.Contains(key)) return false;
        _lock.EnterWriteLock();
        try
        {
            if (!_subscribers.TryGetValue(s, out var sub)) _subscribers[s] = sub = new Subscriber(this, s);
            var map = MapOf(kind);
            if (!map.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(name, out var list))
                map[name.ToArray()] = list = [];
            list.Add(sub);
            set.Add(key);
        }
        finally
        {
            _lock.ExitWriteLock();
        }
        return true;
    }

    /// <summary>
    /// Stops every later message of <paramref name="names"/> from reaching the client, then writes
    /// out the messages already queued for it. The caller (the client's own connection, holding its
    /// output lock) then removes the names from the session's set and writes its confirmations.
    /// </summary>
    internal void StopDelivery(ClientSession s, SubscriptionKind kind, List<byte[]> names)
    {
        Subscriber? sub;
        _lock.EnterWriteLock();
        try
        {
            if (!_subscribers.TryGetValue(s, out sub)) return;
            var map = MapOf(kind);
            foreach (var name in names) RemoveLocked(map, name, sub);
        }
        finally
        {
            _lock.ExitWriteLock();
        }
        sub.DrainOwned();
    }

    private static void RemoveLocked(Dictionary<byte[], List<Subscriber>> map, byte[] name, Subscriber sub)
    {
        if (!map.TryGetValue(name, out var list)) return;
        list.Remove(sub);
        if (list.Count == 0) map.Remove(name);
    }

    /// <summary>The names a client is subscribed to, as bytes, in the session set's order.</summary>
    internal static List<byte[]> NamesOf(ClientSession s, SubscriptionKind kind)
    {
        var set = SetOf(s, kind);
        var names = new List<byte[]>(set.Count);
        foreach (var n in set) names.Add(Bytes(n));
        return names;
    }

    private Subscriber? Find(ClientSession s)
    {
        _lock.EnterReadLock();
        try
        {
            return _subscribers.TryGetValue(s, out var sub) ? sub : null;
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>Removes all of a client's registrations (write lock held).</summary>
    private Subscriber? RemoveAllLocked(ClientSession s)
    {
        if (!_subscribers.TryGetValue(s, out var sub)) return null;
        foreach (var n in s.Channels) RemoveLocked(_channels, Bytes(n), sub);
        foreach (var n in s.Patterns) RemoveLocked(_patterns, Bytes(n), sub);
        foreach (var n in s.ShardChannels) RemoveLocked(_shardChannels, Bytes(n), sub);
        return sub;
    }

    /// <summary>RESET: leave every channel, pattern and shard channel; queued messages are written first.</summary>
    internal void OnReset(ClientSession s)
    {
        Subscriber? sub;
        _lock.EnterWriteLock();
        try
        {
            sub = RemoveAllLocked(s);
            RemoveMonitorLocked(_subscribers.GetValueOrDefault(s));
        }
        finally
        {
            _lock.ExitWriteLock();
        }
        sub?.DrainOwned();
        s.Channels.Clear();
        s.Patterns.Clear();
        s.ShardChannels.Clear();
    }

    /// <summary>The client disconnected: forget it and drop whatever was queued for it.</summary>
    internal void OnClosed(ClientSession s)
    {
        Subscriber? sub;
        _lock.EnterWriteLock();
        try
        {
            sub = RemoveAllLocked(s);
            RemoveMonitorLocked(_subscribers.GetValueOrDefault(s));
            _subscribers.Remove(s);
        }
        finally
        {
            _lock.ExitWriteLock();
        }
        sub?.Kill();
        lock (s.OutputLock)
        {
            s.Channels.Clear();
            s.Patterns.Clear();
            s.ShardChannels.Clear();
        }
    }

    /// <summary>
    /// For the cluster: this node no longer serves <paramref name="slot"/>. Its shard channels'
    /// subscribers are unsubscribed and told so with an <c>sunsubscribe</c> message, as Redis does.
    /// Returns the number of shard channels dropped.
    /// </summary>
    public int RemoveShardSlot(int slot)
    {
        var dropped = new List<(byte[] Channel, List<Subscriber> Subs)>();
        _lock.EnterWriteLock();
        try
        {
            foreach (var entry in _shardChannels)
                if (HashSlot.Of(entry.Key) == slot) dropped.Add((entry.Key, entry.Value));
            foreach (var d in dropped) _shardChannels.Remove(d.Channel);
        }
        finally
        {
            _lock.ExitWriteLock();
        }
        foreach (var (channel, subs) in dropped)
            foreach (var sub in subs) sub.EnqueueShardDrop(channel);
        return dropped.Count;
    }

    // ---------------- queries (PUBSUB, INFO) ----------------

    /// <summary>Channels (or shard channels) with at least one subscriber, matching a glob pattern when given.</summary>
    public List<byte[]> ActiveChannels(bool shard, ReadOnlySpan<byte> pattern, bool all)
    {
        var result = new List<byte[]>();
        _lock.EnterReadLock();
        try
        {
            foreach (var name in (shard ? _shardChannels : _channels).Keys)
                if (all || GlobMatcher.IsMatch(pattern, name)) result.Add(name);
        }
        finally
        {
            _lock.ExitReadLock();
        }
        return result;
    }

    /// <summary>Subscribers of one channel (or shard channel) on this node; pattern subscribers are not counted.</summary>
    public int SubscriberCount(bool shard, ReadOnlySpan<byte> channel)
    {
        _lock.EnterReadLock();
        try
        {
            return (shard ? _shardChannels : _channels).GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(channel, out var list)
                ? list.Count : 0;
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>Distinct patterns subscribed on this node (PUBSUB NUMPAT, INFO pubsub_patterns).</summary>
    public int PatternCount
    {
        get
        {
            _lock.EnterReadLock();
            try { return _patterns.Count; }
            finally { _lock.ExitReadLock(); }
        }
    }

    /// <summary>Channels with subscribers (INFO pubsub_channels).</summary>
    public int ChannelCount
    {
        get
        {
            _lock.EnterReadLock();
            try { return _channels.Count; }
            finally { _lock.ExitReadLock(); }
        }
    }

    /// <summary>Shard channels with subscribers (INFO pubsubshard_channels).</summary>
    public int ShardChannelCount
    {
        get
        {
            _lock.EnterReadLock();
            try { return _shardChannels.Count; }
            finally { _lock.ExitReadLock(); }
        }
    }
}
