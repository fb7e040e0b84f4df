using System.Text;
using QuorumCache.Resp;

namespace QuorumCache.MultiNode.Harness;

/// <summary>One line of CLUSTER NODES, parsed.</summary>
public sealed record NodeLine(string Id, string Endpoint, int Port, IReadOnlySet<string> Flags, string LinkState,
    IReadOnlyList<(int Start, int End)> Slots)
{
    public bool IsFailed => Flags.Contains("fail");
    public bool IsSuspected => Flags.Contains("fail?");
    public bool IsMyself => Flags.Contains("myself");
    public int SlotCount { get { int n = 0; foreach (var (s, e) in Slots) n += e - s + 1; return n; } }
    public bool OwnsSlot(int slot) { foreach (var (s, e) in Slots) if (slot >= s && slot <= e) return true; return false; }
}

/// <summary>Parsers for the replies of CLUSTER INFO, CLUSTER NODES and CLUSTER SLOTS.</summary>
public static class ClusterViews
{
    /// <summary>CLUSTER INFO as field → value.</summary>
    public static IReadOnlyDictionary<string, string> ParseInfo(RespValue reply)
    {
        var text = RequireText(reply, "CLUSTER INFO");
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            var colon = line.IndexOf(':');
            if (colon > 0) map[line[..colon]] = line[(colon + 1)..];
        }
        return map;
    }

    public static long InfoNumber(IReadOnlyDictionary<string, string> info, string field) =>
        info.TryGetValue(field, out var v) && long.TryParse(v, out var n) ? n : -1;

    /// <summary>CLUSTER NODES, one record per member. Importing/migrating markers ([..]) are skipped.</summary>
    public static IReadOnlyList<NodeLine> ParseNodes(RespValue reply)
    {
        var text = RequireText(reply, "CLUSTER NODES");
        var result = new List<NodeLine>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0) continue;
            var f = line.Split(' ');
            if (f.Length < 8) throw new FormatException($"CLUSTER NODES line with {f.Length} fields: {line}");
            var addr = f[1];
            var at = addr.IndexOf('@');
            var endpoint = at >= 0 ? addr[..at] : addr;
            var comma = endpoint.IndexOf(',');
            if (comma >= 0) endpoint = endpoint[..comma];
            var port = int.Parse(endpoint[(endpoint.LastIndexOf(':') + 1)..]);
            var slots = new List<(int, int)>();
            for (int i = 8; i < f.Length; i++)
            {
                if (f[i].StartsWith('[') || f[i].Length == 0) continue;
                var dash = f[i].IndexOf('-');
                slots.Add(dash < 0 ? (int.Parse(f[i]), int.Parse(f[i])) : (int.Parse(f[i][..dash]), int.Parse(f[i][(dash + 1)..])));
            }
            result.Add(new NodeLine(f[0], endpoint, port, new HashSet<string>(f[2].Split(','), StringComparer.Ordinal), f[7], slots));
        }
        return result;
    }

    /// <summary>
    /// CLUSTER SLOTS reduced to a canonical text (ranges sorted, "start-end port id" per line) so
    /// the views of two nodes compare with ==.
    /// </summary>
    public static string CanonicalSlots(RespValue reply)
    {
        if (reply.IsError || reply.Type != RespType.Array) throw new FormatException($"CLUSTER SLOTS answered {reply}");
        var rows = new List<(long Start, string Line)>();
        foreach (var range in reply.Items!)
        {
            var sb = new StringBuilder();
            sb.Append(range[0].Integer).Append('-').Append(range[1].Integer);
            for (int i = 2; i < range.Count; i++)
            {
                var n = range[i];
                sb.Append(' ').Append(n[1].Integer);
                if (n.Count > 2) sb.Append(' ').Append(n[2].Text);
            }
            rows.Add((range[0].Integer, sb.ToString()));
        }
        rows.Sort((a, b) => a.Start.CompareTo(b.Start));
        var all = new StringBuilder();
        foreach (var r in rows) all.Append(r.Line).Append('\n');
        return all.ToString();
    }

    /// <summary>Number of slots covered by a CLUSTER SLOTS reply.</summary>
    public static int SlotsCovered(RespValue reply)
    {
        int n = 0;
        foreach (var range in reply.Items ?? Array.Empty<RespValue>()) n += (int)(range[1].Integer - range[0].Integer + 1);
        return n;
    }

    private static string RequireText(RespValue reply, string what)
    {
        if (reply.IsError || reply.Text is null) throw new FormatException($"{what} answered {reply}");
        return reply.Text;
    }
}
