using System.Text.RegularExpressions;
using QuorumCache.Tests.Infrastructure;

namespace QuorumCache.Tests.Node.Core;

/// <summary>INFO commandstats (calls, rejected_calls, failed_calls), errorstats and total_error_replies, against redis-server.</summary>
public class CommandStatsTests(NodeFixture node, RedisServerFixture redis) : IClassFixture<NodeFixture>, IClassFixture<RedisServerFixture>
{
    [Fact]
    public async Task CountsMatchRedisAfterTheSameCommands()
    {
        var ours = await Run(node.ConnectAsync);
        var theirs = await Run(redis.ConnectAsync);
        Assert.Equal(theirs, ours);
        Assert.Contains("cmdstat_lpush:calls=1,rejected_calls=0,failed_calls=1", ours);
        Assert.Contains("cmdstat_get:calls=1,rejected_calls=1,failed_calls=0", ours);
        Assert.Contains("errorstat_WRONGTYPE:count=2", ours);
        Assert.Contains("cmdstat_exec:calls=2,rejected_calls=0,failed_calls=1", ours);
        Assert.Contains("cmdstat_shutdown:calls=0,rejected_calls=1,failed_calls=0", ours);
        Assert.Contains("total_error_replies:6", ours);
    }

    private static async Task<string> Run(Func<Task<QuorumCache.Resp.RespClient>> connect)
    {
        await using var c = await connect();
        await using var other = await connect();
        var k = NodeFixture.Key();
        Reply.IsOk(await c.Run("CONFIG", "RESETSTAT"));
        await c.Run("SET", k, "v");
        await c.Run("LPUSH", k, "x");        // WRONGTYPE: failed
        await c.Run("GET");                  // arity: rejected
        await c.Run("GET", k);
        await c.Run("CLIENT", "ID");
        await c.Run("MULTI");
        await c.Run("INCR", k);              // not an integer: fails inside EXEC; EXEC itself does not
        await c.Run("EXEC");
        await c.Run("MULTI");
        await c.Run("SHUTDOWN");             // refused in MULTI: rejected
        await c.Run("DISCARD");
        await c.Run("EXEC");                 // EXEC without MULTI: failed
        await c.Run("HGET", k, "f");         // WRONGTYPE again
        var commands = (await other.Run("INFO", "commandstats")).Text!;
        var errors = (await other.Run("INFO", "errorstats")).Text!;
        var total = Regex.Match((await other.Run("INFO", "stats")).Text!, @"total_error_replies:\d+").Value;
        // Times differ between servers; INFO, CONFIG and the stats of the reading connection are left out.
        var lines = commands.Split("\r\n")
            .Where(l => l.StartsWith("cmdstat_", StringComparison.Ordinal) && !l.StartsWith("cmdstat_info", StringComparison.Ordinal)
                        && !l.StartsWith("cmdstat_config", StringComparison.Ordinal))
            .Select(l => Regex.Replace(l, @"usec=\d+,usec_per_call=[\d.]+,", ""))
            .Order(StringComparer.Ordinal);
        var errorLines = errors.Split("\r\n").Where(l => l.StartsWith("errorstat_", StringComparison.Ordinal)).Order(StringComparer.Ordinal);
        return string.Join("\n", lines.Concat(errorLines).Append(total));
    }
}
