using Microsoft.Extensions.Configuration;
using QuorumCache.Node.Config;

namespace QuorumCache.Tests.Config;

/// <summary>Defaults &lt; user file &lt; environment &lt; command line, unknown keys and bad types.</summary>
public sealed class ConfigLayeringTests : IDisposable
{
    internal const string Defaults = """
        # sample defaults, shaped like hocon/node.conf
        quorumcache {
          node {
            port = 6379
            bind = "0.0.0.0"
            bus-port = 16379
            data-dir = data
            max-memory = 0
            appendfsync = everysec
          }
          cluster {
            join = []
            replicas = 3
            heartbeat-interval = 100ms
            protected = yes
          }
          labels { }
        }
        """;

    private readonly TempConfigDir _dir = new();
    private readonly string _defaults;

    public ConfigLayeringTests() => _defaults = _dir.Write("node.conf", Defaults);

    public void Dispose() => _dir.Dispose();

    private TypedConfig Load(string[] args, Dictionary<string, string>? env = null) =>
        NodeConfigLoader.Load(_defaults, NodeCommandLine.Parse(args), env ?? new Dictionary<string, string>());

    public enum Fsync { Always, EverySec, No }

    [Fact]
    public void Defaults_alone_give_typed_values()
    {
        var c = Load(Array.Empty<string>());
        Assert.Equal(6379, c.GetInt("quorumcache.node.port", 1, 65535));
        Assert.Equal("0.0.0.0", c.GetString("quorumcache:node:bind"));
        Assert.Equal(TimeSpan.FromMilliseconds(100), c.GetDuration("quorumcache.cluster.heartbeat-interval"));
        Assert.True(c.GetBool("quorumcache.cluster.protected"));
        Assert.Equal(Fsync.EverySec, c.GetEnum<Fsync>("quorumcache.node.appendfsync"));
        Assert.Empty(c.GetStringList("quorumcache.cluster.join"));
        Assert.Equal(_defaults, c.Get("quorumcache.node.port").Origin.ToString());
    }

    [Fact]
    public void File_then_environment_then_command_line()
    {
        string user = _dir.Write("user.conf", """
            quorumcache.node { port = 7000, bind = "10.0.0.1", data-dir = /srv/qc }
            quorumcache.cluster.join = ["a:1", "b:2", "c:3"]
            """);
        var env = new Dictionary<string, string>
        {
            ["QUORUMCACHE_NODE__PORT"] = "7100",
            ["QUORUMCACHE_NODE__DATA_DIR"] = "/env/qc",
            ["OTHER_NODE__PORT"] = "1",
        };
        var c = Load(new[] { "--config", user, "--port", "7200", "--join", "z:9" }, env);
        Assert.Equal(7200, c.GetInt("quorumcache.node.port"));
        Assert.Equal("command line option --port", c.Get("quorumcache.node.port").Origin.ToString());
        Assert.Equal("/env/qc", c.GetString("quorumcache.node.data-dir"));
        Assert.Equal("environment variable QUORUMCACHE_NODE__DATA_DIR", c.Get("quorumcache.node.data-dir").Origin.ToString());
        Assert.Equal("10.0.0.1", c.GetString("quorumcache.node.bind"));
        Assert.Equal(user, c.Get("quorumcache.node.bind").Origin.ToString());
        Assert.Equal(16379, c.GetInt("quorumcache.node.bus-port"));
        // The command-line list replaces the file's list whole; plain IConfiguration would keep b:2 and c:3.
        Assert.Equal(new[] { "z:9" }, c.GetStringList("quorumcache.cluster.join"));
        Assert.Equal("b:2", c.Root["quorumcache:cluster:join:1"]);
    }

    [Fact]
    public void Lists_from_environment_and_empty_array_overrides()
    {
        var c = Load(Array.Empty<string>(), new() { ["QUORUMCACHE_CLUSTER__JOIN"] = "h1:7000, h2:7000" });
        Assert.Equal(new[] { "h1:7000", "h2:7000" }, c.GetStringList("quorumcache.cluster.join"));

        string user = _dir.Write("user.conf", "quorumcache.cluster.join = []");
        var env = new Dictionary<string, string> { ["QUORUMCACHE_CLUSTER__JOIN__0"] = "e:1" };
        var c2 = Load(new[] { "--config", user }, env);
        Assert.Equal(new[] { "e:1" }, c2.GetStringList("quorumcache.cluster.join"));
        string user2 = _dir.Write("user2.conf", "quorumcache.cluster.join = [\"f:1\"]\nquorumcache.cluster.join = []");
        Assert.Empty(Load(new[] { "--config", user2 }).GetStringList("quorumcache.cluster.join"));
    }

    [Fact]
    public void Substitutions_refer_to_other_keys()
    {
        string user = _dir.Write("user.conf", "quorumcache.node.port = 7000\nquorumcache.node.bus-port = ${quorumcache.node.port}");
        var c = Load(new[] { "--config", user });
        Assert.Equal(7000, c.GetInt("quorumcache.node.bus-port"));
    }

    [Fact]
    public void Unknown_key_in_user_file_names_file_and_key()
    {
        string user = _dir.Write("user.conf", "quorumcache {\n  node.port = 1\n  node.prot = 7000\n}");
        var ex = Assert.Throws<ConfigException>(() => Load(new[] { "--config", user }));
        Assert.Equal($"{user}: unknown setting 'quorumcache.node.prot' (did you mean 'quorumcache.node.port'?)", ex.Message);
        Assert.Equal((user, "quorumcache.node.prot"), (ex.File, ex.Key));
    }

