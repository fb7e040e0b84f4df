using QuorumCache.Node.Storage;

namespace QuorumCache.Node.Commands;

/// <summary>LCS key1 key2 [LEN] [IDX] [MINMATCHLEN n] [WITHMATCHLEN], with Redis's reply shapes.</summary>
public static class Lcs
{
    public static void Run(CommandContext ctx)
    {
        var a = ctx.Args;
        bool getLen = false, getIdx = false, withMatchLen = false;
        long minMatchLen = 0;
        for (var i = 3; i < a.Count; i++)
        {
            if (a.Is(i, "idx"u8)) getIdx = true;
            else if (a.Is(i, "len"u8)) getLen = true;
            else if (a.Is(i, "withmatchlen"u8)) withMatchLen = true;
            else if (a.Is(i, "minmatchlen"u8) && i + 1 < a.Count)
            {
                if (!ArgParse.TryInt64(a[++i], out minMatchLen))
                {
                    ctx.Reply.WriteError(Errors.NotInteger);
                    return;
                }
                if (minMatchLen < 0) minMatchLen = 0;
            }
            else
            {
                ctx.Reply.WriteError(Errors.Syntax);
                return;
            }
        }
        var va = ctx.Get(a[1]);
        var vb = ctx.Get(a[2]);
        if (va is not null and not byte[] || vb is not null and not byte[])
        {
            ctx.Reply.WriteError("ERR The specified keys must contain string values");
            return;
        }
        if (getIdx && getLen)
        {
            ctx.Reply.WriteError("ERR If you want both the length and indexes, please just use IDX.");
            return;
        }
        var x = (byte[]?)va ?? [];
        var y = (byte[]?)vb ?? [];
        if ((long)(x.Length + 1) * (y.Length + 1) > 512L * 1024 * 1024)
        {
            ctx.Reply.WriteError("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len");
            return;
        }
        // table[i,j] = LCS length of x[..i] and y[..j]
        var w = y.Length + 1;
        var table = new uint[(x.Length + 1) * w];
        for (var i = 1; i <= x.Length; i++)
            for (var j = 1; j <= y.Length; j++)
                table[i * w + j] = x[i - 1] == y[j - 1]
                    ? table[(i - 1) * w + j - 1] + 1
                    : Math.Max(table[(i - 1) * w + j], table[i * w + j - 1]);
        var len = (int)table[x.Length * w + y.Length];
        if (getLen)
        {
            ctx.Reply.WriteInteger(len);
            return;
        }
        var result = new byte[len];
        var matches = new List<(int AStart, int AEnd, int BStart, int BEnd)>();
        int ai = x.Length, bi = y.Length, idx = len;
        int arangeStart = -1, arangeEnd = -1, brangeStart = -1, brangeEnd = -1;
        while (ai > 0 && bi > 0)
        {
            var emitRange = false;
            if (x[ai - 1] == y[bi - 1])
            {
                result[--idx] = x[ai - 1];
                if (arangeStart == -1)
                {
                    arangeStart = arangeEnd = ai - 1;
                    brangeStart = brangeEnd = bi - 1;
                }
                else if (arangeStart == ai && brangeStart == bi)
                {
                    arangeStart--;
                    brangeStart--;
                }
                else emitRange = true;
                if (arangeStart == 0 || brangeStart == 0) emitRange = true;
                ai--;
                bi--;
            }
            else
            {
                var lcs1 = table[(ai - 1) * w + bi];
                var lcs2 = table[ai * w + bi - 1];
                if (lcs1 > lcs2) ai--;
                else bi--;
                if (arangeStart != -1) emitRange = true;
            }
            if (emitRange)
            {
                var matchLen = arangeEnd - arangeStart + 1;
                if (minMatchLen == 0 || matchLen >= minMatchLen) matches.Add((arangeStart, arangeEnd, brangeStart, brangeEnd));
                arangeStart = -1; // as Redis: restart at the next match
            }
        }
        if (!getIdx)
        {
            ctx.Reply.WriteBulk(result);
            return;
        }
        var r = ctx.Reply;
        r.WriteMapHeader(2);
        r.WriteBulkString("matches");
        r.WriteArrayHeader(matches.Count);
        foreach (var m in matches)
        {
            r.WriteArrayHeader(withMatchLen ? 3 : 2);
            r.WriteArrayHeader(2);
            r.WriteInteger(m.AStart);
            r.WriteInteger(m.AEnd);
            r.WriteArrayHeader(2);
            r.WriteInteger(m.BStart);
            r.WriteInteger(m.BEnd);
            if (withMatchLen) r.WriteInteger(m.AEnd - m.AStart + 1);
        }
        r.WriteBulkString("len");
        r.WriteInteger(len);
    }
}
