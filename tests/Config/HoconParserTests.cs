using QuorumCache.Node.Config;

namespace QuorumCache.Tests.Config;

public class HoconParserTests
{
    [Fact]
    public void Nested_objects_flatten_to_colon_keys()
    {
        var doc = Hocon.Parse("quorumcache {\n  node {\n    port = 6379\n    bind: \"0.0.0.0\"\n  }\n}\n");
        Assert.Equal("quorumcache:node:port=6379\nquorumcache:node:bind=0.0.0.0", Hocon.Dump(doc));
    }

    [Fact]
    public void Dotted_keys_equal_nested_objects()
    {
        var dotted = Hocon.Parse("a.b.c = 1\na.b.d = 2");
        var nested = Hocon.Parse("a { b { c = 1 } }\na { b { d = 2 } }");
        Assert.Equal("a:b:c=1\na:b:d=2", Hocon.Dump(dotted));
        Assert.Equal(Hocon.Dump(dotted), Hocon.Dump(nested));
    }

    [Fact]
    public void Braced_root_and_object_without_separator()
    {
        var doc = Hocon.Parse("{\n  a { x = 1 }\n  b = { y = 2 }\n  c : { z = 3 }\n}\n");
        Assert.Equal("a:x=1\nb:y=2\nc:z=3", Hocon.Dump(doc));
    }

    [Fact]
    public void Repeated_objects_merge_and_later_keys_win()
    {
        var doc = Hocon.Parse("""
            a { x = 1, y = 2, inner { p = 1 } }
            a { y = 3, z = 4 }
            a.inner.q = 5
            a.x = 9
            """);
        Assert.Equal("9", doc.GetString("a.x"));
        Assert.Equal("3", doc.GetString("a.y"));
        Assert.Equal("4", doc.GetString("a.z"));
        Assert.Equal("1", doc.GetString("a.inner.p"));
        Assert.Equal("5", doc.GetString("a.inner.q"));
    }

    [Fact]
    public void Scalar_replaced_by_object_and_object_by_scalar()
    {
        var doc = Hocon.Parse("a = 1\na { b = 2 }\nc { d = 1 }\nc = 5");
        Assert.Equal("a:b=2\nc=5", Hocon.Dump(doc));
    }

    [Fact]
    public void Value_kinds_are_kept_as_written()
    {
        var doc = Hocon.Parse(""""
            s = hello
            q = "with spaces and \"escapes\"\t\u0041\\"
            n = -12.5
            b1 = true
            b2 = off
            nothing = null
            quoted-null = "null"
            raw = """a "raw" \n string"""
            url = "http://x:1/y"
            """");
        Assert.Equal("hello", doc.GetString("s"));
        Assert.Equal("with spaces and \"escapes\"\tA\\", doc.GetString("q"));
        Assert.Equal("-12.5", doc.GetString("n"));
        Assert.Equal("true", doc.GetString("b1"));
        Assert.Equal("off", doc.GetString("b2"));
        Assert.True(doc.TryGet("nothing", out var e) && e.Value is null);
        Assert.Equal("null", doc.GetString("quoted-null"));
        Assert.Equal("a \"raw\" \\n string", doc.GetString("raw"));
        Assert.Equal("http://x:1/y", doc.GetString("url"));
    }

    [Fact]
    public void Unquoted_concatenation_keeps_inner_whitespace()
    {
        var doc = Hocon.Parse("timeout = 10 seconds   # trailing comment\nname = foo \"bar\" baz");
        Assert.Equal("10 seconds", doc.GetString("timeout"));
        Assert.Equal("foo bar baz", doc.GetString("name"));
    }

    [Fact]
    public void Arrays_flatten_with_indexes_across_lines_and_commas()
    {
        var doc = Hocon.Parse("""
            join = [ "10.0.0.1:7000", "10.0.0.2:7000" ]
            ports = [
              1
              2,
              3,
            ]
            empty = []
            objs = [ { name = a }, { name = b } ]
            """);
        Assert.Equal("10.0.0.1:7000", doc.GetString("join.0"));
        Assert.Equal("10.0.0.2:7000", doc.GetString("join:1"));
        Assert.Equal(new[] { "1", "2", "3" }, new[] { doc.GetString("ports:0"), doc.GetString("ports:1"), doc.GetString("ports:2") });
        Assert.Null(doc.GetString("ports:3"));
        Assert.Contains("empty", doc.ListKeys);
        Assert.Contains("join", doc.ListKeys);
        Assert.Equal("b", doc.GetString("objs:1:name"));
    }

    [Fact]
    public void Comments_and_comma_separators()
    {
        var doc = Hocon.Parse("""
            # hash comment
            // slash comment
            a = 1, b = 2 // after a value
            c { d = 3, e = 4, }   # trailing comma
            path = a/b/c
            """);
        Assert.Equal("a=1\nb=2\nc:d=3\nc:e=4\npath=a/b/c", Hocon.Dump(doc));
    }

    [Fact]
    public void Windows_line_endings_and_byte_order_mark()
    {
        var doc = Hocon.Parse("\uFEFFa {\r\n  b = x y \r\n  c = \"q\"\r\n}\r\nd = 1\r\n");
        Assert.Equal("a:b=x y\na:c=q\nd=1", Hocon.Dump(doc));
        Assert.True(doc.TryGet("d", out var d));
        Assert.Equal((5, 1), (d.Location.Line, d.Location.Column));
    }

    [Fact]
    public void Quoted_keys_keep_dots_and_mix_with_unquoted_segments()
    {
        var doc = Hocon.Parse("\"a.b\" = 1\nx.\"y.z\".w = 2\n\"with space\" = 3");
        Assert.Equal("a.b", doc.Root.Fields[0].Name);
        Assert.Equal("1", ((HoconScalar)doc.Root.Fields[0].Value).Text);
        Assert.Null(doc.Root.Find("a"));
        var x = (HoconObject)doc.Root.Find("x")!.Value;
        Assert.NotNull(x.Find("y.z"));
        Assert.Equal("3", ((HoconScalar)doc.Root.Find("with space")!.Value).Text);
    }

    [Fact]
    public void Entries_remember_file_line_and_column()
    {
        var doc = Hocon.Parse("a {\n  b = 1\n}\n  c.d = [x,\n y]\n", file: "my.conf");
        Assert.True(doc.TryGet("a.b", out var b));
        Assert.Equal(new ConfigLocation("my.conf", 2, 3), b.Location);
        Assert.True(doc.TryGet("c.d.1", out var y));
        Assert.Equal(5, y.Location.Line);
        Assert.Equal(2, y.Location.Column);
    }

    [Fact]
    public void Key_named_include_is_a_normal_key()
    {
        var doc = Hocon.Parse("include = 5\nincludes { x = 1 }");
        Assert.Equal("include=5\nincludes:x=1", Hocon.Dump(doc));
    }
}
