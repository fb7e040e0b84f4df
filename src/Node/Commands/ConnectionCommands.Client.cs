using QuorumCache.Node.Storage;
using System.Text;
using QuorumCache.Node.Server;

namespace QuorumCache.Node.Commands;

/// <summary>CLIENT ID, SETNAME, GETNAME, LIST, INFO, SETINFO, NO-EVICT, NO-TOUCH, KILL, REPLY, HELP.</summary>
public static partial class ConnectionCommands
{
    private static void Client(CommandContext ctx)
    {
        var a = ctx.Args;
        var s = ctx.Session;
        var sub = a.GetString(1).ToLowerInvariant();
        switch (sub)
        {
            case "id" when a.Count == 2:
                ctx.Reply.WriteInteger(s.Id);
                return;
            case "getname" when a.Count == 2:
                if (s.Name is null) ctx.Reply.WriteNull();
                else ctx.Reply.WriteBulkString(s.Name);
                return;
            case "setname" when a.Count == 3:
            {
                var name = a.GetString(2);
                if (!ValidName(name))
                {
                    ctx.Reply.WriteError("ERR Client names cannot contain spaces, newlines or special characters.");
                    return;
                }
                s.Name = name.Length == 0 ? null : name;
                ctx.Reply.WriteOk();
                return;
            }
            case "setinfo" when a.Count == 4:
            {
                var attr = a.GetString(2).ToLowerInvariant();
                var value = a.GetString(3);
                if (!ValidName(value) && value.Length > 0)
                {
                    ctx.Reply.WriteError($"ERR {attr} cannot contain spaces, newlines or special characters.");
                    return;
                }
                if (attr == "lib-name") s.LibName = value;
                else if (attr == "lib-ver") s.LibVersion = value;
                else
                {
                    ctx.Reply.WriteError($"ERR Unrecognized option '{a.GetString(2)}'");
                    return;
                }
                ctx.Reply.WriteOk();
                return;
            }
            case "list":
            {
                IEnumerable<ClientSession> clients = ctx.Server.Clients.All;
                if (a.Count == 4 && a.Is(2, "id"u8))
                {
                    var ids = a.GetString(3).Split(' ').Select(x => long.TryParse(x, out var v) ? v : -1).ToHashSet();
                    clients = clients.Where(c => ids.Contains(c.Id));
                }
                else if (a.Count == 4 && a.Is(2, "type"u8))
                {
                    var type = a.GetString(3).ToLowerInvariant();
                    if (type is not ("normal" or "pubsub" or "master" or "replica" or "slave"))
                    {
                        ctx.Reply.WriteError($"ERR Unknown client type '{a.GetString(3)}'");
                        return;
                    }
                    clients = clients.Where(c => type == "pubsub" ? c.SubscriptionCount > 0 : type == "normal" && c.SubscriptionCount == 0);
                }
                else if (a.Count != 2)
                {
                    ctx.Reply.WriteError(Errors.Syntax);
                    return;
                }
                var now = ctx.Server.Clock.GetUtcNow();
                var sb = new StringBuilder();
                foreach (var c in clients) sb.Append(Describe(c, now)).Append('\n');
                ctx.Reply.WriteVerbatim("txt", Encoding.UTF8.GetBytes(sb.ToString()));
                return;
            }
            case "info" when a.Count == 2:
                ctx.Reply.WriteVerbatim("txt", Encoding.UTF8.GetBytes(Describe(s, ctx.Server.Clock.GetUtcNow()) + "\n"));
                return;
            case "no-evict" or "no-touch" when a.Count == 3:
                if (a.Is(2, "on"u8) || a.Is(2, "off"u8))
                {
                    if (sub == "no-evict") s.NoEvict = a.Is(2, "on"u8);
                    ctx.Reply.WriteOk();
                }
                else ctx.Reply.WriteError(Errors.Syntax);
                return;
            case "reply" when a.Count == 3:
                if (a.Is(2, "on"u8))
                {
                    s.ReplyMode = Server.ReplyMode.On;
                    s.ResumeReplies();
                    ctx.Reply.WriteOk();
                }
                else if (a.Is(2, "off"u8)) s.ReplyMode = Server.ReplyMode.Off;
                else if (a.Is(2, "skip"u8))
                {
                    if (s.ReplyMode != Server.ReplyMode.Off) s.ReplyMode = Server.ReplyMode.SkipNext;
                }
                else ctx.Reply.WriteError(Errors.Syntax);
                return;
            case "unblock" when a.Count is 3 or 4:
                Unblock(ctx);
                return;
            case "kill":
                Kill(ctx);
                return;
            case "help" when a.Count == 2:
                string[] lines =
                [
                    "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                    "GETNAME", "    Return the name of the current connection.",
                    "ID", "    Return the ID of the current connection.",
                    "INFO", "    Return information about the current client connection.",
                    "KILL <ip:port>|ID <id>|ADDR <ip:port>|LADDR <ip:port>", "    Kill connections.",
                    "LIST [TYPE <normal|pubsub>] [ID <id> [<id>...]]", "    Return information about client connections.",
                    "NO-EVICT (ON|OFF)", "    Protect the current client connection from eviction.",
                    "SETINFO <LIB-NAME|LIB-VER> <value>", "    Set client library name or version.",
                    "REPLY (ON|OFF|SKIP)", "    Control the replies sent to the current connection.",
                    "SETNAME <name>", "    Assign the name <name> to the current connection.",
                    "UNBLOCK <clientid> [TIMEOUT|ERROR]", "    Unblock the specified blocked client.",
                    "HELP", "    Print this help.",
                ];
                ctx.Reply.WriteSimpleStrings(lines);
                return;
        }
        ctx.Reply.WriteError(Errors.UnknownSubcommand(a.GetString(1), "CLIENT"));
    }

