using QuorumCache.Resp;

namespace QuorumCache.Node.Commands;

public delegate void CommandHandler(CommandContext ctx);

/// <summary>Command flags as COMMAND INFO reports them, plus a few of our own for dispatch.</summary>
[Flags]
public enum CommandFlags
{
    None = 0,
    Write = 1 << 0,
    ReadOnly = 1 << 1,
    DenyOom = 1 << 2,
    Admin = 1 << 3,
    PubSub = 1 << 4,
    NoScript = 1 << 5,
    Blocking = 1 << 6,
    Loading = 1 << 7,
    Stale = 1 << 8,
    SkipMonitor = 1 << 9,
    Fast = 1 << 10,
    NoAuth = 1 << 11,
    MayReplicate = 1 << 12,
    NoMulti = 1 << 13,
    AllowBusy = 1 << 14,
    /// <summary>Not written to the SLOWLOG (EXEC: its commands are, one by one).</summary>
    SkipSlowlog = 1 << 15,
    /// <summary>Runs even while the client is in MULTI (EXEC, DISCARD, MULTI, WATCH, QUIT, RESET).</summary>
    TxControl = 1 << 20,
    /// <summary>Allowed in RESP2 subscriber mode.</summary>
    SubscriberOk = 1 << 21,
    /// <summary>Its arguments are secrets: SLOWLOG shows "(redacted)" (AUTH, HELLO).</summary>
    RedactArgs = 1 << 22,
}

/// <summary>
/// Finds the keys of commands whose key positions are not a fixed first/last/step range
/// (numkeys-style commands). Adds each key's argument index to <paramref name="positions"/>.
/// </summary>
public delegate void KeyFinder(CommandBuffer args, List<int> positions);

/// <summary>A command's table entry: arity like Redis (negative = at least), flags, key positions.</summary>
public sealed class CommandDef
{
    public required string Name { get; init; }
    public required int Arity { get; init; }
    public required CommandFlags Flags { get; init; }
    public int FirstKey { get; init; }
    public int LastKey { get; init; }
    public int Step { get; init; }
    public required CommandHandler Handler { get; init; }
    /// <summary>For numkeys-style commands; overrides FirstKey/LastKey/Step.</summary>
    public KeyFinder? Keys { get; init; }
    /// <summary>ACL categories without the '@', e.g. "string", "fast".</summary>
    public string[] Categories { get; init; } = [];
    /// <summary>Subcommands (CLIENT, CONFIG, OBJECT...), for COMMAND INFO/DOCS only.</summary>
    public string[] Subcommands { get; init; } = [];
    public string Summary { get; init; } = "";
    public string Since { get; init; } = "1.0.0";
    public string Group { get; init; } = "generic";

    public bool IsWrite => (Flags & CommandFlags.Write) != 0;

    private CommandStats? _stats;
    private (byte[] Name, CommandStats Stats)[]? _subStats;

    /// <summary>The command's own INFO commandstats counters.</summary>
    public CommandStats Stats => _stats ?? Interlocked.CompareExchange(ref _stats, new CommandStats(Name), null) ?? _stats;

    /// <summary>Counters of each subcommand, in <see cref="Subcommands"/> order.</summary>
    public IEnumerable<CommandStats> SubcommandStats => SubStats().Select(s => s.Stats);

    private (byte[] Name, CommandStats Stats)[] SubStats() =>
        _subStats ?? Interlocked.CompareExchange(ref _subStats,
            Array.ConvertAll(Subcommands, sub => (System.Text.Encoding.ASCII.GetBytes(sub), new CommandStats(Name + "|" + sub))), null) ?? _subStats;

    /// <summary>The counters a call counts in: its subcommand's when it names a known one, else the command's.</summary>
    public CommandStats StatsFor(CommandBuffer args)
    {
        if (Subcommands.Length == 0 || args.Count < 2) return Stats;
        var sub = args[1];
        foreach (var (name, stats) in SubStats())
            if (System.Text.Ascii.EqualsIgnoreCase(sub, name)) return stats;
        return Stats;
    }

    /// <summary>
    /// True for the read commands whose lookups report no <c>keymiss</c> event (Redis's LOOKUP_NONOTIFY:
    /// OBJECT, MEMORY USAGE). Other read commands report one for each lookup that finds nothing.
    /// </summary>
    public bool NoKeyMissEvents { get; init; }

    /// <summary>Lists the argument indexes that hold keys.</summary>
    public void GetKeyPositions(CommandBuffer args, List<int> positions)
    {
        if (Keys is not null)
        {
            Keys(args, positions);
            return;
        }
        if (FirstKey <= 0) return;
        var last = LastKey >= 0 ? LastKey : args.Count + LastKey;
        for (var i = FirstKey; i <= last && i < args.Count; i += Math.Max(Step, 1)) positions.Add(i);
    }
}
