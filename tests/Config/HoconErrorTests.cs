using QuorumCache.Node.Config;

namespace QuorumCache.Tests.Config;

/// <summary>
/// Files are parsed by Akka.Configuration; what it refuses or lets through still stops the start
/// with the file and (where there is one) the key named.
/// </summary>
public class HoconErrorTests
{
    [Fact]
    public void Files_are_flattened_into_configuration_keys()
    {
        var doc = Hocon.Parse("""
            # comment
            quorumcache {
              node { port = 7000, bind = "127.0.0.1" }   // trailing comment
              cluster.join = ["a:1", "b:2"]
              labels { }
            }
            quorumcache.node.port = 7001
            quorumcache.node.bus-port = ${quorumcache.node.port}
            """);
        Assert.Equal(["quorumcache:cluster:join:0=a:1", "quorumcache:cluster:join:1=b:2", "quorumcache:node:bind=127.0.0.1",
            "quorumcache:node:bus-port=7001", "quorumcache:node:port=7001"], Hocon.Dump(doc).Split('\n').Order(StringComparer.Ordinal));
        Assert.Contains("quorumcache:cluster:join", doc.ListKeys);
        Assert.Contains("quorumcache:labels", doc.EmptyObjectKeys);
        Assert.Equal(7001, doc.Config.GetInt("quorumcache.node.port"));
    }

    [Fact]
    public void An_empty_array_is_a_list_with_no_entries()
    {
        var doc = Hocon.Parse("join = []");
        Assert.Empty(doc.Entries);
        Assert.Contains("join", doc.ListKeys);
    }

    [Theory]
    [InlineData("quorumcache {\n  cluster {\n    replicas 3\n  }\n}", "quorumcache.cluster.replicas 3")]
    [InlineData("a {\n  b = ", "a.b")]
    public void A_key_without_a_value_is_an_error_naming_it(string text, string key)
    {
        var ex = Hocon.Error(text);
        Assert.Equal($"node.conf: '{key}' has no value (write 'key = value'; quote values that contain spaces, ':' or '=')", ex.Message);
        Assert.Equal(("node.conf", key), (ex.File, ex.Key));
    }

    [Fact]
    public void A_missing_value_at_the_end_is_an_error_naming_the_file()
    {
        Assert.StartsWith("node.conf: Unknown token at position", Hocon.Error("a = 1\nb =").Message);
    }

    [Fact]
    public void A_colon_in_an_unquoted_value_is_refused()
    {
        var ex = Hocon.Error("x = 1\nbind = 127.0.0.1:7000");
        Assert.StartsWith("node.conf: Could not parse an unquoted text value containing assignment character", ex.Message);
    }

    [Fact]
    public void A_substitution_of_a_missing_key_is_an_error()
    {
        var ex = Hocon.Error("a = 1\nquorumcache.node.data-dir = ${QC_SURELY_UNSET_DIR}");
        Assert.Equal("node.conf: Unresolved substitution: QC_SURELY_UNSET_DIR", ex.Message);
    }

    [Fact]
    public void A_missing_file_is_an_error()
    {
        using var dir = new TempConfigDir();
        var path = Path.Combine(dir.Path, "nope.conf");
        Assert.Equal($"{path}: config file not found", Assert.Throws<ConfigException>(() => HoconFile.Load(path)).Message);
    }

    [Fact]
    public void The_shipped_node_conf_parses_and_defines_every_setting_the_node_reads()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "node.conf");
        var doc = HoconFile.Load(path);
        Assert.Contains(doc.Entries, e => e.Key == "quorumcache:node:port" && e.Value == "6379");
        Assert.Contains("quorumcache:cluster:join", doc.ListKeys);
        // What the node reads at start must come out of the shipped defaults alone.
        var options = QuorumCache.Node.Config.NodeOptionsLoader.Load([], new Dictionary<string, string>());
        Assert.Equal(6379, options.Port);
    }
}
