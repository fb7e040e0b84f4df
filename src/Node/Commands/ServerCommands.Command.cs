using System.Text;
using static QuorumCache.Node.Commands.CommandFlags;

namespace QuorumCache.Node.Commands;

/// <summary>COMMAND, COMMAND COUNT/INFO/DOCS/LIST/GETKEYS: what clients read when they connect.</summary>
public static partial class ServerCommands
{
    private static void RegisterCommand(CommandTable t) => t.Add(new CommandDef
    {
        Name = "command", Arity = -1, Flags = Loading | Stale, Handler = CommandCmd,
        Group = "server", Categories = ["slow", "connection"], Subcommands = ["count", "docs", "getkeys", "info", "list", "help"],
    });

    private static readonly (CommandFlags Flag, string Name)[] FlagNames =
    [
        (Write, "write"), (ReadOnly, "readonly"), (DenyOom, "denyoom"), (Admin, "admin"), (PubSub, "pubsub"),
        (NoScript, "noscript"), (Blocking, "blocking"), (Loading, "loading"), (Stale, "stale"), (SkipMonitor, "skip_monitor"), (SkipSlowlog, "skip_slowlog"),
        (Fast, "fast"), (NoAuth, "no_auth"), (MayReplicate, "may_replicate"), (NoMulti, "no_multi"), (AllowBusy, "allow_busy"),
    ];

    private static void CommandCmd(CommandContext ctx)
    {
        var a = ctx.Args;
        var table = ctx.Server.Commands;
        if (a.Count == 1)
        {
            var all = table.All.ToList();
            ctx.Reply.WriteArrayHeader(all.Count);
            foreach (var d in all) WriteInfo(ctx, d);
            return;
        }
        if (a.Is(1, "count"u8) && a.Count == 2)
        {
            ctx.Reply.WriteInteger(table.Count);
            return;
        }
        if (a.Is(1, "list"u8))
        {
            // Every command and subcommand ("config|get"), optionally filtered: FILTERBY MODULE name |
            // ACLCAT category | PATTERN glob (matched without case against the full name).
            Func<CommandDef, string, bool> keep = (_, _) => true;
            if (a.Count == 5 && a.Is(2, "filterby"u8))
            {
                var value = a.GetString(4);
                if (a.Is(3, "module"u8)) keep = (_, _) => false; // no modules here
                else if (a.Is(3, "aclcat"u8)) keep = (d, _) => d.Categories.Contains(value, StringComparer.OrdinalIgnoreCase);
                else if (a.Is(3, "pattern"u8))
                {
                    var pattern = a.ToArray(4);
                    keep = (_, name) => Storage.GlobMatcher.IsMatch(pattern, Encoding.ASCII.GetBytes(name), noCase: true);
                }
                else keep = null!;
            }
            else if (a.Count != 2) keep = null!;
            if (keep is null)
            {
                ctx.Reply.WriteError(Errors.Syntax);
                return;
            }
            var names = new List<string>();
            foreach (var d in table.All)
            {
                if (keep(d, d.Name)) names.Add(d.Name);
                foreach (var sub in d.Subcommands)
                    if (keep(d, d.Name + "|" + sub)) names.Add(d.Name + "|" + sub);
            }
            ctx.Reply.WriteArrayHeader(names.Count);
            foreach (var n in names) ctx.Reply.WriteBulkString(n);
            return;
        }
        if (a.Is(1, "info"u8))
        {
            var defs = a.Count == 2 ? table.All.Select(d => (CommandDef?)d).ToList() : Enumerable.Range(2, a.Count - 2).Select(i => table.Find(a[i])).ToList();
            ctx.Reply.WriteArrayHeader(defs.Count);
            foreach (var d in defs)
            {
                if (d is null) ctx.Reply.WriteNullArray();
                else WriteInfo(ctx, d);
            }
            return;
        }
        if (a.Is(1, "docs"u8))
        {
            var defs = a.Count == 2 ? table.All.ToList() : Enumerable.Range(2, a.Count - 2).Select(i => table.Find(a[i])).Where(d => d is not null).Select(d => d!).ToList();
            ctx.Reply.WriteMapHeader(defs.Count);
            foreach (var d in defs)
            {
                ctx.Reply.WriteBulkString(d.Name);
                ctx.Reply.WriteMapHeader(3);
                ctx.Reply.WriteBulkString("summary");
                ctx.Reply.WriteBulkString(d.Summary);
                ctx.Reply.WriteBulkString("since");
                ctx.Reply.WriteBulkString(d.Since);
                ctx.Reply.WriteBulkString("group");
                ctx.Reply.WriteBulkString(d.Group);
            }
            return;
        }
        if (a.Is(1, "getkeys"u8) && a.Count == 3)
        {
            ctx.Reply.WriteError(Errors.WrongArity("command|getkeys")); // the command needs an argument (Redis: arity -4)
            return;
        }
        if (a.Is(1, "getkeys"u8) && a.Count >= 4)
        {
            var d = table.Find(a[2]);
            if (d is null)
            {
                ctx.Reply.WriteError("ERR Invalid command specified");
                return;
            }
            var n = a.Count - 2;
            if (d.Arity > 0 ? n != d.Arity : n < -d.Arity)
            {
                ctx.Reply.WriteError("ERR Invalid number of arguments specified for command");
                return;
            }
            var sub = new Resp.CommandBuffer();
            for (var i = 2; i < a.Count; i++) sub.Add(a[i]);
            var positions = new List<int>();
            d.GetKeyPositions(sub, positions);
            if (positions.Count == 0)
            {
                ctx.Reply.WriteError("ERR The command has no key arguments");
                return;
            }
            ctx.Reply.WriteArrayHeader(positions.Count);
            foreach (var p in positions) ctx.Reply.WriteBulk(sub[p]);
            return;
        }
        if (a.Is(1, "help"u8) && a.Count == 2)
        {
            string[] lines =
            [
                "COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                "(no subcommand)", "    Return details about all commands.",
                "COUNT", "    Return the total number of commands in this server.",
                "LIST", "    Return a list of all commands in this server.",
                "INFO [<command-name> ...]", "    Return details about multiple commands.",
                "DOCS [<command-name> ...]", "    Return documentation details about multiple commands.",
                "GETKEYS <full-command>", "    Return the keys from a full command.",
                "HELP", "    Print this help.",
            ];
            ctx.Reply.WriteSimpleStrings(lines);
            return;
        }
        ctx.Reply.WriteError(Errors.UnknownSubcommand(a.GetString(1), "COMMAND"));
    }

