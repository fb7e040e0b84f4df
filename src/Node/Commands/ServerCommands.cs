using System.Text;
using static QuorumCache.Node.Commands.CommandFlags;

namespace QuorumCache.Node.Commands;

/// <summary>INFO, TIME, LASTSAVE, SHUTDOWN, MEMORY USAGE. CONFIG and COMMAND live in their own files.</summary>
public static partial class ServerCommands
{
    public static void Register(CommandTable t)
    {
        t.Add("info", -1, Loading | Stale, 0, 0, 0, ctx => ctx.Reply.WriteVerbatim("txt", Encoding.UTF8.GetBytes(InfoBuilder.Build(ctx)))
            , "server", "slow", "dangerous");
        t.Add("time", 1, Loading | Stale | Fast, 0, 0, 0, Time, "server", "fast");
        t.Add("lastsave", 1, Loading | Stale | Fast, 0, 0, 0, ctx => ctx.Reply.WriteInteger(ctx.Server.LastSave.ToUnixTimeSeconds()), "server", "fast", "dangerous");
        t.Add("shutdown", -1, Admin | NoScript | Loading | Stale | NoMulti | AllowBusy, 0, 0, 0, Shutdown, "server", "admin", "slow", "dangerous");
        t.Add(new CommandDef
        {
            Name = "memory", Arity = -2, Flags = ReadOnly, FirstKey = 2, LastKey = 2, Step = 1, Handler = Memory, NoKeyMissEvents = true,
            Group = "server", Categories = ["read", "slow"], Subcommands = ["usage", "help"],
        });
        RegisterConfig(t);
        RegisterCommand(t);
        RegisterSlowLog(t);
    }

    private static void Time(CommandContext ctx)
    {
        var now = ctx.Server.Clock.GetUtcNow();
        var micros = (now - DateTimeOffset.UnixEpoch).Ticks / 10;
        ctx.Reply.WriteArrayHeader(2);
        ctx.Reply.WriteBulkInteger(micros / 1_000_000);
        ctx.Reply.WriteBulkInteger(micros % 1_000_000);
    }

    private static void Shutdown(CommandContext ctx)
    {
        var a = ctx.Args;
        for (var i = 1; i < a.Count; i++)
        {
            if (!(a.Is(i, "nosave"u8) || a.Is(i, "save"u8) || a.Is(i, "now"u8) || a.Is(i, "force"u8) || a.Is(i, "abort"u8)))
            {
                ctx.Reply.WriteError(Errors.Syntax);
                return;
            }
            if (a.Is(i, "abort"u8))
            {
                ctx.Reply.WriteError("ERR No shutdown in progress.");
                return;
            }
        }
        // Like Redis, a successful SHUTDOWN sends no reply: the connection closes when the process exits.
        ctx.Session.CloseRequested = true;
        ctx.Server.RequestShutdown();
    }

    private static void Memory(CommandContext ctx)
    {
        var a = ctx.Args;
        if (a.Is(1, "usage"u8) && (a.Count == 3 || (a.Count == 5 && a.Is(3, "samples"u8))))
        {
            var v = ctx.Get(a[2]);
            if (v is null) ctx.Reply.WriteNull();
            else ctx.Reply.WriteInteger(Storage.ValueInfo.MemoryUsage(a[2], v));
            return;
        }
        if (a.Is(1, "help"u8) && a.Count == 2)
        {
            string[] lines =
            [
                "MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                "USAGE <key> [SAMPLES <count>]",
                "    Return memory in bytes used by <key> and its value. Nested values are",
                "    sampled up to <count> times (default: 5, 0 means sample all).",
                "HELP",
                "    Print this help.",
            ];
            ctx.Reply.WriteSimpleStrings(lines);
            return;
        }
        ctx.Reply.WriteError(Errors.UnknownSubcommand(a.GetString(1), "MEMORY"));
    }
}
