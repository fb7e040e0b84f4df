using QuorumCache.Node.Notifications;
using QuorumCache.Node.Storage;
using static QuorumCache.Node.Commands.CommandFlags;

namespace QuorumCache.Node.Commands;

/// <summary>Generic key commands: DEL, EXISTS, TYPE, RENAME, COPY, TOUCH, OBJECT. Expiry is in KeyCommands.Expire.cs.</summary>
public static partial class KeyCommands
{
    public static void Register(CommandTable t)
    {
        t.Add("del", -2, Write, 1, -1, 1, Del, "generic", "keyspace", "write", "slow");
        t.Add("unlink", -2, Write | Fast, 1, -1, 1, Del, "generic", "keyspace", "write", "fast");
        t.Add("exists", -2, ReadOnly | Fast, 1, -1, 1, Exists, "generic", "keyspace", "read", "fast");
        t.Add("touch", -2, ReadOnly | Fast, 1, -1, 1, Exists, "generic", "keyspace", "read", "fast");
        t.Add("type", 2, ReadOnly | Fast, 1, 1, 1, TypeOf, "generic", "keyspace", "read", "fast");
        t.Add("rename", 3, Write, 1, 2, 1, ctx => Rename(ctx, nx: false), "generic", "keyspace", "write", "slow");
        t.Add("renamenx", 3, Write | Fast, 1, 2, 1, ctx => Rename(ctx, nx: true), "generic", "keyspace", "write", "fast");
        t.Add("copy", -3, Write | DenyOom, 1, 2, 1, Copy, "generic", "keyspace", "write", "slow");
        t.Add(new CommandDef
        {
            Name = "object", Arity = -2, Flags = ReadOnly, FirstKey = 2, LastKey = 2, Step = 1, Handler = ObjectCmd, NoKeyMissEvents = true,
            Group = "generic", Categories = ["keyspace", "read", "slow"], Subcommands = ["encoding", "freq", "help", "idletime", "refcount"],
        });
        RegisterExpire(t);
        RegisterScan(t);
    }

    private static void Del(CommandContext ctx)
    {
        var n = 0;
        for (var i = 1; i < ctx.Args.Count; i++)
            if (ctx.Delete(ctx.Args[i]))
            {
                ctx.Notify(KeyspaceEvents.Generic, "del"u8, ctx.Args[i]);
                n++;
            }
        ctx.Reply.WriteInteger(n);
    }

    private static void Exists(CommandContext ctx)
    {
        var n = 0;
        for (var i = 1; i < ctx.Args.Count; i++)
            if (ctx.Exists(ctx.Args[i])) n++;
        ctx.Reply.WriteInteger(n);
    }

    private static void TypeOf(CommandContext ctx)
    {
        var v = ctx.Get(ctx.Args[1]);
        ctx.Reply.WriteSimpleString(v is null ? "none" : ValueInfo.TypeName(v));
    }

    private static void Rename(CommandContext ctx, bool nx)
    {
        var src = ctx.Args[1];
        var dst = ctx.Args[2];
        var value = ctx.Get(src);
        if (value is null)
        {
            ctx.Reply.WriteError(Errors.NoSuchKey);
            return;
        }
        if (src.SequenceEqual(dst))
        {
            if (nx) ctx.Reply.WriteInteger(0);
            else ctx.Reply.WriteOk();
            return;
        }
        if (nx && ctx.Exists(dst))
        {
            ctx.Reply.WriteInteger(0);
            return;
        }
        var expiry = ctx.GetExpiry(src);
        ctx.Delete(src);
        ctx.Delete(dst);
        ctx.SetValue(dst, value);
        if (expiry >= 0) ctx.SetExpiry(dst, expiry);
        ctx.Notify(KeyspaceEvents.Generic, "rename_from"u8, src);
        ctx.Notify(KeyspaceEvents.Generic, "rename_to"u8, dst);
        if (nx) ctx.Reply.WriteInteger(1);
        else ctx.Reply.WriteOk();
    }

    private static void Copy(CommandContext ctx)
    {
        var a = ctx.Args;
        var replace = false;
        for (var i = 3; i < a.Count; i++)
        {
            if (a.Is(i, "replace"u8)) replace = true;
            else if (a.Is(i, "db"u8) && i + 1 < a.Count)
            {
                if (!ArgParse.TryInt64(a[++i], out var db))
                {
                    ctx.Reply.WriteError(Errors.NotInteger);
                    return;
                }
                if (db != 0)
                {
                    ctx.Reply.WriteError("ERR Copying to another database is not allowed in cluster mode");
                    return;
                }
            }
            else
            {
                ctx.Reply.WriteError(Errors.Syntax);
                return;
            }
        }
        if (a[1].SequenceEqual(a[2]))
        {
            ctx.Reply.WriteError("ERR source and destination objects are the same");
            return;
        }
        var value = ctx.Get(a[1]);
        if (value is null) ctx.NotifyKeyMiss(a[1]);
        if (value is null || (!replace && ctx.Exists(a[2])))
        {
            ctx.Reply.WriteInteger(0);
            return;
        }
        var expiry = ctx.GetExpiry(a[1]);
        ctx.Delete(a[2]);
        ctx.SetValue(a[2], ValueInfo.Clone(value));
        if (expiry >= 0) ctx.SetExpiry(a[2], expiry);
        ctx.Notify(KeyspaceEvents.Generic, "copy_to"u8, a[2]);
        ctx.Reply.WriteInteger(1);
    }

    private static void ObjectCmd(CommandContext ctx)
    {
        var a = ctx.Args;
        if (a.Is(1, "help"u8) && a.Count == 2)
        {
            string[] lines =
            [
                "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                "ENCODING <key>",
                "    Return the kind of internal representation used in order to store the value",
                "    associated with a <key>.",
                "FREQ <key>",
                "    Return the access frequency index of the <key>. The returned integer is",
                "    proportional to the logarithm of the recent access frequency of the key.",
                "IDLETIME <key>",
                "    Return the idle time of the <key>, that is the approximated number of",
                "    seconds elapsed since the last access to the key.",
                "REFCOUNT <key>",
                "    Return the number of references of the value associated with the specified",
                "    <key>.",
                "HELP",
                "    Print this help.",
            ];
            ctx.Reply.WriteSimpleStrings(lines);
            return;
        }
        var known = a.Is(1, "encoding"u8) || a.Is(1, "refcount"u8) || a.Is(1, "idletime"u8) || a.Is(1, "freq"u8);
        if (!known || a.Count != 3)
        {
            ctx.Reply.WriteError(Errors.UnknownSubcommand(a.GetString(1), "OBJECT"));
            return;
        }
        var v = ctx.Get(a[2]);
        if (v is null)
        {
            ctx.Reply.WriteNull();
            return;
        }
        if (a.Is(1, "encoding"u8)) ctx.Reply.WriteBulkString(ValueInfo.EncodingName(v));
        else if (a.Is(1, "refcount"u8)) ctx.Reply.WriteInteger(1);
        else if (a.Is(1, "idletime"u8)) ctx.Reply.WriteInteger(0); // access times are not tracked (no eviction policy uses them)
        else ctx.Reply.WriteError("ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.");
    }
}
