using System.Buffers.Binary;

namespace QuorumCache.Cluster.HandOff;

/// <summary>Hand-off frame kinds on the bus's HandOffEntry channel. Values are append-only.</summary>
public enum HandOffKind : byte
{
    Snapshot = 1,
    Effects = 2,
    Seal = 3,
    AckSnapshot = 4,
    AckSeal = 5,
}

/// <summary>
/// A hand-off frame: kind, slot, the attempt's tag (its BeginHandOff time, so frames of an aborted
/// attempt are ignored), a sequence number, and a payload (RESP effects).
/// </summary>
public readonly record struct HandOffFrame(HandOffKind Kind, int Slot, long Tag, long Seq, ReadOnlyMemory<byte> Payload)
{
    private const int HeaderSize = 1 + 2 + 8 + 8;

    public byte[] Encode()
    {
        var buf = new byte[HeaderSize + Payload.Length];
        buf[0] = (byte)Kind;
        BinaryPrimitives.WriteUInt16LittleEndian(buf.AsSpan(1), (ushort)Slot);
        BinaryPrimitives.WriteInt64LittleEndian(buf.AsSpan(3), Tag);
        BinaryPrimitives.WriteInt64LittleEndian(buf.AsSpan(11), Seq);
        Payload.Span.CopyTo(buf.AsSpan(HeaderSize));
        return buf;
    }

    public static HandOffFrame Decode(ReadOnlyMemory<byte> frame)
    {
        var s = frame.Span;
        if (s.Length < HeaderSize || s[0] is 0 or > (byte)HandOffKind.AckSeal) throw new InvalidDataException("malformed hand-off frame");
        var slot = BinaryPrimitives.ReadUInt16LittleEndian(s[1..]);
        if (slot >= Slots.HashSlot.Count) throw new InvalidDataException("hand-off frame for an invalid slot");
        return new HandOffFrame((HandOffKind)s[0], slot, BinaryPrimitives.ReadInt64LittleEndian(s[3..]),
            BinaryPrimitives.ReadInt64LittleEndian(s[11..]), frame[HeaderSize..].ToArray());
    }
}
