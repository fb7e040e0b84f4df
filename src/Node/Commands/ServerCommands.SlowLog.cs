using QuorumCache.Node.Storage;
using static QuorumCache.Node.Commands.CommandFlags;

namespace QuorumCache.Node.Commands;

/// <summary>SLOWLOG GET/LEN/RESET/HELP over the node's <see cref="Server.SlowLog"/>.</summary>
public static partial class ServerCommands
{
    private static void RegisterSlowLog(CommandTable t) => t.Add(new CommandDef
    {
        Name = "slowlog", Arity = -2, Flags = Admin | Loading | Stale, Handler = SlowLog,
        Group = "server", Categories = ["admin", "slow", "dangerous"], Subcommands = ["get", "len", "reset", "help"],
    });

    private static void SlowLog(CommandContext ctx)
    {
        var a = ctx.Args;
        var log = ctx.Server.SlowLog;
        if (a.Is(1, "get"u8) && a.Count is 2 or 3)
        {
            long count = 10;
            if (a.Count == 3 && (!ArgParse.TryInt64(a[2], out count) || count < -1))
            {
                ctx.Reply.WriteError("ERR count should be greater than or equal to -1");
                return;
            }
            var entries = log.Newest(count);
            var w = ctx.Reply;
            w.WriteArrayHeader(entries.Count);
            foreach (var e in entries)
            {
                w.WriteArrayHeader(6);
                w.WriteInteger(e.Id);
                w.WriteInteger(e.UnixSeconds);
                w.WriteInteger(e.Micros);
                w.WriteArrayHeader(e.Args.Length);
                foreach (var arg in e.Args) w.WriteBulk(arg);
                w.WriteBulkString(e.Client);
                w.WriteBulkString(e.ClientName);
            }
            return;
        }
        if (a.Is(1, "len"u8) && a.Count == 2)
        {
            ctx.Reply.WriteInteger(log.Count);
            return;
        }
        if (a.Is(1, "reset"u8) && a.Count == 2)
        {
            log.Reset();
            ctx.Reply.WriteOk();
            return;
        }
        if (a.Is(1, "help"u8) && a.Count == 2)
        {
            string[] lines =
            [
                "SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                "GET [<count>]",
                "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
                "    Entries are made of:",
                "    id, timestamp, time in microseconds, arguments array, client IP and port,",
                "    client name",
                "LEN",
                "    Return the length of the slowlog.",
                "RESET",
                "    Reset the slowlog.",
                "HELP",
                "    Prints this help.",
            ];
            ctx.Reply.WriteSimpleStrings(lines);
            return;
        }
        ctx.Reply.WriteError(Errors.UnknownSubcommand(a.GetString(1), "SLOWLOG"));
    }
}
