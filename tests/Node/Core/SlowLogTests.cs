using QuorumCache.Resp;
using QuorumCache.Tests.Infrastructure;

namespace QuorumCache.Tests.Node.Core;

/// <summary>SLOWLOG GET/LEN/RESET and its settings, against redis-server (times and addresses left out).</summary>
public class SlowLogTests(NodeFixture node, RedisServerFixture redis) : IClassFixture<NodeFixture>, IClassFixture<RedisServerFixture>
{
    [Fact]
    public async Task EntriesMatchRedis()
    {
        var k = NodeFixture.Key();
        var ours = await Run(node.ConnectAsync, k);
        var theirs = await Run(redis.ConnectAsync, k);
        Assert.Equal(theirs, ours);
    }

    private static async Task<string> Run(Func<Task<RespClient>> connect, string k)
    {
        await using var c = await connect();
        var parts = new List<string>();
        try
        {
            Reply.IsOk(await c.Run("CONFIG", "SET", "slowlog-log-slower-than", "0"));
            Reply.IsOk(await c.Run("CONFIG", "SET", "slowlog-max-len", "5"));
            Reply.IsOk(await c.Run("SLOWLOG", "RESET"));
            await c.Run("CLIENT", "SETNAME", "slow-one");
            await c.Run("SET", k, new string('x', 200));
            await c.Run(new[] { "RPUSH", k + "l" }.Concat(Enumerable.Range(0, 40).Select(i => i.ToString())).ToArray());
            await c.Run("MULTI");
            await c.Run("INCR", k + "n");
            await c.Run("EXEC");
            parts.Add(Differential.Render(await c.Run("SLOWLOG", "LEN")));
            foreach (var count in new[] { "3", "-1", "0" })
            {
                var entries = await c.Run("SLOWLOG", "GET", count);
                // id, time and duration vary; the arguments, the name and the order must not.
                parts.Add(string.Join(" ; ", entries.Items!.Select(e => Differential.Render(e[3]) + " " + e[5].Text)));
            }
            parts.Add(Differential.Render(await c.Run("SLOWLOG", "GET", "-2")));
            parts.Add(Differential.Render(await c.Run("SLOWLOG", "GET", "x")));
            Reply.IsOk(await c.Run("SLOWLOG", "RESET"));
            Reply.IsOk(await c.Run("CONFIG", "SET", "slowlog-log-slower-than", "-1"));
            await c.Run("PING");
            parts.Add(Differential.Render(await c.Run("SLOWLOG", "LEN")));
        }
        finally
        {
            await c.Run("CONFIG", "SET", "slowlog-log-slower-than", "10000");
            await c.Run("CONFIG", "SET", "slowlog-max-len", "128");
        }
        return string.Join("\n", parts);
    }
}
