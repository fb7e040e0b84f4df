using QuorumCache.Node.Config;

namespace QuorumCache.Tests.Config;

public class NodeCommandLineTests
{
    private static string Dump(NodeArguments a) => string.Join(" ", a.Settings.Select(s => $"{s.Key}={s.Value}"));

    [Fact]
    public void Every_option_maps_to_its_key()
    {
        var a = NodeCommandLine.Parse(new[]
        {
            "--port", "7000", "--bind=127.0.0.1", "--data-dir", "/d", "--bus-port", "17000",
            "--join", "h1:7000", "--join=h2:7000", "--config", "my.conf",
            "--set", "cluster.replicas=3", "--set", "quorumcache.node.x=a=b",
        });
        Assert.Equal("quorumcache:node:port=7000 quorumcache:node:bind=127.0.0.1 quorumcache:node:data-dir=/d "
            + "quorumcache:node:bus-port=17000 quorumcache:cluster:join:0=h1:7000 quorumcache:cluster:join:1=h2:7000 "
            + "quorumcache:cluster:replicas=3 quorumcache:node:x=a=b", Dump(a));
        Assert.Equal("my.conf", a.ConfigFile);
        Assert.False(a.ShowHelp);
        Assert.Contains("quorumcache:cluster:join", a.ListKeys);
    }

    [Fact]
    public void Help_flag()
    {
        Assert.True(NodeCommandLine.Parse(new[] { "-h" }).ShowHelp);
        Assert.True(NodeCommandLine.Parse(new[] { "--port", "1", "--help" }).ShowHelp);
    }

    [Theory]
    [InlineData("unknown option '--frob'", "--frob", "1")]
    [InlineData("unknown option '--frob'", "--frob=1")]
    [InlineData("option '--port' needs a value", "--port")]
    [InlineData("unexpected argument 'extra'", "--port", "1", "extra")]
    [InlineData("unexpected argument '-p'", "-p", "1")]
    [InlineData("option '--set' expects PATH=VALUE, got 'novalue'", "--set", "novalue")]
    [InlineData("option '--set': empty segment in path 'a..b'", "--set", "a..b=1")]
    public void Bad_arguments_are_clear_errors(string message, params string[] args)
    {
        var ex = Assert.Throws<ConfigException>(() => NodeCommandLine.Parse(args));
        Assert.Equal(message, ex.Message);
    }
}
