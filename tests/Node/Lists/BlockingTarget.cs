using QuorumCache.Node.Server.Blocking;
using QuorumCache.Resp;
using QuorumCache.Tests.Infrastructure;

namespace QuorumCache.Tests.Node.Lists;

/// <summary>
/// A server a blocking scenario runs against (our node or the real redis-server), so the same
/// script can be played on both and the replies compared. <see cref="WaitBlocked"/> waits until
/// exactly n clients are blocked in the whole server, which makes the order of events certain.
/// </summary>
public sealed class BlockingTarget
{
    private readonly Func<Task<RespClient>> _connect;
    private readonly Func<Task<int>> _blockedCount;

    private BlockingTarget(string name, Func<Task<RespClient>> connect, Func<Task<int>> blockedCount)
    {
        Name = name;
        _connect = connect;
        _blockedCount = blockedCount;
    }

    public string Name { get; }

    public static BlockingTarget Ours(NodeFixture node) => new("ours", node.ConnectAsync, () => Task.FromResult(CountBlocked(node)));

    public static BlockingTarget Redis(RedisServerFixture redis) => new("redis", redis.ConnectAsync, async () =>
    {
        await using var c = await redis.ConnectAsync();
        var info = (await c.Run("INFO", "clients")).Text!;
        var line = info.Split("\r\n").First(l => l.StartsWith("blocked_clients:", StringComparison.Ordinal));
        return int.Parse(line["blocked_clients:".Length..]);
    });

    public Task<RespClient> Connect() => _connect();

    public async Task WaitBlocked(int expected)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        int now;
        while ((now = await _blockedCount()) != expected)
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"{Name}: expected {expected} blocked clients, have {now}");
            await Task.Delay(5);
        }
    }

    /// <summary>Distinct clients waiting in any slot of our node.</summary>
    private static int CountBlocked(NodeFixture node)
    {
        var seen = new HashSet<BlockedClient>(ReferenceEqualityComparer.Instance);
        foreach (var store in node.Server.Keyspace.Slots)
        {
            if (store.Blocked is null) continue;
            lock (store.Gate)
            {
                if (store.Blocked is null) continue;
                foreach (var list in store.Blocked.Values)
                foreach (var w in list) seen.Add((BlockedClient)w);
            }
        }
        return seen.Count;
    }
}
