using QuorumCache.Tests.Infrastructure;

namespace QuorumCache.Tests.Node.Core;

public class TransactionTests(NodeFixture node, RedisServerFixture redis) : IClassFixture<NodeFixture>, IClassFixture<RedisServerFixture>
{
    private async Task<(Differential D, string K)> Setup() =>
        (new Differential(await node.ConnectAsync(), await redis.ConnectAsync()), NodeFixture.Key());

    [Fact]
    public async Task MultiExecBasics()
    {
        var (d, t) = await Setup();
        await d.Same("EXEC");
        await d.Same("DISCARD");
        await d.Same("MULTI");
        await d.Same("MULTI");
        await d.Same("SET", t + "a", "1");
        await d.Same("INCR", t + "a");
        await d.Same("GET", t + "a");
        await d.Same("EXEC");
        await d.Same("MULTI");
        await d.Same("SET", t + "a", "x");
        await d.Same("DISCARD");
        await d.Same("GET", t + "a");
    }

    [Fact]
    public async Task QueueErrorAbortsRuntimeErrorDoesNot()
    {
        var (d, t) = await Setup();
        await d.Same("MULTI");
        await d.Same("SET", t + "a", "1");
        await d.Same("NOSUCH");
        await d.Same("EXEC");
        await d.Same("GET", t + "a");
        await d.Same("MULTI");
        await d.Same("GET");
        await d.Same("EXEC");
        await d.Same("MULTI");
        await d.Same("SET", t + "a", "x");
        await d.Same("INCR", t + "a");
        await d.Same("SET", t + "b", "2");
        await d.Same("EXEC");
        await d.Same("GET", t + "b");
        await d.Same("MULTI");
        await d.Same("WATCH", t + "a");
        await d.Same("DISCARD");
    }

    [Fact]
    public async Task WatchedKeyChangedByOtherClientAbortsExec()
    {
        await using var a = await node.ConnectAsync();
        await using var b = await node.ConnectAsync();
        var k = NodeFixture.Key();
        await a.Run("SET", k, "1");
        Reply.IsOk(await a.Run("WATCH", k));
        await b.Run("SET", k, "2");
        await a.Run("MULTI");
        await a.Run("SET", k, "3");
        Assert.True((await a.Run("EXEC")).IsNull);
        Reply.IsBulk(await a.Run("GET", k), "2");
        // After EXEC the watch is gone: the next transaction goes through.
        await a.Run("MULTI");
        await a.Run("SET", k, "4");
        Assert.Single(Reply.Strings(await a.Run("EXEC")));
        Reply.IsBulk(await a.Run("GET", k), "4");
    }

    [Fact]
    public async Task WatchUntouchedKeyLetsExecRunAndUnwatchClears()
    {
        await using var a = await node.ConnectAsync();
        await using var b = await node.ConnectAsync();
        var t = NodeFixture.Key();
        Reply.IsOk(await a.Run("WATCH", t + "w"));
        await b.Run("SET", t + "other", "x");
        await a.Run("MULTI");
        await a.Run("SET", t + "w", "1");
        Assert.Single(Reply.Strings(await a.Run("EXEC")));
        Reply.IsOk(await a.Run("WATCH", t + "w"));
        await b.Run("SET", t + "w", "2");
        Reply.IsOk(await a.Run("UNWATCH"));
        await a.Run("MULTI");
        await a.Run("SET", t + "w", "3");
        Assert.Single(Reply.Strings(await a.Run("EXEC")));
    }

    [Fact]
    public async Task WatchedKeyThatExpiresAbortsExec()
    {
        await using var a = await node.ConnectAsync();
        var k = NodeFixture.Key();
        await a.Run("SET", k, "1", "PX", "30");
        Reply.IsOk(await a.Run("WATCH", k));
        for (var i = 0; i < 200 && (await a.Run("PTTL", k)).Integer > 0; i++) await Task.Delay(5);
        await Task.Delay(40);
        await a.Run("MULTI");
        await a.Run("SET", k + "x", "1");
        Assert.True((await a.Run("EXEC")).IsNull);
    }

    [Fact]
    public async Task TransactionAcrossSlotsIsRefused()
    {
        await using var a = await node.ConnectAsync();
        await a.Run("MULTI");
        Assert.Equal("QUEUED", (await a.Run("SET", "{a}x", "1")).Text);
        Reply.IsError(await a.Run("SET", "{b}x", "1"), "CROSSSLOT Keys in request don't hash to the same slot");
        Reply.IsError(await a.Run("EXEC"), "EXECABORT Transaction discarded because of previous errors.");
        Assert.True((await a.Run("GET", "{a}x")).IsNull);
    }

    [Fact]
    public async Task ExecIsAtomicAgainstConcurrentWriters()
    {
        var k = NodeFixture.Key();
        await using var writer = await node.ConnectAsync();
        var stop = false;
        var bg = Task.Run(async () =>
        {
            while (!Volatile.Read(ref stop)) await writer.Run("SET", k, "other");
        });
        await using var a = await node.ConnectAsync();
        for (var i = 0; i < 200; i++)
        {
            await a.Run("MULTI");
            await a.Run("SET", k, "mine" + i);
            await a.Run("APPEND", k, "!");
            await a.Run("GET", k);
            var r = await a.Run("EXEC");
            Assert.Equal("mine" + i + "!", r[2].Text);
        }
        Volatile.Write(ref stop, true);
        await bg;
    }
}
