using Akka.Configuration;
using AkkaConfig = Akka.Configuration.Config;
using Akka.Configuration.Hocon;

namespace QuorumCache.Node.Config;

/// <summary>One leaf setting of a file: configuration key (':'-separated) and raw text.</summary>
public sealed record HoconEntry(string Key, string Value);

/// <summary>
/// A HOCON file parsed by Akka.Configuration (the parser the actor system uses, so node settings and
/// Akka's own <c>akka { }</c> settings are one dialect in one file) and flattened into configuration
/// keys: <c>a { b = 1, c = [x, y] }</c> gives <c>a:b = 1</c>, <c>a:c:0 = x</c>, <c>a:c:1 = y</c>.
/// </summary>
/// <remarks>
/// Akka's parser is lenient: it reads some malformed text instead of refusing it. What it lets
/// through surfaces here or later, always naming the file and the key: a key without a value
/// (<c>replicas 3</c>, <c>port =</c>, an unclosed object) is an error here; a key that is not a
/// setting (<c>replicas 3</c> read as one key, <c>a += 1</c>) is rejected by <see cref="KnownKeys"/>;
/// a value of the wrong shape by <see cref="ConfigValue"/>. Substitutions refer to other keys only
/// (<c>${quorumcache.node.port}</c>); environment variables reach settings as <c>QUORUMCACHE_*</c>.
/// </remarks>
public sealed class HoconFile
{
    private readonly List<HoconEntry> _entries = new();
    private readonly HashSet<string> _lists = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _emptyObjects = new(StringComparer.OrdinalIgnoreCase);

    private HoconFile(string path, AkkaConfig config)
    {
        Path = path;
        Config = config;
        Flatten(config.Root, "");
    }

    public string Path { get; }

    /// <summary>The parsed file as Akka's <see cref="Akka.Configuration.Config"/> (for the actor system's settings).</summary>
    public AkkaConfig Config { get; }

    /// <summary>Every leaf, in file order.</summary>
    public IReadOnlyList<HoconEntry> Entries => _entries;

    /// <summary>Keys whose value is an array (including empty arrays, which have no entries).</summary>
    public IReadOnlySet<string> ListKeys => _lists;

    /// <summary>Keys whose value is an empty object <c>{ }</c>.</summary>
    public IReadOnlySet<string> EmptyObjectKeys => _emptyObjects;

    public static HoconFile Load(string path)
    {
        if (!File.Exists(path)) throw new ConfigException($"{path}: config file not found", path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException($"{path}: cannot read the configuration file: {e.Message}", path, inner: e);
        }
        return Parse(text, path);
    }

    /// <param name="name">The file name errors cite.</param>
    public static HoconFile Parse(string text, string name)
    {
        AkkaConfig config;
        try
        {
            config = ConfigurationFactory.ParseString(text);
        }
        catch (Exception e) when (e is FormatException or ConfigurationException or InvalidOperationException or ArgumentException)
        {
            throw new ConfigException($"{name}: {FirstLine(e.Message)}", name, inner: e);
        }
        return new HoconFile(name, config);
    }

    private static string FirstLine(string message)
    {
        var end = message.IndexOfAny(['\r', '\n']);
        return end < 0 ? message : message[..end];
    }

    private static string Child(string prefix, string name) => prefix.Length == 0 ? name : prefix + ConfigKeys.Separator + name;

    private void Flatten(HoconValue value, string key)
    {
        if (value.IsObject())
        {
            var obj = value.GetObject();
            if (obj.Items.Count == 0 && key.Length > 0) _emptyObjects.Add(key);
            foreach (var (name, child) in obj.Items) Flatten(child, Child(key, name));
            return;
        }
        if (value.IsArray() || value.Values is [HoconArray])
        {
            _lists.Add(key);
            var items = value.GetArray();
            for (var i = 0; i < items.Count; i++)
                Flatten(items[i], Child(key, i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            return;
        }
        if (value.Values.Count == 0)
        {
            var dotted = ConfigKeys.ToDotted(key);
            throw new ConfigException($"{Path}: '{dotted}' has no value (write 'key = value'; quote values that contain spaces, ':' or '=')",
                Path, key: dotted);
        }
        string text;
        try
        {
            text = value.GetString();
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or ConfigurationException or NotSupportedException)
        {
            var dotted = ConfigKeys.ToDotted(key);
            throw new ConfigException($"{Path}: the value of '{dotted}' cannot be read: {FirstLine(e.Message)}", Path, key: dotted, inner: e);
        }
        _entries.Add(new HoconEntry(key, text));
    }
}

/// <summary>Conversions between dotted HOCON paths and ':'-separated configuration keys.</summary>
public static class ConfigKeys
{
    public const string Separator = ":";

    /// <summary><c>quorumcache.node.port</c> → <c>quorumcache:node:port</c> (a key already using ':' is unchanged).</summary>
    public static string ToConfigKey(string path) => path.Replace('.', ':');

    /// <summary><c>quorumcache:node:port</c> → <c>quorumcache.node.port</c>, for messages.</summary>
    public static string ToDotted(string key) => key.Replace(':', '.');
}
