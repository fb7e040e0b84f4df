using System.Buffers;
using QuorumCache.Cluster.Slots;
using QuorumCache.Node.Commands;
using QuorumCache.Node.Hosting;
using QuorumCache.Node.Server;
using QuorumCache.Node.Storage.Types;
using QuorumCache.Resp;
using QuorumCache.Tests.Infrastructure;

namespace QuorumCache.Tests.Node.Sets;

/// <summary>Helpers shared by the hash and set tests.</summary>
public static class CollectionTestKit
{
    /// <summary>Connects to both servers with the given protocol (HELLO 3 on both for RESP3).</summary>
    public static async Task<Pair> Open(NodeFixture node, RedisServerFixture redis, int protocol = 2)
    {
        var a = await node.ConnectAsync();
        var b = await redis.ConnectAsync();
        if (protocol == 3)
        {
            Reply.AssertNotError(await a.Run("HELLO", "3"));
            Reply.AssertNotError(await b.Run("HELLO", "3"));
        }
        return new Pair(a, b);
    }

    public static string[] Sorted(RespValue v)
    {
        var s = Reply.Strings(v);
        Array.Sort(s, StringComparer.Ordinal);
        return s;
    }
}

public sealed class Pair(RespClient ours, RespClient redis) : IAsyncDisposable
{
    public RespClient Ours => ours;
    public RespClient Redis => redis;
    public Differential D { get; } = new(ours, redis);

    public Task<RespValue> Same(params string[] args) => D.Same(args);

    /// <summary>For replies whose order Redis leaves unspecified: same type, same elements in any order.</summary>
    public async Task<RespValue> SameUnordered(params string[] args)
    {
        var a = await ours.ExecuteAsync(args);
        var b = await redis.ExecuteAsync(args);
        Assert.True(Key(a) == Key(b), $"{string.Join(' ', args)}\n  ours:  {Differential.Render(a)}\n  redis: {Differential.Render(b)}");
        return a;
    }

    private static string Key(RespValue v) => v.Items is null
        ? Differential.Render(v)
        : (char)v.Type + string.Join(",", v.Items.Select(Differential.Render).OrderBy(s => s, StringComparer.Ordinal));

    public async ValueTask DisposeAsync()
    {
        await ours.DisposeAsync();
        await redis.DisposeAsync();
    }
}

/// <summary>Reads values straight from a server's keyspace (for replayed servers, which have no listener).</summary>
public static class Stored
{
    public static object? Value(NodeServer s, string key)
    {
        var store = s.Keyspace[HashSlot.Of(System.Text.Encoding.UTF8.GetBytes(key))];
        lock (store.Gate) return store.TryGet(System.Text.Encoding.UTF8.GetBytes(key), out var v) ? v : null;
    }

    public static string[]? SetMembers(NodeServer s, string key)
    {
        if (Value(s, key) is not RedisSet set) return null;
        var list = new List<string>();
        var e = set.GetEnumerator();
        while (e.MoveNext()) list.Add(System.Text.Encoding.UTF8.GetString(e.Current));
        list.Sort(StringComparer.Ordinal);
        return list.ToArray();
    }

    public static string[]? HashPairs(NodeServer s, string key)
    {
        if (Value(s, key) is not RedisHash h) return null;
        var list = new List<string>();
        var e = h.GetEnumerator();
        while (e.MoveNext()) list.Add(System.Text.Encoding.UTF8.GetString(e.Field) + "=" + System.Text.Encoding.UTF8.GetString(e.Value));
        list.Sort(StringComparer.Ordinal);
        return list.ToArray();
    }
}
