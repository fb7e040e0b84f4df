using QuorumCache.Resp;
using QuorumCache.Tests.Infrastructure;

namespace QuorumCache.Tests.Node.Core;

public class ConnectionAndServerTests(NodeFixture node, RedisServerFixture redis) : IClassFixture<NodeFixture>, IClassFixture<RedisServerFixture>
{
    private async Task<Differential> Diff() => new(await node.ConnectAsync(), await redis.ConnectAsync());

    [Fact]
    public async Task PingEchoErrors()
    {
        var d = await Diff();
        await d.Same("PING");
        await d.Same("PING", "hello");
        await d.Same("PING", "a", "b");
        await d.Same("ECHO", "x");
        await d.Same("ECHO");
        await d.Same("GET");
        await d.Same("GET", "a", "b");
        await d.Same("NOSUCHCOMMAND", "a", "b");
        await d.Same("nosuchcommand");
        await d.Same("AUTH", "pw");
        await d.Same("AUTH", "default", "pw");
        await d.Same("AUTH", "bob", "pw");
        await d.Same("SELECT", "0");
        await d.Same("SELECT", "x");
        await d.Same("CLIENT", "SETNAME", "has space");
        await d.Same("CLIENT", "SETNAME", "good");
        await d.Same("CLIENT", "GETNAME");
        await d.Same("CLIENT", "NOSUCH");
        await d.Same("CONFIG", "GET", "maxclients");
        await d.Same("CONFIG", "NOSUCH");
        await d.Same("CONFIG", "SET", "nosuch-setting", "1");
        await d.Same("ECHO", "");
    }

    [Fact]
    public async Task SelectOtherDbIsRefusedInClusterMode()
    {
        await using var c = await node.ConnectAsync();
        Reply.IsError(await c.Run("SELECT", "1"), "ERR SELECT is not allowed in cluster mode");
    }

    [Fact]
    public async Task HelloSwitchesProtocol()
    {
        await using var c = await node.ConnectAsync();
        var h = await c.Run("HELLO", "3");
        Assert.Equal(RespType.Map, h.Type);
        var fields = Enumerable.Range(0, h.Count / 2).ToDictionary(i => h[2 * i].Text!, i => h[2 * i + 1]);
        Assert.Equal(3, fields["proto"].Integer);
        Assert.Equal("redis", fields["server"].Text);
        Assert.Equal(RespType.Null, (await c.Run("GET", NodeFixture.Key())).Type);
        Reply.IsError(await c.Run("HELLO", "4"), "NOPROTO unsupported protocol version");
        var h2 = await c.Run("HELLO", "2", "SETNAME", "me");
        Assert.Equal(RespType.Array, h2.Type);
        Reply.IsBulk(await c.Run("CLIENT", "GETNAME"), "me");
    }

    [Fact]
    public async Task ClientIdListInfoSetinfo()
    {
        await using var c = await node.ConnectAsync();
        var id = (await c.Run("CLIENT", "ID")).Integer;
        Reply.IsOk(await c.Run("CLIENT", "SETINFO", "LIB-NAME", "mylib"));
        var list = (await c.Run("CLIENT", "LIST")).Text!;
        Assert.Contains($"id={id} ", list);
        Assert.Contains("lib-name=mylib", list);
        Assert.Contains($"id={id} ", (await c.Run("CLIENT", "INFO")).Text!);
        Reply.IsOk(await c.Run("CLIENT", "NO-EVICT", "on"));
    }

    [Fact]
    public async Task ClientKillClosesTheOtherConnection()
    {
        await using var victim = await node.ConnectAsync();
        var id = (await victim.Run("CLIENT", "ID")).Integer;
        await using var c = await node.ConnectAsync();
        Reply.IsInt(await c.Run("CLIENT", "KILL", "ID", id.ToString()), 1);
        await victim.Completion.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(victim.IsClosed);
    }

