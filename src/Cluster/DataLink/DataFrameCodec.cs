using System.Buffers;
using System.Buffers.Binary;

namespace QuorumCache.Cluster.DataLink;

/// <summary>
/// Data-link framing: a 4-byte big-endian payload length, a 1-byte channel, then the payload.
/// One reader and one writer for the format; the reader works on any segmentation.
/// </summary>
public static class DataFrameCodec
{
    public const int HeaderSize = 5;

    /// <summary>Appends one frame to <paramref name="writer"/>.</summary>
    public static void Write(IBufferWriter<byte> writer, DataChannel channel, ReadOnlySpan<byte> payload)
    {
        var header = writer.GetSpan(HeaderSize);
        BinaryPrimitives.WriteUInt32BigEndian(header, (uint)payload.Length);
        header[4] = (byte)channel;
        writer.Advance(HeaderSize);
        while (!payload.IsEmpty)
        {
            var span = writer.GetSpan(1);
            var n = Math.Min(span.Length, payload.Length);
            payload[..n].CopyTo(span);
            writer.Advance(n);
            payload = payload[n..];
        }
    }

    /// <summary>
    /// Reads one frame from the front of <paramref name="buffer"/> and slices it off.
    /// Returns false (buffer untouched) when the frame is not complete yet.
    /// Throws <see cref="DataLinkProtocolException"/> when the length exceeds <paramref name="maxPayload"/>.
    /// </summary>
    public static bool TryRead(ref ReadOnlySequence<byte> buffer, int maxPayload, out DataChannel channel, out ReadOnlySequence<byte> payload)
    {
        channel = default;
        payload = default;
        if (buffer.Length < HeaderSize)
            return false;
        Span<byte> header = stackalloc byte[HeaderSize];
        buffer.Slice(0, HeaderSize).CopyTo(header);
        var length = BinaryPrimitives.ReadUInt32BigEndian(header);
        if (length > (uint)maxPayload)
            throw new DataLinkProtocolException($"frame length {length} exceeds the limit of {maxPayload} bytes");
        if (buffer.Length - HeaderSize < length)
            return false;
        channel = (DataChannel)header[4];
        payload = buffer.Slice(HeaderSize, length);
        buffer = buffer.Slice(payload.End);
        return true;
    }
}
