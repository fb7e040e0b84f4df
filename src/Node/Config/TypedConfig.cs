using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace QuorumCache.Node.Config;

/// <summary>
/// Typed, origin-aware reads over a built configuration. Paths may be dotted
/// (<c>quorumcache.node.port</c>) or ':'-separated. The value is the one of the highest-precedence
/// provider that has the key, as <c>IConfiguration[key]</c> would return, and errors cite that
/// provider's origin (file:line, environment variable, or command-line option).
/// </summary>
public sealed class TypedConfig
{
    public TypedConfig(IConfigurationRoot root) => Root = root;

    public IConfigurationRoot Root { get; }

    /// <summary>The winning value of a key, or null when no provider has it.</summary>
    public ConfigValue? Find(string path)
    {
        string key = ConfigKeys.ToConfigKey(path);
        var providers = Root.Providers.ToList();
        for (int i = providers.Count - 1; i >= 0; i--)
        {
            if (providers[i].TryGet(key, out string? raw))
            {
                return new ConfigValue(key, raw, OriginOf(providers[i], key));
            }
        }
        return null;
    }

    /// <summary>The winning value of a key; a missing key is a <see cref="ConfigException"/>.</summary>
    public ConfigValue Get(string path) =>
        Find(path) ?? throw new ConfigException($"missing setting '{ConfigKeys.ToDotted(path)}' (it should be in the defaults file)", key: ConfigKeys.ToDotted(path));

    public string GetString(string path) => Get(path).AsString();

    public string? GetStringOrNull(string path) => Find(path)?.AsStringOrNull();

    public int GetInt(string path, int min = int.MinValue, int max = int.MaxValue) => Get(path).AsInt(min, max);

    public long GetLong(string path, long min = long.MinValue, long max = long.MaxValue) => Get(path).AsLong(min, max);

    public double GetDouble(string path) => Get(path).AsDouble();

    public bool GetBool(string path) => Get(path).AsBool();

    public TimeSpan GetDuration(string path) => Get(path).AsDuration();

    public long GetSize(string path) => Get(path).AsSize();

    public string GetChoice(string path, params string[] allowed) => Get(path).AsChoice(allowed);

    public TEnum GetEnum<TEnum>(string path) where TEnum : struct, Enum => Get(path).AsEnum<TEnum>();

    /// <summary>
    /// A list, taken whole from the highest-precedence provider that defines it: as elements
    /// (<c>key:0</c>, <c>key:1</c>, ... e.g. a HOCON array, <c>--join</c> repeated, <c>QUORUMCACHE_X__0</c>)
    /// or as one comma-separated value (<c>QUORUMCACHE_CLUSTER__JOIN=a:1,b:2</c>). Lists are not merged
    /// element by element across providers (unlike plain IConfiguration binding), so a shorter list
    /// on the command line replaces a longer one from a file. An empty HOCON array gives an empty list.
    /// </summary>
    public IReadOnlyList<ConfigValue> GetList(string path)
    {
        string key = ConfigKeys.ToConfigKey(path);
        var providers = Root.Providers.ToList();
        for (int p = providers.Count - 1; p >= 0; p--)
        {
            var provider = providers[p];
            var items = new List<ConfigValue>();
            for (int i = 0; ; i++)
            {
                string itemKey = key + ConfigKeys.Separator + i.ToString(CultureInfo.InvariantCulture);
                if (!provider.TryGet(itemKey, out string? item))
                {
                    break;
                }
                items.Add(new ConfigValue(itemKey, item, OriginOf(provider, itemKey)));
            }
            if (items.Count > 0 || (provider is IConfigOriginProvider t && t.DefinesList(key)))
            {
                return items;
            }
            if (provider.TryGet(key, out string? joined) && joined is not null)
            {
                var origin = OriginOf(provider, key);
                foreach (var part in joined.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                {
                    items.Add(new ConfigValue(key, part, origin));
                }
                return items;
            }
        }
        return Array.Empty<ConfigValue>();
    }

    public IReadOnlyList<string> GetStringList(string path)
    {
        var values = GetList(path);
        var result = new string[values.Count];
        for (int i = 0; i < values.Count; i++)
        {
            result[i] = values[i].AsString();
        }
        return result;
    }

    /// <summary>
    /// The <c>akka { }</c> section (Akka.NET's own settings) as HOCON text for the actor system, every value
    /// quoted as a string (Akka reads durations, numbers and switches from strings) and a section whose
    /// children are all numbered written as an array. Empty when the section has no settings.
    /// </summary>
    public string AkkaHocon()
    {
        var sb = new System.Text.StringBuilder();
        foreach (var child in Root.GetSection("akka").GetChildren()) WriteHocon(sb, child, "akka");
        return sb.ToString();
    }

    private static void WriteHocon(System.Text.StringBuilder sb, IConfigurationSection section, string path)
    {
        var name = path + "." + Quote(section.Key);
        var children = section.GetChildren().ToList();
        if (children.Count == 0)
        {
            if (section.Value is { } v) sb.Append(name).Append(" = ").Append(Quote(v)).Append('\n');
            return;
        }
        if (children.All(c => c.Value is not null && int.TryParse(c.Key, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
        {
            var items = children.OrderBy(c => int.Parse(c.Key, CultureInfo.InvariantCulture)).Select(c => Quote(c.Value!));
            sb.Append(name).Append(" = [").Append(string.Join(", ", items)).Append("]\n");
            return;
        }
        foreach (var child in children) WriteHocon(sb, child, name);
    }

    private static string Quote(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n") + "\"";

    private static ConfigOrigin OriginOf(IConfigurationProvider provider, string key) =>
        provider is IConfigOriginProvider tracked && tracked.TryGetOrigin(key, out var origin)
            ? origin
            : ConfigOrigin.Unknown(provider.GetType().Name);
}
