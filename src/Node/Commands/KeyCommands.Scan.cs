using QuorumCache.Cluster.Slots;
using QuorumCache.Node.Storage;
using static QuorumCache.Node.Commands.CommandFlags;

namespace QuorumCache.Node.Commands;

/// <summary>
/// Commands over the whole keyspace: KEYS, SCAN, RANDOMKEY, DBSIZE, FLUSHDB, FLUSHALL. They visit the
/// slots one at a time, each under its own lock (never a global lock), and see only slots this node serves.
/// SCAN's cursor is the next slot to visit; a slot's keys are returned together, so every key present for
/// the whole scan is returned at least once.
/// </summary>
public static partial class KeyCommands
{
    private static void RegisterScan(CommandTable t)
    {
        t.Add("keys", 2, ReadOnly, 0, 0, 0, Keys, "generic", "keyspace", "read", "slow", "dangerous");
        t.Add("scan", -2, ReadOnly, 0, 0, 0, Scan, "generic", "keyspace", "read", "slow");
        t.Add("randomkey", 1, ReadOnly, 0, 0, 0, RandomKey, "generic", "keyspace", "read", "slow");
        t.Add("dbsize", 1, ReadOnly | Fast, 0, 0, 0, ctx => ctx.Reply.WriteInteger(CountLive(ctx)), "server", "keyspace", "read", "fast");
        t.Add("flushdb", -1, Write, 0, 0, 0, Flush, "server", "keyspace", "write", "slow", "dangerous");
        t.Add("flushall", -1, Write, 0, 0, 0, Flush, "server", "keyspace", "write", "slow", "dangerous");
    }

    private static long CountLive(CommandContext ctx)
    {
        long n = 0;
        foreach (var s in ctx.Keyspace.Slots)
            if (s.Count > 0 && ctx.Server.Router.Route(s.Slot, false, ctx.Session).Kind == Server.RouteKind.Local)
                n += s.Count;
        return n;
    }

    /// <summary>Runs <paramref name="visit"/> on one slot under its lock, with expired keys seen as missing.</summary>
    private static T InSlot<T>(CommandContext ctx, int slot, Func<CommandContext, SlotStore, T> visit)
    {
        var store = ctx.Keyspace[slot];
        var saved = ctx.Slot;
        lock (store.Gate)
        {
            ctx.Slot = store;
            try
            {
                return visit(ctx, store);
            }
            finally
            {
                ctx.Slot = saved;
            }
        }
    }

    private static bool Live(CommandContext ctx, SlotStore s, byte[] key)
    {
        if (!s.HasExpiries) return true;
        var at = s.GetExpiry(key);
        return at < 0 || at > ctx.NowMs;
    }

    private static bool Serves(CommandContext ctx, int slot) =>
        ctx.Server.Router.Route(slot, false, ctx.Session).Kind == Server.RouteKind.Local;

    private static void Keys(CommandContext ctx)
    {
        var pattern = ctx.Args.ToArray(1);
        var all = pattern is [(byte)'*'];
        var found = new List<byte[]>();
        for (var slot = 0; slot < HashSlot.Count; slot++)
        {
            if (ctx.Keyspace[slot].Count == 0 || !Serves(ctx, slot)) continue;
            InSlot(ctx, slot, (c, s) =>
            {
                foreach (var (k, _) in s)
                    if (Live(c, s, k) && (all || GlobMatcher.IsMatch(pattern, k))) found.Add(k);
                return 0;
            });
        }
        ctx.Reply.WriteArrayHeader(found.Count);
        foreach (var k in found) ctx.Reply.WriteBulk(k);
    }

