using System.Text;

namespace QuorumCache.Node.Commands;

/// <summary>Every command the node knows, looked up by name without allocating.</summary>
public sealed class CommandTable
{
    private readonly Dictionary<byte[], CommandDef> _byName = new(Storage.KeyComparer.Instance);

    public IEnumerable<CommandDef> All => _byName.Values;

    public int Count => _byName.Count;

    public void Add(CommandDef def)
    {
        var key = Encoding.ASCII.GetBytes(def.Name.ToLowerInvariant());
        if (!_byName.TryAdd(key, def)) throw new InvalidOperationException($"command '{def.Name}' registered twice");
    }

    /// <summary>Finds a command by its name in any letter case.</summary>
    public CommandDef? Find(ReadOnlySpan<byte> name)
    {
        if (name.Length is 0 or > 64) return null;
        Span<byte> lower = stackalloc byte[name.Length];
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            lower[i] = c is >= (byte)'A' and <= (byte)'Z' ? (byte)(c | 0x20) : c;
        }
        return _byName.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(lower, out var def) ? def : null;
    }

    public CommandDef? Find(string name) => Find(Encoding.UTF8.GetBytes(name));

    /// <summary>Registers a command: a shorthand for the common fields.</summary>
    public void Add(string name, int arity, CommandFlags flags, int firstKey, int lastKey, int step, CommandHandler handler,
        string group, params string[] categories) =>
        Add(new CommandDef
        {
            Name = name,
            Arity = arity,
            Flags = flags,
            FirstKey = firstKey,
            LastKey = lastKey,
            Step = step,
            Handler = handler,
            Group = group,
            Categories = categories,
        });
}
