using QuorumCache.Cluster.Actors;
using QuorumCache.Cluster.Runtime;
using QuorumCache.Node.Config;

namespace QuorumCache.Tests.Config;

/// <summary>The <c>akka { }</c> section of the node's configuration reaches the actor system, over the node's own tuning but not its identity.</summary>
public sealed class AkkaSectionTests : IDisposable
{
    private readonly TempConfigDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static readonly string ShippedDefaults = Path.Combine(AppContext.BaseDirectory, "node.conf");

    private TypedConfig LoadWithUserFile(string user) =>
        NodeConfigLoader.Load(ShippedDefaults, NodeCommandLine.Parse(["--config", _dir.Write("user.conf", user)]), new Dictionary<string, string>());

    private static ClusterNodeOptions Options(string akka) =>
        QuorumCache.Node.Clustering.ClusterService.ClusterSettings(NodeOptionsLoader.Defaults(), "127.0.0.1", 7000, 17000, 27000)
            with { AkkaOverrides = akka };

    [Fact]
    public void Any_akka_key_is_accepted_and_written_back_as_hocon_with_lists()
    {
        var c = LoadWithUserFile("""
            akka {
              loglevel = INFO
              cluster.sharding.rebalance-interval = 250ms
              cluster.seed-nodes = ["akka.tcp://quorumcache@h:1", "akka.tcp://quorumcache@h:2"]
              actor.debug { "odd key" = "a \"quoted\" value" }
            }
            """);
        var hocon = c.AkkaHocon();
        var config = Akka.Configuration.ConfigurationFactory.ParseString(hocon);
        Assert.Equal("INFO", config.GetString("akka.loglevel"));
        Assert.Equal(TimeSpan.FromMilliseconds(250), config.GetTimeSpan("akka.cluster.sharding.rebalance-interval"));
        Assert.Equal(["akka.tcp://quorumcache@h:1", "akka.tcp://quorumcache@h:2"], config.GetStringList("akka.cluster.seed-nodes"));
        Assert.Equal("a \"quoted\" value", config.GetString("akka.actor.debug.\"odd key\""));
    }

    [Fact]
    public void The_shipped_defaults_have_no_akka_settings_and_unknown_node_keys_are_still_refused()
    {
        Assert.Equal("", NodeConfigLoader.Load(ShippedDefaults, NodeCommandLine.Parse([]), new Dictionary<string, string>()).AkkaHocon());
        var ex = Assert.Throws<ConfigException>(() => LoadWithUserFile("quorumcache.cluster.no-such-key = 1"));
        Assert.Contains("no-such-key", ex.Message);
    }

    [Fact]
    public void Overrides_win_over_the_node_tuning_but_not_over_its_identity()
    {
        var config = AkkaSettings.Build(Options("""
            akka.cluster.sharding.rebalance-interval = "2s"
            akka.cluster.failure-detector.threshold = "12"
            akka.remote.dot-netty.tcp.port = "1"
            akka.cluster.roles = ["intruder"]
            """), new string('a', 40), 17000, 27000);
        Assert.Equal(TimeSpan.FromSeconds(2), config.GetTimeSpan("akka.cluster.sharding.rebalance-interval"));
        Assert.Equal(12.0, config.GetDouble("akka.cluster.failure-detector.threshold"));
        Assert.Equal(17000, config.GetInt("akka.remote.dot-netty.tcp.port"));
        Assert.Equal([AkkaSettings.Role(new string('a', 40), 7000, 27000)], config.GetStringList("akka.cluster.roles"));
        // Without overrides the node's own tuning holds.
        var plain = AkkaSettings.Build(Options(""), new string('a', 40), 17000, 27000);
        Assert.Equal(TimeSpan.FromMilliseconds(100), plain.GetTimeSpan("akka.cluster.sharding.rebalance-interval"));
    }
}

/// <summary>Renamed settings point to their new names.</summary>
public sealed class RenamedSettingTests : IDisposable
{
    private readonly TempConfigDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("quorumcache.cluster.max-concurrent-migrations = 64", "quorumcache.cluster.max-concurrent-hand-offs")]
    [InlineData("quorumcache.cluster.migration-phase-timeout = 5s", "quorumcache.cluster.hand-off-timeout")]
    [InlineData("quorumcache.bus.max-frame = 1MB", "quorumcache.data-links.max-frame")]
    public void An_old_name_is_refused_with_the_new_one(string line, string now)
    {
        var defaults = Path.Combine(AppContext.BaseDirectory, "node.conf");
        var ex = Assert.Throws<ConfigException>(() =>
            NodeConfigLoader.Load(defaults, NodeCommandLine.Parse(["--config", _dir.Write("old.conf", line)]), new Dictionary<string, string>()));
        Assert.EndsWith($"(did you mean '{now}'?)", ex.Message);
    }
}
