using System.Globalization;
using System.Text;
using QuorumCache.Node.Storage;
using QuorumCache.Node.Storage.Types;
using QuorumCache.Resp;
using static QuorumCache.Node.Commands.CommandFlags;

namespace QuorumCache.Node.Commands.SortedSets;

/// <summary>ZRANDMEMBER (read-only, no effect) and ZSCAN.</summary>
public static partial class SortedSetCommands
{
    private static void RegisterRandom(CommandTable t)
    {
        t.Add("zrandmember", -2, ReadOnly, 1, 1, 1, ZRandMember, Group, "read", "sortedset", "slow");
        t.Add("zscan", -3, ReadOnly, 1, 1, 1, ZScan, Group, "read", "sortedset", "slow");
    }

    private static void ZRandMember(CommandContext ctx)
    {
        var a = ctx.Args;
        var w = ctx.Reply;
        if (a.Count < 3)
        {
            if (!ctx.TryGet<RedisSortedSet>(a[1], out var one)) return;
            if (one is null) w.WriteNull();
            else w.WriteBulk(one.ByRank(Random.Shared.NextInt64(one.Count))!.Member);
            return;
        }
        if (!ArgParse.TryInt64(a[2], out var l))
        {
            w.WriteError(Errors.NotInteger);
            return;
        }
        if (l == long.MinValue)
        {
            w.WriteError("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807");
            return;
        }
        if (a.Count > 4 || (a.Count == 4 && !a.Is(3, "withscores"u8)))
        {
            w.WriteError(Errors.Syntax);
            return;
        }
        var withScores = a.Count == 4;
        if (withScores && (l < -long.MaxValue / 2 || l > long.MaxValue / 2))
        {
            w.WriteError("ERR value is out of range");
            return;
        }
        if (!ctx.TryGet<RedisSortedSet>(a[1], out var z)) return;
        if (z is null || l == 0)
        {
            w.WriteArrayHeader(0);
            return;
        }
        long size = z.Count;
        if (l < 0 || l == 1)
        {
            // With repetitions (or a single pick), in random order.
            var count = l < 0 ? -l : 1;
            if (count > int.MaxValue / 2)
            {
                w.WriteError("ERR value is out of range");
                return;
            }
            WriteListHeader(w, count, withScores);
            for (long i = 0; i < count; i++) WriteElement(w, z.ByRank(Random.Shared.NextInt64(size))!, withScores);
            return;
        }
        if (l >= size)
        {
            // The whole set, in Redis's set-operation iteration order: from the highest element down.
            WriteListHeader(w, size, withScores);
            for (var n = z.Last; n is not null; n = n.Backward) WriteElement(w, n, withScores);
            return;
        }
        // Distinct ranks by Floyd's sampling: O(count) picks whatever the set size.
        var picked = new HashSet<long>();
        var order = new List<long>((int)l);
        for (var j = size - l; j < size; j++)
        {
            var r = Random.Shared.NextInt64(j + 1);
            if (!picked.Add(r))
            {
                picked.Add(j);
                r = j;
            }
            order.Add(r);
        }
        WriteListHeader(w, l, withScores);
        if (l * 3 > size)
        {
            // Many of them: one ordered walk (Redis also answers small sets in set order).
            for (var (n, rank) = (z.First, 0L); n is not null; n = n.Next, rank++)
                if (picked.Contains(rank)) WriteElement(w, n, withScores);
            return;
        }
        // Shuffle the pick order, then look each one up by rank.
        for (var i = order.Count - 1; i > 0; i--)
        {
            var k = Random.Shared.Next(i + 1);
            (order[i], order[k]) = (order[k], order[i]);
        }
        foreach (var r in order) WriteElement(w, z.ByRank(r)!, withScores);
    }

    /// <summary>
    /// ZSCAN. A "listpack" set is answered whole with cursor 0, as Redis does. A larger one is scanned
    /// over its member index with Redis's reverse-binary bucket cursor, so a member present for the
    /// whole scan is returned even if others are added or removed between calls. Scores are formatted
    /// as Redis formats them for the encoding: shortest form for listpack, 17 significant digits for
    /// skiplist.
    /// </summary>
    private static void ZScan(CommandContext ctx)
    {
        var a = ctx.Args;
        var w = ctx.Reply;
        var cursorText = a[2];
        if (cursorText.Length == 0 || !ulong.TryParse(Encoding.ASCII.GetString(cursorText), NumberStyles.None, CultureInfo.InvariantCulture, out var cursor))
        {
            w.WriteError("ERR invalid cursor");
            return;
        }
        if (!ctx.TryGet<RedisSortedSet>(a[1], out var z)) return;
        if (z is null)
        {
            w.WriteArrayHeader(2);
            w.WriteBulk("0"u8);
            w.WriteArrayHeader(0);
            return;
        }
        long count = 10;
        byte[]? pattern = null;
        for (var i = 3; i < a.Count; i++)
        {
            var left = a.Count - i;
            if (a.Is(i, "count"u8) && left >= 2)
            {
                if (!ArgParse.TryInt64(a[i + 1], out count))
                {
                    w.WriteError(Errors.NotInteger);
                    return;
                }
                if (count < 1)
                {
                    w.WriteError(Errors.Syntax);
                    return;
                }
                i++;
            }
            else if (a.Is(i, "match"u8) && left >= 2)
            {
                pattern = a.ToArray(i + 1);
                if (pattern is [(byte)'*']) pattern = null;
                i++;
            }
            else
            {
                w.WriteError(Errors.Syntax);
                return;
            }
        }
        var listpack = z.EncodingName == "listpack";
        var found = new List<(byte[] Member, double Score)>();
        ulong next = 0;
        if (listpack)
        {
            for (var n = z.First; n is not null; n = n.Next)
                if (pattern is null || GlobMatcher.IsMatch(pattern, n.Member)) found.Add((n.Member, n.Score));
        }
        else
        {
            next = z.Scan(cursor, count, (member, score) =>
            {
                if (pattern is null || GlobMatcher.IsMatch(pattern, member)) found.Add((member, score));
            });
        }
        w.WriteArrayHeader(2);
        w.WriteBulkString(next.ToString(CultureInfo.InvariantCulture));
        w.WriteArrayHeader(found.Count * 2);
        Span<byte> tmp = stackalloc byte[40];
        foreach (var (member, score) in found)
        {
            w.WriteBulk(member);
            if (listpack) w.WriteBulk(tmp[..RespFormat.FormatDouble(score, tmp)]);
            else w.WriteBulkString(FormatG17(score));
        }
    }

    /// <summary>C's <c>%.17g</c> (Redis's ld2string LD_STR_AUTO) with "inf"/"-inf".</summary>
    internal static string FormatG17(double v)
    {
        if (double.IsPositiveInfinity(v)) return "inf";
        if (double.IsNegativeInfinity(v)) return "-inf";
        return v.ToString("G17", CultureInfo.InvariantCulture).Replace('E', 'e');
    }
}
