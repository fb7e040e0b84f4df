namespace QuorumCache.Node.Config;

/// <summary>A value in a parsed HOCON tree. After resolution only objects, arrays and scalars remain.</summary>
public abstract class HoconNode
{
    protected HoconNode(ConfigLocation location) => Location = location;

    /// <summary>Where the value starts in its file.</summary>
    public ConfigLocation Location { get; }
}

/// <summary>A string, number, boolean or null. Text is kept exactly as written (null for <c>null</c>).</summary>
public sealed class HoconScalar : HoconNode
{
    public HoconScalar(string? text, bool quoted, ConfigLocation location) : base(location)
    {
        Text = text;
        Quoted = quoted;
    }

    public string? Text { get; }

    public bool Quoted { get; }
}

public sealed class HoconArray : HoconNode
{
    public HoconArray(List<HoconNode> items, ConfigLocation location) : base(location) => Items = items;

    public List<HoconNode> Items { get; }
}

/// <summary>An object: fields in the order they were first defined.</summary>
public sealed class HoconObject : HoconNode
{
    private readonly Dictionary<string, HoconField> _fields = new(StringComparer.Ordinal);
    private readonly List<HoconField> _order = new();

    public HoconObject(ConfigLocation location) : base(location)
    {
    }

    public IReadOnlyList<HoconField> Fields => _order;

    public HoconField? Find(string name) => _fields.TryGetValue(name, out var f) ? f : null;

    internal HoconField GetOrAdd(string name)
    {
        if (!_fields.TryGetValue(name, out var field))
        {
            field = new HoconField(name);
            _fields.Add(name, field);
            _order.Add(field);
        }
        return field;
    }

    internal void Remove(HoconField field)
    {
        _fields.Remove(field.Name);
        _order.Remove(field);
    }
}

/// <summary>
/// A field of an object. Every assignment is kept as a chain (newest first) until
/// substitutions are resolved: <c>${?X}</c> that is unset falls back to the earlier
/// assignment, and <c>x = ${x}"..."</c> refers to the earlier assignment.
/// </summary>
public sealed class HoconField
{
    internal HoconField(string name) => Name = name;

    public string Name { get; }

    /// <summary>The newest assignment; null only transiently.</summary>
    public HoconAssignment? Current { get; internal set; }

    public HoconNode Value => Current!.Value;

    internal ResolveState State { get; set; }

    internal enum ResolveState
    {
        Unresolved,
        Resolving,
        Resolved,
    }
}

/// <summary>One <c>key = value</c> of a field, with where the key was written.</summary>
public sealed class HoconAssignment
{
    internal HoconAssignment(HoconNode value, string key, ConfigLocation keyLocation, HoconAssignment? previous)
    {
        Value = value;
        Key = key;
        KeyLocation = keyLocation;
        Previous = previous;
    }

    public HoconNode Value { get; internal set; }

    public ConfigLocation KeyLocation { get; }

    /// <summary>The full dotted key as written (for messages).</summary>
    public string Key { get; }

    internal HoconAssignment? Previous { get; set; }
}

/// <summary><c>${path}</c> or <c>${?path}</c>, unresolved.</summary>
public sealed class HoconSubstitution : HoconNode
{
    public HoconSubstitution(string[] path, bool optional, ConfigLocation location) : base(location)
    {
        Path = path;
        Optional = optional;
    }

    public string[] Path { get; }

    public bool Optional { get; }

    public string PathText => string.Join('.', Path);

    public override string ToString() => Optional ? $"${{?{PathText}}}" : $"${{{PathText}}}";
}

/// <summary>Several simple values written one after another (<c>10 seconds</c>, <c>${HOME}"/data"</c>): one string.</summary>
public sealed class HoconConcatenation : HoconNode
{
    public HoconConcatenation(List<HoconNode> parts, ConfigLocation location) : base(location) => Parts = parts;

    /// <summary>Scalars (whitespace between values is kept as scalars) and substitutions.</summary>
    public List<HoconNode> Parts { get; }
}
