using QuorumCache.Node.Storage;
using System.Text;
using QuorumCache.Node.Server;
using static QuorumCache.Node.Commands.CommandFlags;

namespace QuorumCache.Node.Commands;

/// <summary>HELLO, AUTH, PING, ECHO, SELECT, QUIT, RESET, READONLY/READWRITE/ASKING and CLIENT.</summary>
public static partial class ConnectionCommands
{
    public const string ServerVersion = "7.2.4";

    public static void Register(CommandTable t)
    {
        t.Add("hello", -1, NoScript | Loading | Stale | Fast | NoAuth | AllowBusy | RedactArgs, 0, 0, 0, Hello, "connection", "fast", "connection");
        t.Add("auth", -2, NoScript | Loading | Stale | Fast | NoAuth | AllowBusy | RedactArgs, 0, 0, 0, Auth, "connection", "fast", "connection");
        t.Add("ping", -1, Fast | SubscriberOk, 0, 0, 0, Ping, "connection", "fast", "connection");
        t.Add("echo", 2, Fast, 0, 0, 0, ctx => ctx.Reply.WriteBulk(ctx.Args[1]), "connection", "fast", "connection");
        t.Add("select", 2, Loading | Stale | Fast, 0, 0, 0, Select, "connection", "fast", "connection");
        t.Add("quit", -1, NoScript | Loading | Stale | Fast | NoAuth | AllowBusy | TxControl | SubscriberOk, 0, 0, 0, Quit, "connection", "fast", "connection");
        t.Add("reset", 1, NoScript | Loading | Stale | Fast | NoAuth | AllowBusy | TxControl | SubscriberOk, 0, 0, 0, Reset, "connection", "fast", "connection");
        t.Add("readonly", 1, Loading | Stale | Fast, 0, 0, 0, ctx => { ctx.Session.ReadOnlyMode = true; ctx.Reply.WriteOk(); }, "cluster", "fast", "connection");
        t.Add("readwrite", 1, Loading | Stale | Fast, 0, 0, 0, ctx => { ctx.Session.ReadOnlyMode = false; ctx.Reply.WriteOk(); }, "cluster", "fast", "connection");
        t.Add("asking", 1, Fast, 0, 0, 0, ctx => { ctx.Session.Asking = true; ctx.Reply.WriteOk(); }, "cluster", "fast", "connection");
        t.Add(new CommandDef
        {
            Name = "client", Arity = -2, Flags = NoScript | Loading | Stale, FirstKey = 0, LastKey = 0, Step = 0, Handler = Client,
            Group = "connection", Categories = ["slow", "connection"],
            Subcommands = ["getname", "help", "id", "info", "kill", "list", "no-evict", "no-touch", "reply", "setinfo", "setname", "unblock"],
        });
    }

    private static void Hello(CommandContext ctx)
    {
        var a = ctx.Args;
        var s = ctx.Session;
        var proto = s.Protocol;
        var i = 1;
        if (a.Count > 1)
        {
            if (!ArgParse.TryInt64(a[1], out var v))
            {
                ctx.Reply.WriteError("ERR Protocol version is not an integer or out of range");
                return;
            }
            if (v is < 2 or > 3)
            {
                ctx.Reply.WriteError("NOPROTO unsupported protocol version");
                return;
            }
            proto = (int)v;
            i = 2;
        }
        string? setName = null;
        for (; i < a.Count; i++)
        {
            if (a.Is(i, "auth"u8) && i + 2 < a.Count)
            {
                if (!CheckPassword(ctx, a.GetString(i + 1), a.GetString(i + 2))) return;
                i += 2;
            }
            else if (a.Is(i, "setname"u8) && i + 1 < a.Count)
            {
                setName = a.GetString(++i);
                if (!ValidName(setName))
                {
                    ctx.Reply.WriteError("ERR Client names cannot contain spaces, newlines or special characters.");
                    return;
                }
            }
            else
            {
                ctx.Reply.WriteError($"ERR Syntax error in HELLO option '{a.GetString(i)}'");
                return;
            }
        }
        if (!s.Authenticated)
        {
            ctx.Reply.WriteError("NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time");
            return;
        }
        if (setName is not null) s.Name = setName.Length == 0 ? null : setName;
        s.Writer.Protocol = proto;
        var r = ctx.Reply;
        r.WriteMapHeader(7);
        r.WriteBulkString("server");
        r.WriteBulkString("redis");
        r.WriteBulkString("version");
        r.WriteBulkString(ServerVersion);
        r.WriteBulkString("proto");
        r.WriteInteger(proto);
        r.WriteBulkString("id");
        r.WriteInteger(s.Id);
        r.WriteBulkString("mode");
        r.WriteBulkString("cluster");
        r.WriteBulkString("role");
        r.WriteBulkString("master");
        r.WriteBulkString("modules");
        r.WriteArrayHeader(0);
    }

