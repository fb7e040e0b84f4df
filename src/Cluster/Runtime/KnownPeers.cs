using QuorumCache.Cluster.Map;

namespace QuorumCache.Cluster.Runtime;

/// <summary>
/// The members' addresses as last seen in the committed map, kept in the data directory
/// (<c>members.txt</c>: "id host port bus-port" per line). A restarted node dials them so the leader's
/// log can reach it again (the bus only lets the lower id dial, so both sides need addresses).
/// </summary>
public static class KnownPeers
{
    private const string FileName = "members.txt";

    /// <summary>Writes the members' addresses unless they equal <paramref name="lastSaved"/>; returns what the file holds.</summary>
    public static string Save(string dataDir, ClusterMap map, string? lastSaved)
    {
        var text = string.Concat(map.Members.Values.Select(m => $"{m.Id} {m.Host} {m.Port} {m.BusPort}\n"));
        if (text == lastSaved) return text;
        var path = Path.Combine(dataDir, FileName);
        var tmp = path + ".tmp";
        File.WriteAllText(tmp, text);
        File.Move(tmp, path, overwrite: true);
        return text;
    }

    public static List<Member> Load(string dataDir)
    {
        var path = Path.Combine(dataDir, FileName);
        var list = new List<Member>();
        if (!File.Exists(path)) return list;
        foreach (var line in File.ReadAllLines(path))
        {
            var f = line.Split(' ');
            if (f.Length == 4 && int.TryParse(f[2], out var port) && int.TryParse(f[3], out var bus))
                list.Add(new Member(f[0], f[1], port, bus, MemberState.Up));
        }
        return list;
    }
}
