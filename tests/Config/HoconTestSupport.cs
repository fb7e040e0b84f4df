using QuorumCache.Node.Config;

namespace QuorumCache.Tests.Config;

/// <summary>Parsing helpers and a temporary directory for file-based config tests.</summary>
internal sealed class TempConfigDir : IDisposable
{
    public TempConfigDir()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "qc-config-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    /// <summary>Writes a file (relative path, sub-folders created) and returns its full path.</summary>
    public string Write(string relative, string text)
    {
        string full = System.IO.Path.Combine(Path, relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text);
        return full;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

internal static class Hocon
{
    public static HoconFile Parse(string text, string file = "test.conf") => HoconFile.Parse(text, file);

    /// <summary>All leaves as "key=value" lines in file order, for compact assertions.</summary>
    public static string Dump(HoconFile doc) => string.Join("\n", doc.Entries.Select(e => $"{e.Key}={e.Value}"));

    public static ConfigException Error(string text, string file = "node.conf") =>
        Assert.Throws<ConfigException>(() => Parse(text, file));
}
