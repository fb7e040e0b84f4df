using System.Collections;
using Microsoft.Extensions.Configuration;

namespace QuorumCache.Node.Config;

/// <summary>
/// Settings from environment variables named <c>QUORUMCACHE_&lt;PATH&gt;</c>, where <c>__</c> separates
/// path segments and a single <c>_</c> stands for <c>-</c>; the name is case-insensitive after the prefix:
/// <list type="table">
/// <item><term><c>QUORUMCACHE_NODE__PORT=7000</c></term><description><c>quorumcache.node.port</c></description></item>
/// <item><term><c>QUORUMCACHE_NODE__DATA_DIR=/var/qc</c></term><description><c>quorumcache.node.data-dir</c></description></item>
/// <item><term><c>QUORUMCACHE_CLUSTER__JOIN__0=h:7000</c></term><description>element 0 of the list <c>quorumcache.cluster.join</c></description></item>
/// </list>
/// Why not <c>AddEnvironmentVariables("QUORUMCACHE_")</c>: that built-in source strips the prefix, so
/// <c>QUORUMCACHE_NODE__PORT</c> would become <c>NODE:PORT</c>, not <c>quorumcache:node:port</c>; it
/// also cannot map <c>_</c> to <c>-</c>, and knows no origins for error messages. (Without a prefix it
/// maps <c>QUORUMCACHE__NODE__PORT</c> to <c>QUORUMCACHE:NODE:PORT</c>, but loads every variable.)
/// </summary>
public sealed class QuorumCacheEnvironmentSource : IConfigurationSource
{
    public const string DefaultPrefix = "QUORUMCACHE_";

    public string Prefix { get; init; } = DefaultPrefix;

    /// <summary>The variables to read; null = the process environment at load time.</summary>
    public IReadOnlyDictionary<string, string>? Variables { get; init; }

    public IConfigurationProvider Build(IConfigurationBuilder builder) => new QuorumCacheEnvironmentProvider(this);

    /// <summary><c>NODE__DATA_DIR</c> (after the prefix) → <c>quorumcache:node:data-dir</c>.</summary>
    public static string KeyFor(string prefix, string name)
    {
        string root = prefix.TrimEnd('_').ToLowerInvariant();
        string rest = name[prefix.Length..].ToLowerInvariant().Replace("__", ConfigKeys.Separator).Replace('_', '-');
        return root + ConfigKeys.Separator + rest;
    }
}

public sealed class QuorumCacheEnvironmentProvider : ConfigurationProvider, IConfigOriginProvider
{
    private readonly QuorumCacheEnvironmentSource _source;
    private readonly Dictionary<string, ConfigOrigin> _origins = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<KeyValuePair<string, ConfigOrigin>> _ordered = new();

    public QuorumCacheEnvironmentProvider(QuorumCacheEnvironmentSource source) => _source = source;

    public override void Load()
    {
        _origins.Clear();
        _ordered.Clear();
        var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var names = new List<KeyValuePair<string, string>>();
        if (_source.Variables is not null)
        {
            names.AddRange(_source.Variables);
        }
        else
        {
            foreach (DictionaryEntry e in Environment.GetEnvironmentVariables())
            {
                names.Add(new KeyValuePair<string, string>((string)e.Key, (string?)e.Value ?? ""));
            }
        }
        names.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        foreach (var (name, value) in names)
        {
            if (name.Length <= _source.Prefix.Length || !name.StartsWith(_source.Prefix, StringComparison.Ordinal))
            {
                continue;
            }
            string key = QuorumCacheEnvironmentSource.KeyFor(_source.Prefix, name);
            data[key] = value;
            var origin = ConfigOrigin.EnvironmentVariable(name);
            _origins[key] = origin;
            _ordered.Add(new KeyValuePair<string, ConfigOrigin>(key, origin));
        }
        Data = data;
    }

    public bool TryGetOrigin(string key, out ConfigOrigin origin) => _origins.TryGetValue(key, out origin);

    public IReadOnlyList<KeyValuePair<string, ConfigOrigin>> Origins => _ordered;

    public bool DefinesList(string key) => false;

    public override string ToString() => $"environment variables {_source.Prefix}*";
}

public static class QuorumCacheEnvironmentExtensions
{
    public static IConfigurationBuilder AddQuorumCacheEnvironment(this IConfigurationBuilder builder, IReadOnlyDictionary<string, string>? variables = null)
        => builder.Add(new QuorumCacheEnvironmentSource { Variables = variables });
}
