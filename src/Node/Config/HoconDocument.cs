namespace QuorumCache.Node.Config;

/// <summary>One leaf setting of a document: configuration key (':'-separated), raw text (null for <c>null</c>), and where it was written.</summary>
public sealed record HoconEntry(string Key, string? Value, ConfigLocation Location);

/// <summary>
/// A parsed and resolved HOCON document, also flattened into configuration keys:
/// <c>a { b = 1, c = [x, y] }</c> gives <c>a:b = 1</c>, <c>a:c:0 = x</c>, <c>a:c:1 = y</c>.
/// Keys compare case-insensitively, as Microsoft.Extensions.Configuration does.
/// </summary>
public sealed class HoconDocument
{
    private readonly List<HoconEntry> _entries = new();
    private readonly Dictionary<string, HoconEntry> _byKey = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _lists = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _emptyObjects = new(StringComparer.OrdinalIgnoreCase);

    internal HoconDocument(HoconObject root, string fileName)
    {
        Root = root;
        FileName = fileName;
        FlattenObject(root, "");
    }

    public HoconObject Root { get; }

    public string FileName { get; }

    /// <summary>Every leaf, in the order the fields were first defined.</summary>
    public IReadOnlyList<HoconEntry> Entries => _entries;

    /// <summary>Keys whose value is an array (including empty arrays, which have no entries).</summary>
    public IReadOnlySet<string> ListKeys => _lists;

    /// <summary>Keys whose value is an empty object <c>{ }</c>.</summary>
    public IReadOnlySet<string> EmptyObjectKeys => _emptyObjects;

    /// <summary>Looks a leaf up by dotted (<c>a.b</c>) or configuration (<c>a:b</c>) path.</summary>
    public bool TryGet(string path, out HoconEntry entry) => _byKey.TryGetValue(ConfigKeys.ToConfigKey(path), out entry!);

    /// <summary>The raw text of a leaf, or null when it is absent or <c>null</c>.</summary>
    public string? GetString(string path) => TryGet(path, out var e) ? e.Value : null;

    private static string Child(string prefix, string name) => prefix.Length == 0 ? name : prefix + ConfigKeys.Separator + name;

    private void FlattenObject(HoconObject obj, string prefix)
    {
        if (obj.Fields.Count == 0 && prefix.Length > 0)
        {
            _emptyObjects.Add(prefix);
        }
        foreach (var field in obj.Fields)
        {
            var a = field.Current;
            if (a is null)
            {
                continue;
            }
            Flatten(a.Value, Child(prefix, field.Name), a.KeyLocation);
        }
    }

    private void Flatten(HoconNode node, string key, ConfigLocation at)
    {
        switch (node)
        {
            case HoconObject o:
                FlattenObject(o, key);
                break;
            case HoconArray arr:
                _lists.Add(key);
                for (int i = 0; i < arr.Items.Count; i++)
                {
                    var item = arr.Items[i];
                    Flatten(item, Child(key, i.ToString(System.Globalization.CultureInfo.InvariantCulture)), item.Location);
                }
                break;
            case HoconScalar s:
                var entry = new HoconEntry(key, s.Text, at);
                if (_byKey.TryGetValue(key, out var old))
                {
                    _entries.Remove(old);
                }
                _byKey[key] = entry;
                _entries.Add(entry);
                break;
            default:
                throw new InvalidOperationException($"unresolved {node.GetType().Name} at {node.Location}");
        }
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
