using QuorumCache.Node.Config;

namespace QuorumCache.Tests.Config;

public class HoconErrorTests
{
    [Fact]
    public void Missing_separator_names_file_line_and_key()
    {
        var ex = Hocon.Error("quorumcache {\n  cluster {\n    replicas 3\n  }\n}");
        Assert.Equal("node.conf:3: expected '=' or ':' after key 'quorumcache.cluster.replicas' (column 14)", ex.Message);
        Assert.Equal(("node.conf", 3, 14, "quorumcache.cluster.replicas"), (ex.File, ex.Line, ex.Column, ex.Key));
    }

    [Fact]
    public void Missing_value()
    {
        var ex = Hocon.Error("a = 1\nb =\nc = 2");
        Assert.Equal("node.conf:2: missing value for key 'b' (column 4)", ex.Message);
    }

    [Fact]
    public void Unclosed_object_cites_where_it_was_opened()
    {
        var ex = Hocon.Error("a {\n  b = 1\n\n");
        Assert.Equal("node.conf:4: expected '}' to close the object opened at line 1 (column 1)", ex.Message);
    }

    [Fact]
    public void Stray_closing_brace_and_garbage_after_value()
    {
        Assert.Equal("node.conf:2: unexpected '}' (no object is open) (column 1)", Hocon.Error("a = 1\n}").Message);
        Assert.Equal("node.conf:1: expected ',' or a new line after the value of 'a', found 'b' (column 7)",
            Hocon.Error("a { } b {").Message);
    }

    [Fact]
    public void Colon_in_unquoted_value_suggests_quoting()
    {
        var ex = Hocon.Error("x = 1\nbind = 127.0.0.1:7000");
        Assert.Equal("node.conf:2: unexpected ':' in the value of 'bind' (quote values that contain ':' or '=') (column 17)", ex.Message);
    }

    [Fact]
    public void Bad_strings_and_escapes()
    {
        Assert.Equal("node.conf:2: unterminated quoted string (column 5)", Hocon.Error("a = 1\nb = \"abc\nc = 2").Message);
        Assert.Equal("node.conf:1: bad escape '\\q' in quoted string (column 8)", Hocon.Error("a = \"ab\\q\"").Message);
    }

    [Fact]
    public void Unclosed_array_and_bad_array_separator()
    {
        Assert.Equal("node.conf:2: expected ']' to close the array 'a' opened at line 1 (column 3)", Hocon.Error("a = [1,\n 2").Message);
        Assert.Equal("node.conf:1: expected ',' or ']' in the array 'a', found 'x' (column 12)", Hocon.Error("a = [1, {} x]").Message);
        Assert.Equal("node.conf:1: expected ',' or ']' in the array 'join', found ':' (quote values that contain ':' or '=') (column 10)",
            Hocon.Error("join = [a:1]").Message);
    }

    [Fact]
    public void Unsupported_constructs_are_errors_not_misreadings()
    {
        Assert.Equal("node.conf:1: '+=' is not supported (key 'a') (column 3)", Hocon.Error("a += 1").Message);
        Assert.Contains("concatenating a value with an object or array is not supported", Hocon.Error("a = x [1]").Message);
        Assert.Equal("node.conf:1: the root of a config file must be an object, not an array (column 1)", Hocon.Error("[1, 2]").Message);
    }

    [Fact]
    public void Required_substitution_unset_is_an_error()
    {
        var ex = Hocon.Error("a = 1\nquorumcache.node.data-dir = ${QC_SURELY_UNSET_DIR}");
        Assert.Equal("node.conf:2: required substitution ${QC_SURELY_UNSET_DIR} for 'quorumcache.node.data-dir' is not set "
            + "(no such key in the config and no environment variable QC_SURELY_UNSET_DIR) (column 29)", ex.Message);
    }

    [Fact]
    public void Substitution_cycle_is_an_error()
    {
        var ex = Hocon.Error("a = ${b}\nb = ${c}\nc = ${a}");
        Assert.Contains("substitution cycle", ex.Message);
        Assert.StartsWith("node.conf:", ex.Message);
    }

    [Fact]
    public void Missing_include_is_an_error_relative_to_including_file()
    {
        using var dir = new TempConfigDir();
        string main = dir.Write("sub/main.conf", "a = 1\n\ninclude \"nope.conf\"\n");
        var ex = Assert.Throws<ConfigException>(() => HoconParser.ParseFile(main));
        Assert.StartsWith($"{main}:3: included file \"nope.conf\" not found (looked for {Path.Combine(dir.Path, "sub", "nope.conf")})", ex.Message);
    }

    [Fact]
    public void Include_cycle_and_errors_inside_included_files_cite_that_file()
    {
        using var dir = new TempConfigDir();
        string a = dir.Write("a.conf", "include \"b.conf\"");
        string b = dir.Write("b.conf", "x = 1\ninclude \"a.conf\"");
        var cycle = Assert.Throws<ConfigException>(() => HoconParser.ParseFile(a));
        Assert.StartsWith(b + ":2: include cycle", cycle.Message);

        dir.Write("bad.conf", "ok = 1\nbroken\n");
        string main = dir.Write("main.conf", "include \"bad.conf\"");
        var ex = Assert.Throws<ConfigException>(() => HoconParser.ParseFile(main));
        Assert.Equal(Path.Combine(dir.Path, "bad.conf") + ":2: expected '=' or ':' after key 'broken' (column 7)", ex.Message);
    }
}
