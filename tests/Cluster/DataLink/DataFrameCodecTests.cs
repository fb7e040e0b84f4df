using System.Buffers;
using System.Buffers.Binary;
using QuorumCache.Cluster.DataLink;

namespace QuorumCache.Tests.Cluster.DataLink;

public class DataFrameCodecTests
{
    private static byte[] Encode(params (DataChannel Channel, byte[] Payload)[] frames)
    {
        var w = new ArrayBufferWriter<byte>();
        foreach (var (c, p) in frames)
            DataFrameCodec.Write(w, c, p);
        return w.WrittenSpan.ToArray();
    }

    private static List<(DataChannel, byte[])> ReadAll(ReadOnlySequence<byte> seq, int max = 1 << 20)
    {
        var list = new List<(DataChannel, byte[])>();
        while (DataFrameCodec.TryRead(ref seq, max, out var c, out var p))
            list.Add((c, p.ToArray()));
        Assert.Equal(0, seq.Length);
        return list;
    }

    [Fact]
    public void Header_is_big_endian_length_then_channel()
    {
        var bytes = Encode((DataChannel.HandOff, new byte[] { 7, 8, 9 }));
        Assert.Equal(new byte[] { 0, 0, 0, 3, 1, 7, 8, 9 }, bytes);
    }

    [Fact]
    public void Every_split_point_across_segments_reads_the_same_frames()
    {
        var payloadA = new byte[] { 1, 2, 3, 4, 5 };
        var payloadB = Array.Empty<byte>();
        var payloadC = new byte[300];
        new Random(7).NextBytes(payloadC);
        var bytes = Encode((DataChannel.HandOff, payloadA), (DataChannel.PubSub, payloadB), (DataChannel.HandOff, payloadC));
        for (var i = 0; i <= bytes.Length; i++)
        {
            for (var j = i; j <= bytes.Length; j += 7)
            {
                var seq = Segments.Of(bytes[..i], bytes[i..j], bytes[j..]);
                var frames = ReadAll(seq);
                Assert.Equal(3, frames.Count);
                Assert.Equal(DataChannel.HandOff, frames[0].Item1);
                Assert.Equal(payloadA, frames[0].Item2);
                Assert.Equal(DataChannel.PubSub, frames[1].Item1);
                Assert.Empty(frames[1].Item2);
                Assert.Equal(DataChannel.HandOff, frames[2].Item1);
                Assert.Equal(payloadC, frames[2].Item2);
            }
        }
    }

    [Fact]
    public void Incomplete_frame_returns_false_and_leaves_the_buffer()
    {
        var bytes = Encode((DataChannel.HandOff, new byte[10]));
        for (var n = 0; n < bytes.Length; n++)
        {
            var seq = new ReadOnlySequence<byte>(bytes, 0, n);
            Assert.False(DataFrameCodec.TryRead(ref seq, 100, out _, out _));
            Assert.Equal(n, seq.Length);
        }
    }

    [Fact]
    public void Oversized_length_throws_before_the_payload_arrives()
    {
        var header = new byte[5];
        BinaryPrimitives.WriteUInt32BigEndian(header, 1025);
        var seq = new ReadOnlySequence<byte>(header);
        Assert.Throws<DataLinkProtocolException>(() => DataFrameCodec.TryRead(ref seq, 1024, out _, out _));
        BinaryPrimitives.WriteUInt32BigEndian(header, uint.MaxValue);
        seq = new ReadOnlySequence<byte>(header);
        Assert.Throws<DataLinkProtocolException>(() => DataFrameCodec.TryRead(ref seq, int.MaxValue, out _, out _));
        BinaryPrimitives.WriteUInt32BigEndian(header, 1024);
        seq = new ReadOnlySequence<byte>(header);
        Assert.False(DataFrameCodec.TryRead(ref seq, 1024, out _, out _));
    }

    [Fact]
    public void Handshake_round_trips()
    {
        var hs = new DataLinkHandshake(new string('a', 40), "cluster-é");
        var parsed = DataLinkHandshake.Parse(new ReadOnlySequence<byte>(hs.ToPayload()));
        Assert.Equal(hs, parsed);
    }

    [Fact]
    public void Handshake_of_the_old_bus_protocol_is_refused()
    {
        var old = new DataLinkHandshake("node-1", "c1").ToPayload();
        BinaryPrimitives.WriteUInt16BigEndian(old.AsSpan(4), 1);
        var e = Assert.Throws<DataLinkProtocolException>(() => DataLinkHandshake.Parse(new ReadOnlySequence<byte>(old)));
        Assert.Contains("version 1", e.Message);
    }

    [Fact]
    public void Malformed_handshakes_are_refused()
    {
        var good = new DataLinkHandshake("node-1", "c1").ToPayload();
        Assert.Throws<DataLinkProtocolException>(() => DataLinkHandshake.Parse(new ReadOnlySequence<byte>(good[..^1])));
        Assert.Throws<DataLinkProtocolException>(() => DataLinkHandshake.Parse(new ReadOnlySequence<byte>([.. good, 0])));
        var badMagic = (byte[])good.Clone();
        badMagic[0] ^= 0xFF;
        Assert.Throws<DataLinkProtocolException>(() => DataLinkHandshake.Parse(new ReadOnlySequence<byte>(badMagic)));
        var badVersion = (byte[])good.Clone();
        badVersion[5] = 99;
        Assert.Throws<DataLinkProtocolException>(() => DataLinkHandshake.Parse(new ReadOnlySequence<byte>(badVersion)));
        var badId = (byte[])good.Clone();
        badId[7] = (byte)' ';
        Assert.Throws<DataLinkProtocolException>(() => DataLinkHandshake.Parse(new ReadOnlySequence<byte>(badId)));
        Assert.Throws<DataLinkProtocolException>(() => DataLinkHandshake.Parse(new ReadOnlySequence<byte>("GET / HTTP/1.1\r\n"u8.ToArray())));
    }
}

/// <summary>Builds multi-segment sequences for reader tests.</summary>
internal sealed class Segments : ReadOnlySequenceSegment<byte>
{
    private Segments(ReadOnlyMemory<byte> memory, long runningIndex)
    {
        Memory = memory;
        RunningIndex = runningIndex;
    }

    public static ReadOnlySequence<byte> Of(params byte[][] parts)
    {
        var first = new Segments(parts[0], 0);
        var last = first;
        for (var i = 1; i < parts.Length; i++)
        {
            var next = new Segments(parts[i], last.RunningIndex + last.Memory.Length);
            last.Next = next;
            last = next;
        }
        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }
}
