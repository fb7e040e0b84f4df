using QuorumCache.Node.Storage;
using QuorumCache.Node.Storage.Types;

namespace QuorumCache.Node.Commands.Hashes;

/// <summary>HRANDFIELD and HSCAN: read-only, so their randomness needs no effect.</summary>
public static partial class HashCommands
{
    private static void HRandField(CommandContext ctx)
    {
        var a = ctx.Args;
        if (a.Count == 2)
        {
            if (!ctx.TryGet<RedisHash>(a[1], out var single)) return;
            if (single is null) ctx.Reply.WriteNull();
            else ctx.Reply.WriteBulk(single.RandomEntry(Random.Shared).Field);
            return;
        }
        if (!CollectionScan.TryRandomCount(ctx, 2, out var count)) return;
        var withValues = false;
        if (a.Count > 4 || (a.Count == 4 && !a.Is(3, "withvalues"u8)))
        {
            ctx.Reply.WriteError(Errors.Syntax);
            return;
        }
        if (a.Count == 4)
        {
            withValues = true;
            if (count < -long.MaxValue / 2 || count > long.MaxValue / 2)
            {
                ctx.Reply.WriteError("ERR value is out of range");
                return;
            }
        }
        if (!ctx.TryGet<RedisHash>(a[1], out var h)) return;
        if (h is null || count == 0)
        {
            ctx.Reply.WriteArrayHeader(0);
            return;
        }
        if (count < 0)
        {
            if (-count > CollectionScan.MaxRepeatedSamples)
            {
                ctx.Reply.WriteError("ERR value is out of range");
                return;
            }
            WriteHeader(ctx, (int)-count, withValues);
            for (var i = 0; i < -count; i++)
            {
                var (f, v) = h.RandomEntry(Random.Shared);
                WriteEntry(ctx, f, v, withValues);
            }
            return;
        }
        if (count >= h.Count)
        {
            WriteHeader(ctx, h.Count, withValues);
            var e = h.GetEnumerator();
            while (e.MoveNext()) WriteEntry(ctx, e.Field, e.Value, withValues);
            return;
        }
        var n = (int)count;
        WriteHeader(ctx, n, withValues);
        if (h.IsPacked || count * 3 > h.Count)
        {
            // Many of them: shuffle the first n of a copy of all entries.
            var all = new List<(byte[] Field, byte[] Value)>(h.Count);
            var e = h.GetEnumerator();
            while (e.MoveNext()) all.Add((e.Field.ToArray(), e.Value.ToArray()));
            for (var i = 0; i < n; i++)
            {
                var j = Random.Shared.Next(i, all.Count);
                (all[i], all[j]) = (all[j], all[i]);
                WriteEntry(ctx, all[i].Field, all[i].Value, withValues);
            }
            return;
        }
        // Few of a large hash: draw until n distinct fields came up.
        var picked = new HashSet<byte[]>(KeyComparer.Instance);
        while (picked.Count < n)
        {
            var (f, v) = h.RandomEntry(Random.Shared);
            if (picked.Add(f)) WriteEntry(ctx, f, v, withValues);
        }
    }

    private static void WriteHeader(CommandContext ctx, int count, bool withValues) =>
        ctx.Reply.WriteArrayHeader(withValues && !ctx.Reply.IsResp3 ? count * 2 : count);

    /// <summary>A field, or a field and its value: a flat pair in RESP2, a nested pair in RESP3 (Redis 7).</summary>
    private static void WriteEntry(CommandContext ctx, ReadOnlySpan<byte> field, ReadOnlySpan<byte> value, bool withValues)
    {
        if (withValues && ctx.Reply.IsResp3) ctx.Reply.WriteArrayHeader(2);
        ctx.Reply.WriteBulk(field);
        if (withValues) ctx.Reply.WriteBulk(value);
    }

    private static void HScan(CommandContext ctx)
    {
        if (!CollectionScan.TryCursor(ctx, out var cursor)) return;
        if (!ctx.TryGet<RedisHash>(ctx.Args[1], out var h)) return;
        if (h is null)
        {
            CollectionScan.WriteEmpty(ctx);
            return;
        }
        if (!CollectionScan.TryOptions(ctx, out var pattern, out var count)) return;
        var found = new List<(byte[] Field, byte[] Value)>();
        var next = h.Scan(cursor, count, found);
        var matching = 0;
        foreach (var (f, _) in found)
            if (CollectionScan.Matches(pattern, f)) matching++;
        ctx.Reply.WriteArrayHeader(2);
        ctx.Reply.WriteBulkString(next.ToString(System.Globalization.CultureInfo.InvariantCulture));
        ctx.Reply.WriteArrayHeader(matching * 2);
        foreach (var (f, v) in found)
        {
            if (!CollectionScan.Matches(pattern, f)) continue;
            ctx.Reply.WriteBulk(f);
            ctx.Reply.WriteBulk(v);
        }
    }
}
