namespace QuorumCache.Node.Config;

/// <summary>Options of <see cref="HoconParser"/>.</summary>
public sealed class HoconParseOptions
{
    /// <summary>Looks up environment variables for substitutions; defaults to the process environment.</summary>
    public Func<string, string?> Environment { get; init; } = System.Environment.GetEnvironmentVariable;

    /// <summary>Directory that relative includes of a parsed string are resolved against (default: the current directory).</summary>
    public string? BaseDirectory { get; init; }
}

/// <summary>
/// Reads the subset of HOCON (https://github.com/lightbend/config/blob/main/HOCON.md) that node
/// configuration needs and resolves its substitutions:
/// <list type="bullet">
/// <item>objects <c>{ }</c>, nested; a braced or unbraced root; repeated objects merge, later keys win;</item>
/// <item>dotted keys (<c>a.b.c = 1</c> is <c>a { b { c = 1 } }</c>), quoted keys and key segments (<c>"a.b" = 1</c> is one key);
/// unlike full HOCON, whitespace ends an unquoted key (<c>replicas 3</c> is a missing '=', not a key);</item>
/// <item>separators <c>=</c> and <c>:</c>, none before <c>{</c>; fields end at a newline or a comma;</item>
/// <item>values: unquoted text, "quoted" strings with JSON escapes, """raw""" strings, numbers and booleans
/// (kept as written; the typed accessors interpret them), <c>null</c>, arrays <c>[a, b]</c>, and
/// concatenations of simple values on one line (<c>10 seconds</c>, <c>${HOME}"/data"</c>);</item>
/// <item>comments <c>#</c> and <c>//</c>;</item>
/// <item><c>include "file.conf"</c> (also <c>required("...")</c>, <c>file("...")</c>): relative to the including file,
/// merged at that point; a missing file is always an error;</item>
/// <item>substitutions <c>${a.b}</c> (another key of the document, else an environment variable of that exact
/// name; error when neither exists), <c>${?NAME}</c> (same, but when undefined the field keeps its earlier value,
/// or is absent), and self-references <c>path = ${path}":/more"</c> (the earlier value). Substitution paths are
/// always absolute from the document root, also inside included files.</item>
/// </list>
/// Not supported (an error, never silently misread): <c>+=</c>, object/array concatenation, url/classpath includes.
/// </summary>
public static class HoconParser
{
    public static HoconDocument ParseFile(string path, HoconParseOptions? options = null)
    {
        options ??= new HoconParseOptions();
        if (!File.Exists(path))
        {
            throw new ConfigException($"{path}: config file not found", path);
        }
        string full = Path.GetFullPath(path);
        var root = new HoconObject(new ConfigLocation(path, 1, 1));
        var builder = new HoconTreeBuilder(File.ReadAllText(path), path, Path.GetDirectoryName(full)!, new List<string> { full });
        builder.ParseInto(root);
        HoconResolver.Resolve(root, options.Environment);
        return new HoconDocument(root, path);
    }

    public static HoconDocument ParseString(string text, string fileName = "<string>", HoconParseOptions? options = null)
    {
        options ??= new HoconParseOptions();
        var root = new HoconObject(new ConfigLocation(fileName, 1, 1));
        string baseDir = options.BaseDirectory ?? Directory.GetCurrentDirectory();
        var builder = new HoconTreeBuilder(text, fileName, baseDir, new List<string>());
        builder.ParseInto(root);
        HoconResolver.Resolve(root, options.Environment);
        return new HoconDocument(root, fileName);
    }
}