    [Fact]
    public async Task InfoHasRedisSections()
    {
        await using var c = await node.ConnectAsync();
        await c.Run("SET", NodeFixture.Key(), "v");
        var info = (await c.Run("INFO")).Text!;
        foreach (var s in new[] { "# Server", "# Clients", "# Memory", "# Stats", "# Replication", "# Cluster", "# Keyspace", "redis_version:", "connected_clients:", "used_memory:", "total_commands_processed:", "cluster_enabled:1", "db0:keys=" })
            Assert.Contains(s, info);
        var server = (await c.Run("INFO", "server")).Text!;
        Assert.DoesNotContain("# Clients", server);
        Assert.Contains("tcp_port:", server);
    }

    [Fact]
    public async Task CommandIntrospection()
    {
        await using var c = await node.ConnectAsync();
        Assert.True((await c.Run("COMMAND", "COUNT")).Integer > 50);
        var info = await c.Run("COMMAND", "INFO", "get", "nosuch");
        Assert.Equal("get", info[0][0].Text);
        Assert.Equal(2, info[0][1].Integer);
        Assert.True(info[1].IsNull);
        Assert.Equal(["a", "c"], Reply.Strings(await c.Run("COMMAND", "GETKEYS", "MSET", "a", "b", "c", "d")));
        Reply.IsError(await c.Run("COMMAND", "GETKEYS", "PING"), "ERR wrong number of arguments for 'command|getkeys' command");
        Reply.IsError(await c.Run("COMMAND", "GETKEYS", "PING", "x"), "ERR The command has no key arguments");
        Assert.Equal(["multi", "exec", "discard", "watch", "unwatch"], Reply.Strings(await c.Run("COMMAND", "LIST", "FILTERBY", "ACLCAT", "transaction")));
        Assert.Contains("config|get", Reply.Strings(await c.Run("COMMAND", "LIST", "FILTERBY", "PATTERN", "CONFIG*")));
        Assert.Empty(Reply.Strings(await c.Run("COMMAND", "LIST", "FILTERBY", "MODULE", "x")));
        Reply.IsError(await c.Run("COMMAND", "LIST", "FILTERBY", "FOO", "x"), "ERR syntax error");
        var docs = await c.Run("COMMAND", "DOCS", "set");
        Assert.Equal("set", docs[0].Text);
    }

    [Fact]
    public async Task TimeDbsizeLastsaveConfig()
    {
        await using var c = await node.ConnectAsync();
        var t = await c.Run("TIME");
        Assert.True(long.Parse(t[0].Text!) > 1_600_000_000);
        Assert.Equal(RespType.Integer, (await c.Run("DBSIZE")).Type);
        Assert.Equal(RespType.Integer, (await c.Run("LASTSAVE")).Type);
        Reply.IsOk(await c.Run("CONFIG", "SET", "hz", "20"));
        Assert.Equal(["hz", "20"], Reply.Strings(await c.Run("CONFIG", "GET", "hz")));
        Reply.IsOk(await c.Run("CONFIG", "SET", "hz", "10"));
        Assert.True((await c.Run("CONFIG", "SET", "hz", "0")).IsError);
    }

    [Fact]
    public async Task QuitClosesAfterOk()
    {
        await using var c = await node.ConnectAsync();
        Reply.IsOk(await c.Run("QUIT"));
        await c.Completion.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task ResetRestoresDefaults()
    {
        await using var c = await node.ConnectAsync();
        await c.Run("HELLO", "3");
        await c.Run("CLIENT", "SETNAME", "x");
        await c.Run("MULTI");
        Assert.Equal("RESET", (await c.Run("RESET")).Text);
        Assert.True((await c.Run("CLIENT", "GETNAME")).IsNull);
        Reply.IsBulk(await c.Run("ECHO", "after"), "after");
        Assert.Equal(RespType.BulkString, (await c.Run("ECHO", "x")).Type);
    }
}