    private static void Scan(CommandContext ctx)
    {
        var a = ctx.Args;
        if (!ulong.TryParse(a.GetString(1), out var cursor) || cursor >= HashSlot.Count)
        {
            ctx.Reply.WriteError("ERR invalid cursor");
            return;
        }
        byte[]? pattern = null;
        string? type = null;
        long count = 10;
        for (var i = 2; i < a.Count; i++)
        {
            if (a.Is(i, "match"u8) && i + 1 < a.Count) pattern = a.ToArray(++i);
            else if (a.Is(i, "count"u8) && i + 1 < a.Count)
            {
                if (!ArgParse.TryInt64(a[++i], out count))
                {
                    ctx.Reply.WriteError(Errors.NotInteger);
                    return;
                }
                if (count < 1)
                {
                    ctx.Reply.WriteError(Errors.Syntax);
                    return;
                }
            }
            else if (a.Is(i, "type"u8) && i + 1 < a.Count) type = a.GetString(++i).ToLowerInvariant();
            else
            {
                ctx.Reply.WriteError(Errors.Syntax);
                return;
            }
        }
        var found = new List<byte[]>();
        var slot = (int)cursor;
        for (; slot < HashSlot.Count && found.Count < count; slot++)
        {
            if (ctx.Keyspace[slot].Count == 0 || !Serves(ctx, slot)) continue;
            InSlot(ctx, slot, (c, s) =>
            {
                foreach (var (k, v) in s)
                {
                    if (!Live(c, s, k)) continue;
                    if (pattern is not null && !GlobMatcher.IsMatch(pattern, k)) continue;
                    if (type is not null && ValueInfo.TypeName(v) != type) continue;
                    found.Add(k);
                }
                return 0;
            });
        }
        var next = slot >= HashSlot.Count ? 0 : slot;
        ctx.Reply.WriteArrayHeader(2);
        ctx.Reply.WriteBulkString(next.ToString());
        ctx.Reply.WriteArrayHeader(found.Count);
        foreach (var k in found) ctx.Reply.WriteBulk(k);
    }

    private static void RandomKey(CommandContext ctx)
    {
        var start = Random.Shared.Next(HashSlot.Count);
        for (var i = 0; i < HashSlot.Count; i++)
        {
            var slot = (start + i) % HashSlot.Count;
            var store = ctx.Keyspace[slot];
            if (store.Count == 0 || !Serves(ctx, slot)) continue;
            var key = InSlot(ctx, slot, (c, s) =>
            {
                for (var attempt = 0; attempt < 8 && s.Count > 0; attempt++)
                {
                    var k = s.KeyAt(Random.Shared.Next(s.Count));
                    if (k is not null && Live(c, s, k)) return k;
                }
                foreach (var (k, _) in s)
                    if (Live(c, s, k)) return k;
                return null;
            });
            if (key is not null)
            {
                ctx.Reply.WriteBulk(key);
                return;
            }
        }
        ctx.Reply.WriteNull();
    }

    private static void Flush(CommandContext ctx)
    {
        var a = ctx.Args;
        if (a.Count > 2 || (a.Count == 2 && !a.Is(1, "async"u8) && !a.Is(1, "sync"u8)))
        {
            ctx.Reply.WriteError(Errors.Syntax);
            return;
        }
        for (var slot = 0; slot < HashSlot.Count; slot++)
        {
            var store = ctx.Keyspace[slot];
            if (store.Count == 0 || !Serves(ctx, slot)) continue;
            ctx.Server.Internal.WithSlot(slot, skipIfPaused: true, work: c =>
            {
                var keys = new List<byte[]>(c.Slot!.Count);
                foreach (var (k, _) in c.Slot) keys.Add(k);
                foreach (var k in keys)
                {
                    // Deleting a live key breaks the WATCHes on it; as in Redis, a watched key that did
                    // not exist is not touched by the flush and its transaction goes on.
                    if (!c.Delete(k)) continue;
                    if (c.BeginEffect(2) is { } e)
                    {
                        e.WriteBulk("DEL"u8);
                        e.WriteBulk(k);
                        c.EndEffect();
                    }
                }
                return 0;
            });
        }
        ctx.Reply.WriteOk();
    }
}