    private static void WriteInfo(CommandContext ctx, CommandDef d)
    {
        var r = ctx.Reply;
        r.WriteArrayHeader(10);
        r.WriteBulkString(d.Name);
        r.WriteInteger(d.Arity);
        var flags = FlagNames.Where(f => (d.Flags & f.Flag) != 0).Select(f => f.Name).ToList();
        if (d.Keys is not null) flags.Add("movablekeys");
        r.WriteSetHeader(flags.Count);
        foreach (var f in flags) r.WriteSimpleString(f);
        r.WriteInteger(d.FirstKey);
        r.WriteInteger(d.LastKey);
        r.WriteInteger(d.Step);
        r.WriteSetHeader(d.Categories.Length);
        foreach (var c in d.Categories) r.WriteSimpleString("@" + c);
        r.WriteArrayHeader(0); // tips
        r.WriteArrayHeader(0); // key specs
        r.WriteArrayHeader(d.Subcommands.Length);
        foreach (var sub in d.Subcommands)
        {
            r.WriteArrayHeader(10);
            r.WriteBulkString(d.Name + "|" + sub);
            r.WriteInteger(-2);
            r.WriteSetHeader(0);
            r.WriteInteger(0);
            r.WriteInteger(0);
            r.WriteInteger(0);
            r.WriteSetHeader(0);
            r.WriteArrayHeader(0);
            r.WriteArrayHeader(0);
            r.WriteArrayHeader(0);
        }
    }
}
