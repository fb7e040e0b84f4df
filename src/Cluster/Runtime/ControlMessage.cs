using QuorumCache.Cluster.Map;

namespace QuorumCache.Cluster.Runtime;

/// <summary>Kinds of control messages between nodes. Sent on the wire: values are append-only.</summary>
public enum ControlKind : byte
{
    /// <summary>"Please propose this map command" (sent to the leader by any node).</summary>
    Propose = 1,
}

/// <summary>Encoding of control-channel frames.</summary>
public static class ControlMessage
{
    public static byte[] Propose(ClusterCommand cmd)
    {
        var body = cmd.Encode();
        var frame = new byte[body.Length + 1];
        frame[0] = (byte)ControlKind.Propose;
        body.CopyTo(frame, 1);
        return frame;
    }

    public static (ControlKind Kind, ClusterCommand? Command) Decode(ReadOnlySpan<byte> frame)
    {
        if (frame.Length < 1) throw new InvalidDataException("empty control frame");
        var kind = (ControlKind)frame[0];
        return kind switch
        {
            ControlKind.Propose => (kind, ClusterCommand.Decode(frame[1..].ToArray())),
            _ => throw new InvalidDataException($"unknown control message {frame[0]}"),
        };
    }
}
