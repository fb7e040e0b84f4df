using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace QuorumCache.Cluster.DataLink;

/// <summary>
/// The first frame each side sends on a new connection (channel <see cref="DataChannel.Handshake"/>).
/// Payload: magic (4 bytes, big-endian), protocol version (2 bytes), node id (1-byte length + ASCII),
/// cluster id (1-byte length + UTF-8). The dialer sends first; the acceptor checks it and answers
/// with its own, which the dialer checks in turn.
/// </summary>
public readonly record struct DataLinkHandshake(string NodeId, string ClusterId)
{
    /// <summary>"QCB1".</summary>
    public const uint Magic = 0x51434231;

    /// <summary>
    /// 2: data links (channels Handshake, HandOff, PubSub). 1 was the old cluster bus, whose channel
    /// numbers differ; a node of another version is refused at the handshake.
    /// </summary>
    public const ushort Version = 2;
    /// <summary>Largest handshake payload accepted; also the frame limit before the handshake.</summary>
    public const int MaxSize = 4 + 2 + 1 + 255 + 1 + 255;

    public byte[] ToPayload()
    {
        var id = Encoding.ASCII.GetBytes(NodeId);
        var cluster = Encoding.UTF8.GetBytes(ClusterId);
        if (id.Length is 0 or > 255 || cluster.Length > 255)
            throw new ArgumentException("node id must be 1..255 ASCII bytes and cluster id at most 255 bytes");
        var bytes = new byte[4 + 2 + 1 + id.Length + 1 + cluster.Length];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, Magic);
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(4), Version);
        bytes[6] = (byte)id.Length;
        id.CopyTo(bytes, 7);
        bytes[7 + id.Length] = (byte)cluster.Length;
        cluster.CopyTo(bytes, 8 + id.Length);
        return bytes;
    }

    /// <summary>Parses a handshake payload; throws <see cref="DataLinkProtocolException"/> when it is malformed or from another protocol version.</summary>
    public static DataLinkHandshake Parse(ReadOnlySequence<byte> payload)
    {
        if (payload.Length > MaxSize)
            throw new DataLinkProtocolException("handshake too long");
        Span<byte> b = stackalloc byte[(int)payload.Length];
        payload.CopyTo(b);
        if (b.Length < 8)
            throw new DataLinkProtocolException("handshake too short");
        var magic = BinaryPrimitives.ReadUInt32BigEndian(b);
        if (magic != Magic)
            throw new DataLinkProtocolException($"bad handshake magic 0x{magic:X8}");
        var version = BinaryPrimitives.ReadUInt16BigEndian(b[4..]);
        if (version != Version)
            throw new DataLinkProtocolException($"unsupported data-link protocol version {version} (this node speaks {Version})");
        int idLen = b[6];
        if (idLen == 0 || 7 + idLen + 1 > b.Length)
            throw new DataLinkProtocolException("bad node id length in handshake");
        var id = b.Slice(7, idLen);
        foreach (var c in id)
            if (c is < 0x21 or > 0x7E)
                throw new DataLinkProtocolException("node id in handshake is not printable ASCII");
        int clusterLen = b[7 + idLen];
        if (8 + idLen + clusterLen != b.Length)
            throw new DataLinkProtocolException("bad cluster id length in handshake");
        string cluster;
        try
        {
            cluster = new UTF8Encoding(false, true).GetString(b.Slice(8 + idLen, clusterLen));
        }
        catch (DecoderFallbackException)
        {
            throw new DataLinkProtocolException("cluster id in handshake is not UTF-8");
        }
        return new DataLinkHandshake(Encoding.ASCII.GetString(id), cluster);
    }
}
