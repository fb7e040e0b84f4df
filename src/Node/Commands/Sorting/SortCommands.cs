using QuorumCache.Node.Storage;
using QuorumCache.Cluster.Slots;
using QuorumCache.Resp;
using static QuorumCache.Node.Commands.CommandFlags;

namespace QuorumCache.Node.Commands.Sorting;

/// <summary>
/// SORT and SORT_RO (Redis 7): sorts a list, set or sorted set numerically or by bytes (ALPHA), by the
/// element or by a weight key (BY), and replies or STOREs the elements or values read through GET
/// patterns. The node is always in cluster mode: BY and GET patterns must form keys in the sorted key's
/// slot (Redis's patternHashSlot rule). Option parsing here; loading and sorting in SortCommands.Run.cs.
/// SORT is deterministic, so the default (verbatim) effect of a STORE replays to the same list.
/// </summary>
public static partial class SortCommands
{
    private const string Group = "generic";

    public static void Register(CommandTable t)
    {
        t.Add(new CommandDef
        {
            Name = "sort", Arity = -2, Flags = Write | DenyOom, FirstKey = 1, LastKey = 1, Step = 1,
            Handler = ctx => Sort(ctx, readOnly: false), Keys = SortKeys,
            Group = Group, Categories = ["write", "set", "sortedset", "list", "slow", "dangerous"],
        });
        t.Add(new CommandDef
        {
            Name = "sort_ro", Arity = -2, Flags = ReadOnly, FirstKey = 1, LastKey = 1, Step = 1,
            Handler = ctx => Sort(ctx, readOnly: true), Keys = (_, pos) => pos.Add(1),
            Group = Group, Categories = ["read", "set", "sortedset", "list", "slow", "dangerous"], Since = "7.0.0",
        });
    }

    /// <summary>
    /// Redis's sortGetKeys: the sorted key, and the argument after the last STORE, skipping the arguments
    /// of LIMIT (2), GET (1) and BY (1).
    /// </summary>
    internal static void SortKeys(CommandBuffer args, List<int> pos)
    {
        pos.Add(1);
        var store = -1;
        for (var i = 2; i < args.Count; i++)
        {
            if (args.Is(i, "limit"u8)) i += 2;
            else if (args.Is(i, "get"u8) || args.Is(i, "by"u8)) i += 1;
            else if (args.Is(i, "store"u8) && i + 1 < args.Count) store = i + 1;
        }
        if (store > 0) pos.Add(store);
    }

    private const string ByDenied = "ERR BY option of SORT denied in Cluster mode when keys formed by the pattern may be in different slots.";
    private const string GetDenied = "ERR GET option of SORT denied in Cluster mode when keys formed by the pattern may be in different slots.";
    internal const string NotDouble = "ERR One or more scores can't be converted into double";

    /// <summary>The parsed options of one SORT call.</summary>
    private sealed class SortOptions
    {
        public bool Desc, Alpha, DontSort;
        public long LimitStart, LimitCount = -1;
        public byte[]? By, Store;
        public readonly List<byte[]> Gets = [];
    }

    /// <summary>Parses the options in Redis's order of checks; replies the first error and returns null.</summary>
    private static SortOptions? Parse(CommandContext ctx, bool readOnly)
    {
        var a = ctx.Args;
        var o = new SortOptions();
        var keySlot = HashSlot.Of(a[1]);
        for (var j = 2; j < a.Count; j++)
        {
            var left = a.Count - j - 1;
            if (a.Is(j, "asc"u8)) o.Desc = false;
            else if (a.Is(j, "desc"u8)) o.Desc = true;
            else if (a.Is(j, "alpha"u8)) o.Alpha = true;
            else if (a.Is(j, "limit"u8) && left >= 2)
            {
                if (!ArgParse.TryInt64(a[j + 1], out o.LimitStart) || !ArgParse.TryInt64(a[j + 2], out o.LimitCount))
                {
                    ctx.Reply.WriteError(Errors.NotInteger);
                    return null;
                }
                j += 2;
            }
            else if (!readOnly && a.Is(j, "store"u8) && left >= 1) o.Store = a[++j].ToArray();
            else if (a.Is(j, "by"u8) && left >= 1)
            {
                var p = a[++j];
                o.By = p.ToArray();
                if (!SortPattern.HasStar(p)) o.DontSort = true;
                else if (SortPattern.Slot(p) != keySlot)
                {
                    ctx.Reply.WriteError(ByDenied);
                    return null;
                }
            }
            else if (a.Is(j, "get"u8) && left >= 1)
            {
                var p = a[++j];
                if (!(p.Length == 1 && p[0] == '#') && SortPattern.Slot(p) != keySlot)
                {
                    ctx.Reply.WriteError(GetDenied);
                    return null;
                }
                o.Gets.Add(p.ToArray());
            }
            else
            {
                ctx.Reply.WriteError(Errors.Syntax);
                return null;
            }
        }
        return o;
    }
}
