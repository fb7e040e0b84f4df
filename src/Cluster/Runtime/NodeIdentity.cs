using System.Security.Cryptography;

namespace QuorumCache.Cluster.Runtime;

/// <summary>
/// The node's 40-hex id (created on first start) and the id of the cluster it belongs to, kept in
/// the data directory so a restarted node is the same member.
/// </summary>
public sealed class NodeIdentity
{
    private readonly string _clusterIdPath;

    private NodeIdentity(string nodeId, string? clusterId, string clusterIdPath)
    {
        NodeId = nodeId;
        ClusterId = clusterId;
        _clusterIdPath = clusterIdPath;
    }

    public string NodeId { get; }
    public string? ClusterId { get; private set; }

    public static NodeIdentity LoadOrCreate(string dataDir)
    {
        Directory.CreateDirectory(dataDir);
        var idPath = Path.Combine(dataDir, "node.id");
        string id;
        if (File.Exists(idPath))
        {
            id = File.ReadAllText(idPath).Trim();
            if (id.Length != 40 || !id.All(Uri.IsHexDigit)) throw new InvalidDataException($"{idPath}: not a 40-hex node id");
        }
        else
        {
            id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));
            WriteDurably(idPath, id);
        }
        var clusterPath = Path.Combine(dataDir, "cluster.id");
        var cluster = File.Exists(clusterPath) ? File.ReadAllText(clusterPath).Trim() : null;
        return new NodeIdentity(id, string.IsNullOrEmpty(cluster) ? null : cluster, clusterPath);
    }

    public void SetClusterId(string clusterId)
    {
        if (ClusterId == clusterId) return;
        WriteDurably(_clusterIdPath, clusterId);
        ClusterId = clusterId;
    }

    public static string NewClusterId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    private static void WriteDurably(string path, string text)
    {
        var tmp = path + ".tmp";
        using (var f = new FileStream(tmp, FileMode.Create, FileAccess.Write))
        {
            var bytes = System.Text.Encoding.ASCII.GetBytes(text + "\n");
            f.Write(bytes);
            f.Flush(flushToDisk: true);
        }
        File.Move(tmp, path, overwrite: true);
    }
}
