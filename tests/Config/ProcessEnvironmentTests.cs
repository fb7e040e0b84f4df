using Microsoft.Extensions.Configuration;
using QuorumCache.Node.Config;

namespace QuorumCache.Tests.Config;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessEnvironmentCollection
{
    public const string Name = "Config: process environment";
}

/// <summary>Tests that set real environment variables of the test process; each restores them.</summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class ProcessEnvironmentTests
{
    private static void WithVariables(Dictionary<string, string> vars, Action body)
    {
        var saved = vars.Keys.ToDictionary(k => k, Environment.GetEnvironmentVariable);
        try
        {
            foreach (var (k, v) in vars)
            {
                Environment.SetEnvironmentVariable(k, v);
            }
            body();
        }
        finally
        {
            foreach (var (k, v) in saved)
            {
                Environment.SetEnvironmentVariable(k, v);
            }
        }
    }

    [Fact]
    public void Process_environment_overrides_file_and_command_line_overrides_environment()
    {
        using var dir = new TempConfigDir();
        string defaults = dir.Write("node.conf", ConfigLayeringTests.Defaults);
        WithVariables(new() { ["QUORUMCACHE_NODE__PORT"] = "7100", ["QUORUMCACHE_NODE__BUS_PORT"] = "17100" }, () =>
        {
            var c = NodeConfigLoader.Load(defaults, NodeCommandLine.Parse(new[] { "--bus-port", "18000" }));
            Assert.Equal(7100, c.GetInt("quorumcache.node.port"));
            Assert.Equal("environment variable QUORUMCACHE_NODE__PORT", c.Get("quorumcache.node.port").Origin.ToString());
            Assert.Equal(18000, c.GetInt("quorumcache.node.bus-port"));
        });
        Assert.Null(Environment.GetEnvironmentVariable("QUORUMCACHE_NODE__PORT"));
    }

    [Fact]
    public void Builtin_prefix_source_strips_the_prefix_which_is_why_we_have_our_own()
    {
        WithVariables(new() { ["QUORUMCACHE_NODE__PORT"] = "7300" }, () =>
        {
            var builtin = new ConfigurationBuilder().AddEnvironmentVariables("QUORUMCACHE_").Build();
            Assert.Equal("7300", builtin["NODE:PORT"]);
            Assert.Null(builtin["quorumcache:node:port"]);
            var ours = new ConfigurationBuilder().AddQuorumCacheEnvironment().Build();
            Assert.Equal("7300", ours["quorumcache:node:port"]);
        });
    }
}