    [Fact]
    public void Known_keys_check_a_single_document()
    {
        var known = KnownKeys.FromFile(_defaults);
        Assert.True(known.IsKnown("quorumcache.cluster.join.3"));
        Assert.True(known.IsKnown("QUORUMCACHE:NODE:PORT"));
        Assert.False(known.IsKnown("quorumcache.node"));
        known.RejectUnknown(Hocon.Parse("quorumcache.node.port = 1\nquorumcache.labels.x.y = 2"));
        var ex = Assert.Throws<ConfigException>(() => known.RejectUnknown(Hocon.Parse("quorumcache {\n  cluster.replicas = 1\n  zzz = 2\n}", file: "u.conf")));
        Assert.Equal("u.conf: unknown setting 'quorumcache.zzz'", ex.Message);
    }

    [Fact]
    public void Unknown_keys_from_environment_and_command_line_are_rejected()
    {
        var env = Assert.Throws<ConfigException>(() => Load(Array.Empty<string>(), new() { ["QUORUMCACHE_NODE__FROB"] = "1" }));
        Assert.Equal("environment variable QUORUMCACHE_NODE__FROB: unknown setting 'quorumcache.node.frob'", env.Message);
        var cli = Assert.Throws<ConfigException>(() => Load(new[] { "--set", "nodes.port=1" }));
        Assert.Equal("command line option --set quorumcache.nodes.port: unknown setting 'quorumcache.nodes.port' (did you mean 'quorumcache.node.port'?)", cli.Message);
    }

    [Fact]
    public void Open_maps_and_list_elements_accept_any_keys()
    {
        string user = _dir.Write("user.conf", "quorumcache.labels { rack = r1, zone = z }\nquorumcache.cluster.join = [x]");
        var c = Load(new[] { "--config", user, "--set", "labels.dc=eu" });
        Assert.Equal("r1", c.GetString("quorumcache.labels.rack"));
        Assert.Equal("eu", c.GetString("quorumcache.labels.dc"));
    }

    [Fact]
    public void Bad_types_cite_their_origin()
    {
        string user = _dir.Write("user.conf", "\nquorumcache.node.port = 70000\nquorumcache.cluster.heartbeat-interval = fast\n"
            + "quorumcache.node.max-memory = lots\nquorumcache.node.appendfsync = sometimes\nquorumcache.cluster.protected = maybe");
        var c = Load(new[] { "--config", user, "--set", "cluster.replicas=three" });
        Assert.Equal($"{user}: invalid value '70000' for 'quorumcache.node.port': expected an integer from 1 to 65535",
            Assert.Throws<ConfigException>(() => c.GetInt("quorumcache.node.port", 1, 65535)).Message);
        Assert.StartsWith($"{user}: invalid value 'fast' for 'quorumcache.cluster.heartbeat-interval': expected a duration",
            Assert.Throws<ConfigException>(() => c.GetDuration("quorumcache.cluster.heartbeat-interval")).Message);
        Assert.StartsWith($"{user}: invalid value 'lots' for 'quorumcache.node.max-memory': expected a size",
            Assert.Throws<ConfigException>(() => c.GetSize("quorumcache.node.max-memory")).Message);
        Assert.Equal($"{user}: invalid value 'sometimes' for 'quorumcache.node.appendfsync': expected one of always, everysec, no",
            Assert.Throws<ConfigException>(() => c.GetEnum<Fsync>("quorumcache.node.appendfsync")).Message);
        Assert.StartsWith($"{user}: invalid value 'maybe' for 'quorumcache.cluster.protected': expected a boolean",
            Assert.Throws<ConfigException>(() => c.GetBool("quorumcache.cluster.protected")).Message);
        Assert.Equal("command line option --set quorumcache.cluster.replicas: invalid value 'three' for 'quorumcache.cluster.replicas': expected an integer",
            Assert.Throws<ConfigException>(() => c.GetInt("quorumcache.cluster.replicas")).Message);
        Assert.Equal("always", c.Get("quorumcache.node.appendfsync") is { } v ? new ConfigValue("k", "ALWAYS", v.Origin).AsChoice("always", "no") : null);
    }

    [Fact]
    public void Missing_files_and_settings()
    {
        var ex = Assert.Throws<ConfigException>(() => Load(new[] { "--config", Path.Combine(_dir.Path, "nope.conf") }));
        Assert.Equal($"{Path.Combine(_dir.Path, "nope.conf")}: config file not found", ex.Message);
        var c = Load(Array.Empty<string>());
        Assert.Null(c.Find("quorumcache.node.nothing"));
        Assert.Contains("missing setting 'quorumcache.node.nothing'", Assert.Throws<ConfigException>(() => c.GetString("quorumcache.node.nothing")).Message);
    }

    [Fact]
    public void Hocon_source_plugs_into_a_plain_configuration_builder()
    {
        var root = new ConfigurationBuilder()
            .AddHoconFile(_defaults)
            .AddHoconFile(Path.Combine(_dir.Path, "absent.conf"), optional: true)
            .AddInMemoryCollection(new Dictionary<string, string?> { ["quorumcache:node:bind"] = "::1" })
            .Build();
        Assert.Equal("6379", root["QuorumCache:Node:Port"]);
        Assert.Equal("::1", root["quorumcache:node:bind"]);
        Assert.Equal(new[] { "appendfsync", "bind", "bus-port", "data-dir", "max-memory", "port" },
            root.GetSection("quorumcache:node").GetChildren().Select(s => s.Key).OrderBy(k => k, StringComparer.Ordinal));
        var typed = new TypedConfig(root);
        Assert.StartsWith("configuration (MemoryConfigurationProvider)", typed.Get("quorumcache.node.bind").Origin.ToString());
    }
}