    private static void Unblock(CommandContext ctx)
    {
        var a = ctx.Args;
        if (!ArgParse.TryInt64(a[2], out var id))
        {
            ctx.Reply.WriteError(Errors.NotInteger);
            return;
        }
        var error = false;
        if (a.Count == 4)
        {
            if (a.Is(3, "error"u8)) error = true;
            else if (!a.Is(3, "timeout"u8))
            {
                ctx.Reply.WriteError("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
                return;
            }
        }
        var unblocked = false;
        foreach (var c in ctx.Server.Clients.All)
            if (c.Id == id && c.PendingBlock is Server.Blocking.BlockedClient bc)
                unblocked = Server.Blocking.BlockingHub.Unblock(bc, error);
        ctx.Reply.WriteInteger(unblocked ? 1 : 0);
    }

    private static void Kill(CommandContext ctx)
    {
        var a = ctx.Args;
        var all = ctx.Server.Clients.All.ToList();
        List<ClientSession> victims;
        if (a.Count == 3)
        {
            victims = all.Where(c => c.Address == a.GetString(2)).ToList();
            if (victims.Count == 0)
            {
                ctx.Reply.WriteError("ERR No such client");
                return;
            }
            Close(victims, ctx.Session);
            ctx.Reply.WriteOk();
            return;
        }
        if ((a.Count - 2) % 2 != 0)
        {
            ctx.Reply.WriteError(Errors.Syntax);
            return;
        }
        IEnumerable<ClientSession> q = all;
        var skipMe = true;
        for (var i = 2; i < a.Count; i += 2)
        {
            var v = a.GetString(i + 1);
            if (a.Is(i, "id"u8))
            {
                if (!long.TryParse(v, out var id))
                {
                    ctx.Reply.WriteError("ERR client-id should be greater than 0");
                    return;
                }
                q = q.Where(c => c.Id == id);
                skipMe = false;
            }
            else if (a.Is(i, "addr"u8)) q = q.Where(c => c.Address == v);
            else if (a.Is(i, "laddr"u8)) q = q.Where(c => c.LocalAddress == v);
            else if (a.Is(i, "skipme"u8)) skipMe = v == "yes";
            else
            {
                ctx.Reply.WriteError(Errors.Syntax);
                return;
            }
        }
        victims = q.Where(c => !(skipMe && c == ctx.Session)).ToList();
        Close(victims, ctx.Session);
        ctx.Reply.WriteInteger(victims.Count);
    }

    private static void Close(List<ClientSession> victims, ClientSession me)
    {
        foreach (var v in victims)
        {
            if (v == me) v.CloseRequested = true; // after this reply
            else v.Abort?.Invoke();
        }
    }
}
