using QuorumCache.Node.Config;

namespace QuorumCache.Tests.Config;

public class HoconSubstitutionTests
{
    private static readonly Dictionary<string, string> Env = new()
    {
        ["QC_PORT"] = "7001",
        ["HOME_DIR"] = "/home/qc",
    };

    [Fact]
    public void Optional_env_substitution_overrides_when_set()
    {
        var doc = Hocon.Parse("port = 6379\nport = ${?QC_PORT}", Env);
        Assert.Equal("7001", doc.GetString("port"));
    }

    [Fact]
    public void Optional_env_substitution_keeps_earlier_value_or_is_absent_when_unset()
    {
        var doc = Hocon.Parse("port = 6379\nport = ${?QC_UNSET}\nother = ${?QC_UNSET}\nlist = [a, ${?QC_UNSET}, b]", Env);
        Assert.True(doc.TryGet("port", out var port));
        Assert.Equal(("6379", 1), (port.Value, port.Location.Line)); // cites the line whose value was kept
        Assert.False(doc.TryGet("other", out _));
        Assert.Equal("a,b", $"{doc.GetString("list:0")},{doc.GetString("list:1")}");
        Assert.Null(doc.GetString("list:2"));
    }

    [Fact]
    public void Required_env_substitution_and_concatenation()
    {
        var doc = Hocon.Parse("data-dir = ${HOME_DIR}\"/data\"\nlog = ${HOME_DIR}/logs", Env);
        Assert.Equal("/home/qc/data", doc.GetString("data-dir"));
        Assert.Equal("/home/qc/logs", doc.GetString("log"));
    }

    [Fact]
    public void Substitution_refers_to_other_keys_defined_before_or_after()
    {
        var doc = Hocon.Parse("""
            a.port = ${b.base}
            b { base = 6000 }
            c = ${a.port}
            whole = ${b}
            b.extra = yes
            """);
        Assert.Equal("6000", doc.GetString("a.port"));
        Assert.Equal("6000", doc.GetString("c"));
        Assert.Equal("6000", doc.GetString("whole.base"));
        Assert.Equal("yes", doc.GetString("whole.extra"));
    }

    [Fact]
    public void Config_key_wins_over_environment_variable_of_same_name()
    {
        var doc = Hocon.Parse("QC_PORT = 1\nx = ${QC_PORT}", Env);
        Assert.Equal("1", doc.GetString("x"));
    }

    [Fact]
    public void Self_reference_sees_the_earlier_value()
    {
        var doc = Hocon.Parse("""
            path = a
            path = ${path}":b"
            path = ${path}":c"
            obj { list = x }
            obj { list = ${obj.list}",y" }
            """);
        Assert.Equal("a:b:c", doc.GetString("path"));
        Assert.Equal("x,y", doc.GetString("obj.list"));
    }

    [Fact]
    public void Sibling_reference_inside_same_object()
    {
        var doc = Hocon.Parse("node { port = 7000, bus-port = ${node.port}0 }");
        Assert.Equal("70000", doc.GetString("node.bus-port"));
    }

    [Fact]
    public void Object_over_substitution_merges_with_its_value()
    {
        var doc = Hocon.Parse("base { a = 1, b = 2 }\nderived = ${base}\nderived { b = 3 }");
        Assert.Equal("1", doc.GetString("derived.a"));
        Assert.Equal("3", doc.GetString("derived.b"));
        Assert.Equal("2", doc.GetString("base.b"));
    }

    [Fact]
    public void Object_substitution_merges_over_earlier_object()
    {
        var doc = Hocon.Parse("defaults { a = 1, b = 2 }\nnode { b = 0, c = 3 }\nnode = ${defaults}");
        Assert.Equal("1", doc.GetString("node.a"));
        Assert.Equal("2", doc.GetString("node.b"));
        Assert.Equal("3", doc.GetString("node.c"));
    }

    [Fact]
    public void Object_over_unset_optional_substitution_can_refer_to_its_own_fields()
    {
        var doc = Hocon.Parse("node = ${?QC_UNSET_NODE}\nnode { port = 7000, bus = ${node.port}\"0\" }");
        Assert.Equal("70000", doc.GetString("node.bus"));
    }

    [Fact]
    public void Substitutions_inside_quotes_are_literal()
    {
        var doc = Hocon.Parse("x = \"${NOT_A_SUBSTITUTION}\"");
        Assert.Equal("${NOT_A_SUBSTITUTION}", doc.GetString("x"));
    }

    [Fact]
    public void Include_is_relative_to_the_including_file_and_merges_in_place()
    {
        using var dir = new TempConfigDir();
        dir.Write("conf/common/base.conf", "quorumcache { node { port = 6379, bind = \"0.0.0.0\" } }\ninclude \"more.conf\"");
        dir.Write("conf/common/more.conf", "quorumcache.node.data-dir = /var/qc");
        dir.Write("conf/inner.conf", "port = 1\nbind = x");
        string main = dir.Write("conf/node.conf", """
            include "common/base.conf"
            quorumcache.node.port = 7000
            quorumcache.cluster { include required("inner.conf") }
            """);
        var doc = HoconParser.ParseFile(main);
        Assert.Equal("7000", doc.GetString("quorumcache.node.port"));
        Assert.Equal("0.0.0.0", doc.GetString("quorumcache.node.bind"));
        Assert.Equal("/var/qc", doc.GetString("quorumcache.node.data-dir"));
        Assert.Equal("1", doc.GetString("quorumcache.cluster.port"));
        Assert.True(doc.TryGet("quorumcache.node.data-dir", out var e));
        Assert.EndsWith("more.conf", e.Location.File);
        Assert.Equal(1, e.Location.Line);
    }

    [Fact]
    public void Later_keys_after_include_override_and_earlier_are_overridden()
    {
        using var dir = new TempConfigDir();
        dir.Write("inc.conf", "a = from-include\nb = from-include");
        string main = dir.Write("main.conf", "a = before\ninclude \"inc.conf\"\nb = after");
        var doc = HoconParser.ParseFile(main);
        Assert.Equal("from-include", doc.GetString("a"));
        Assert.Equal("after", doc.GetString("b"));
    }
}
