using Microsoft.Extensions.Configuration;

namespace QuorumCache.Node.Config;

/// <summary>
/// The settings the node knows, taken from the defaults file: every leaf is a known key; a key whose
/// default is an array accepts any elements (<c>key:N...</c>) or a single comma-separated value; a key
/// whose default is an empty object <c>{ }</c> is an open map that accepts any keys beneath it.
/// Comparison is case-insensitive, as in Microsoft.Extensions.Configuration.
/// </summary>
public sealed class KnownKeys
{
    private readonly HashSet<string> _leaves = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> _lists = new();
    private readonly List<string> _maps = new();

    public KnownKeys(IEnumerable<string> leaves, IEnumerable<string>? lists = null, IEnumerable<string>? openMaps = null)
    {
        foreach (var k in leaves)
        {
            _leaves.Add(ConfigKeys.ToConfigKey(k));
        }
        foreach (var k in lists ?? [])
        {
            _lists.Add(ConfigKeys.ToConfigKey(k));
        }
        foreach (var k in openMaps ?? [])
        {
            _maps.Add(ConfigKeys.ToConfigKey(k));
        }
    }

    public static KnownKeys FromDocument(HoconFile defaults)
    {
        var leaves = new List<string>();
        foreach (var e in defaults.Entries)
        {
            leaves.Add(e.Key);
        }
        return new KnownKeys(leaves, defaults.ListKeys, defaults.EmptyObjectKeys);
    }

    public static KnownKeys FromFile(string defaultsPath) => FromDocument(HoconFile.Load(defaultsPath));

    public bool IsKnown(string key)
    {
        key = ConfigKeys.ToConfigKey(key);
        if (_leaves.Contains(key))
        {
            return true;
        }
        foreach (var list in _lists)
        {
            if (key.Equals(list, StringComparison.OrdinalIgnoreCase) || IsUnder(key, list))
            {
                return true;
            }
        }
        foreach (var map in _maps)
        {
            if (IsUnder(key, map))
            {
                return true;
            }
        }
        return false;
    }

    private static bool IsUnder(string key, string parent) =>
        key.Length > parent.Length + 1
        && key[parent.Length] == ':'
        && key.StartsWith(parent, StringComparison.OrdinalIgnoreCase);

    /// <summary>The known key closest to a mistyped one (small edit distance), or null.</summary>
    public string? Suggest(string key)
    {
        key = ConfigKeys.ToConfigKey(key);
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (var candidate in _leaves.Concat(_lists))
        {
            int d = Distance(key.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (d < bestDistance)
            {
                bestDistance = d;
                best = candidate;
            }
        }
        return best is not null && bestDistance <= Math.Max(2, key.Length / 8) ? best : null;
    }

    private static int Distance(string a, string b)
    {
        var prev = new int[b.Length + 1];
        var cur = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
        {
            prev[j] = j;
        }
        for (int i = 1; i <= a.Length; i++)
        {
            cur[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                cur[j] = Math.Min(Math.Min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            (prev, cur) = (cur, prev);
        }
        return prev[b.Length];
    }

    /// <summary>Throws a <see cref="ConfigException"/> (<c>file: unknown setting 'k'</c>) for the first unknown leaf of a file.</summary>
    public void RejectUnknown(HoconFile document)
    {
        foreach (var e in document.Entries)
        {
            Reject(e.Key, ConfigOrigin.InFile(document.Path));
        }
    }

    private void Reject(string key, ConfigOrigin origin)
    {
        if (IsKnown(key))
        {
            return;
        }
        string dotted = ConfigKeys.ToDotted(key);
        string? hint = Renamed(dotted) ?? Suggest(key);
        string suffix = hint is null ? "" : $" (did you mean '{ConfigKeys.ToDotted(hint)}'?)";
        throw ConfigException.AtOrigin(origin, $"unknown setting '{dotted}'{suffix}", dotted);
    }

    /// <summary>Settings that were renamed (old dotted prefix, new), so an old file gets the new name.</summary>
    private static readonly (string Old, string New)[] Renames =
    [
        ("quorumcache.cluster.max-concurrent-migrations", "quorumcache.cluster.max-concurrent-hand-offs"),
        ("quorumcache.cluster.migration-phase-timeout", "quorumcache.cluster.hand-off-timeout"),
        ("quorumcache.bus.", "quorumcache.data-links."),
    ];

    private static string? Renamed(string dotted)
    {
        foreach (var (old, now) in Renames)
            if (dotted.StartsWith(old, StringComparison.OrdinalIgnoreCase)) return now + dotted[old.Length..];
        return null;
    }

    /// <summary>
    /// Throws a <see cref="ConfigException"/> for the first key (in source order, lowest provider first)
    /// that any origin-tracking provider of <paramref name="root"/> supplies and that is not known,
    /// e.g. <c>node.conf: unknown setting 'quorumcache.node.prot' (did you mean 'quorumcache.node.port'?)</c>.
    /// </summary>
    public void RejectUnknown(IConfigurationRoot root)
    {
        foreach (var provider in root.Providers)
        {
            if (provider is not IConfigOriginProvider tracked)
            {
                continue;
            }
            foreach (var (key, origin) in tracked.Origins)
            {
                Reject(key, origin);
            }
        }
    }
}
