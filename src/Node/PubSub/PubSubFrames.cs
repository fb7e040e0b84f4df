using System.Buffers;
using QuorumCache.Resp;

namespace QuorumCache.Node.Messaging;

/// <summary>
/// Encodes the messages subscribers receive. A frame is encoded once per publish in its RESP2 form
/// (<c>*3</c>/<c>*4</c>) and shared by every receiver; a RESP3 receiver gets the same bytes with the
/// push type byte (<c>&gt;</c>) in place of <c>*</c>, which is the only difference between the two.
/// </summary>
internal static class PubSubFrames
{
    [ThreadStatic] private static ArrayBufferWriter<byte>? t_buffer;
    [ThreadStatic] private static RespWriter? t_writer;

    public static byte[] Message(ReadOnlySpan<byte> kind, ReadOnlySpan<byte> channel, ReadOnlySpan<byte> payload)
    {
        var w = Begin(out var buffer);
        w.WriteArrayHeader(3);
        w.WriteBulk(kind);
        w.WriteBulk(channel);
        w.WriteBulk(payload);
        return End(w, buffer);
    }

    public static byte[] PatternMessage(ReadOnlySpan<byte> pattern, ReadOnlySpan<byte> channel, ReadOnlySpan<byte> payload)
    {
        var w = Begin(out var buffer);
        w.WriteArrayHeader(4);
        w.WriteBulk("pmessage"u8);
        w.WriteBulk(pattern);
        w.WriteBulk(channel);
        w.WriteBulk(payload);
        return End(w, buffer);
    }

    /// <summary>Writes a frame in the receiver's protocol.</summary>
    public static void Write(RespWriter w, byte[] frame)
    {
        if (w.IsResp3)
        {
            w.WriteRaw(">"u8);
            w.WriteRaw(frame.AsSpan(1));
        }
        else w.WriteRaw(frame);
    }

    /// <summary>A (un)subscribe confirmation: push in RESP3, array in RESP2; a null name writes nil.</summary>
    public static void Confirmation(RespWriter w, ReadOnlySpan<byte> kind, ReadOnlySpan<byte> name, bool nullName, long count)
    {
        w.WritePushHeader(3);
        w.WriteBulk(kind);
        if (nullName) w.WriteNull();
        else w.WriteBulk(name);
        w.WriteInteger(count);
    }

    private static RespWriter Begin(out ArrayBufferWriter<byte> buffer)
    {
        buffer = t_buffer ??= new ArrayBufferWriter<byte>(256);
        buffer.ResetWrittenCount();
        return t_writer ??= new RespWriter(buffer);
    }

    private static byte[] End(RespWriter w, ArrayBufferWriter<byte> buffer)
    {
        w.Commit();
        var frame = buffer.WrittenSpan.ToArray();
        if (buffer.Capacity > 1 << 20) t_buffer = null; // do not keep a huge message's buffer per thread
        if (t_buffer is null) t_writer = null;
        return frame;
    }
}