    private static bool CheckPassword(CommandContext ctx, string user, string pass)
    {
        var required = ctx.Server.Options.RequirePass;
        if (string.IsNullOrEmpty(required))
        {
            if (user == "default")
            {
                // Redis accepts any password for the default user when none is configured (AUTH default x is OK).
                ctx.Session.Authenticated = true;
                return true;
            }
            ctx.Reply.WriteError(Errors.WrongPass);
            return false;
        }
        if (user == "default" && pass == required)
        {
            ctx.Session.Authenticated = true;
            return true;
        }
        ctx.Reply.WriteError(Errors.WrongPass);
        return false;
    }

    private static void Auth(CommandContext ctx)
    {
        var a = ctx.Args;
        if (a.Count > 3)
        {
            ctx.Reply.WriteError(Errors.Syntax);
            return;
        }
        if (a.Count == 2 && string.IsNullOrEmpty(ctx.Server.Options.RequirePass))
        {
            ctx.Reply.WriteError(Errors.NoAuthSet);
            return;
        }
        var user = a.Count == 3 ? a.GetString(1) : "default";
        var pass = a.GetString(a.Count - 1);
        if (CheckPassword(ctx, user, pass)) ctx.Reply.WriteOk();
    }

    private static void Ping(CommandContext ctx)
    {
        var a = ctx.Args;
        if (a.Count > 2)
        {
            ctx.Reply.WriteError(Errors.WrongArity("ping"));
            return;
        }
        if (ctx.Session.InSubscriberMode)
        {
            // In RESP2 subscriber mode PING answers with a "pong" message array.
            ctx.Reply.WriteArrayHeader(2);
            ctx.Reply.WriteBulk("pong"u8);
            ctx.Reply.WriteBulk(a.Count == 2 ? a[1] : []);
            return;
        }
        if (a.Count == 2) ctx.Reply.WriteBulk(a[1]);
        else ctx.Reply.WriteSimpleString("PONG"u8);
    }

    private static void Select(CommandContext ctx)
    {
        if (!ArgParse.TryInt64(ctx.Args[1], out var db))
        {
            ctx.Reply.WriteError(Errors.NotInteger);
            return;
        }
        if (db != 0) ctx.Reply.WriteError(Errors.SelectCluster);
        else ctx.Reply.WriteOk();
    }

    private static void Quit(CommandContext ctx)
    {
        ctx.Reply.WriteOk();
        ctx.Session.CloseRequested = true;
    }

    private static void Reset(CommandContext ctx)
    {
        var s = ctx.Session;
        TransactionCommands.Reset(s);
        s.Server.ResetClient(s);
        s.Name = null;
        s.ReadOnlyMode = false;
        s.Asking = false;
        s.NoEvict = false;
        s.Writer.Protocol = 2;
        s.Authenticated = !s.Server.RequiresPassword;
        ctx.Reply.WriteSimpleString("RESET"u8);
    }

    internal static bool ValidName(string name)
    {
        foreach (var c in name)
            if (c < '!' || c > '~') return false;
        return true;
    }

    internal static string Describe(ClientSession c, DateTimeOffset now)
    {
        var sb = new StringBuilder();
        sb.Append("id=").Append(c.Id)
          .Append(" addr=").Append(c.Address)
          .Append(" laddr=").Append(c.LocalAddress)
          .Append(" fd=8 name=").Append(c.Name ?? "")
          .Append(" age=").Append((long)(now - c.CreatedAt).TotalSeconds)
          .Append(" idle=").Append((long)(now - c.LastInteraction).TotalSeconds)
          .Append(" flags=").Append(c.FlagsText)
          .Append(" db=0 sub=").Append(c.Channels.Count)
          .Append(" psub=").Append(c.Patterns.Count)
          .Append(" ssub=").Append(c.ShardChannels.Count)
          .Append(" multi=").Append(c.InMulti ? c.MultiQueue.Count : -1)
          .Append(" qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 rbs=0 rbp=0 obl=0 oll=0 omem=0 tot-mem=0 events=r")
          .Append(" cmd=").Append(c.LastCommandName)
          .Append(" user=default redir=-1 resp=").Append(c.Protocol)
          .Append(" lib-name=").Append(c.LibName ?? "")
          .Append(" lib-ver=").Append(c.LibVersion ?? "");
        return sb.ToString();
    }
}
