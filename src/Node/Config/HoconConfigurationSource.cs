using Microsoft.Extensions.Configuration;

namespace QuorumCache.Node.Config;

/// <summary>
/// A HOCON file (parsed by Akka.Configuration, see <see cref="HoconFile"/>) as a
/// Microsoft.Extensions.Configuration source. Keys keep their full path with ':' separators:
/// <c>quorumcache.node.port = 6379</c> (or <c>quorumcache { node { port = 6379 } }</c>) becomes
/// <c>quorumcache:node:port</c>; arrays become <c>key:0</c>, <c>key:1</c>, ... Errors (missing file,
/// unparsable text, a key without a value) are thrown as <see cref="ConfigException"/> when the
/// configuration is built.
/// </summary>
public sealed class HoconConfigurationSource : IConfigurationSource
{
    public required string Path { get; init; }

    /// <summary>When true a missing file gives no keys instead of an error.</summary>
    public bool Optional { get; init; }

    public IConfigurationProvider Build(IConfigurationBuilder builder) => new HoconConfigurationProvider(this);
}

public sealed class HoconConfigurationProvider : ConfigurationProvider, IConfigOriginProvider
{
    private readonly HoconConfigurationSource _source;
    private readonly Dictionary<string, ConfigOrigin> _origins = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<KeyValuePair<string, ConfigOrigin>> _ordered = new();

    public HoconConfigurationProvider(HoconConfigurationSource source) => _source = source;

    /// <summary>The parsed file; null before <see cref="Load"/> or when an optional file is missing.</summary>
    public HoconFile? Document { get; private set; }

    public string Path => _source.Path;

    public override void Load()
    {
        _origins.Clear();
        _ordered.Clear();
        var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (_source.Optional && !File.Exists(_source.Path))
        {
            Document = null;
            Data = data;
            return;
        }
        Document = HoconFile.Load(_source.Path);
        var origin = ConfigOrigin.InFile(_source.Path);
        foreach (var e in Document.Entries)
        {
            data[e.Key] = e.Value;
            _origins[e.Key] = origin;
            _ordered.Add(new KeyValuePair<string, ConfigOrigin>(e.Key, origin));
        }
        Data = data;
    }

    public bool TryGetOrigin(string key, out ConfigOrigin origin) => _origins.TryGetValue(key, out origin);

    public IReadOnlyList<KeyValuePair<string, ConfigOrigin>> Origins => _ordered;

    public bool DefinesList(string key) => Document is not null && Document.ListKeys.Contains(key);

    public override string ToString() => $"HOCON file {_source.Path}";
}

public static class HoconConfigurationExtensions
{
    /// <summary>Adds a HOCON file; later sources override earlier ones.</summary>
    public static IConfigurationBuilder AddHoconFile(this IConfigurationBuilder builder, string path, bool optional = false)
        => builder.Add(new HoconConfigurationSource { Path = path, Optional = optional });
}
