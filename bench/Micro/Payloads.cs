using System.Buffers;
using System.Text;

namespace QuorumCache.Micro;

/// <summary>Builds the RESP request bytes the benchmarks feed to the server code.</summary>
internal static class Payloads
{
    /// <summary>One RESP multibulk command, as a client sends it.</summary>
    public static byte[] Command(params string[] args)
    {
        var sb = new StringBuilder();
        sb.Append('*').Append(args.Length).Append("\r\n");
        foreach (var a in args)
            sb.Append('$').Append(Encoding.UTF8.GetByteCount(a)).Append("\r\n").Append(a).Append("\r\n");
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    /// <summary>
    /// <paramref name="count"/> commands alternating SET key:i value and GET key:i, like a pipelined
    /// redis-benchmark run (-P), concatenated into one buffer.
    /// </summary>
    public static byte[] PipelinedGetSet(int count, int valueSize)
    {
        var value = new string('x', valueSize);
        using var ms = new MemoryStream();
        for (var i = 0; i < count; i++)
        {
            var key = "key:" + (i / 2).ToString("D12");
            var cmd = (i & 1) == 0 ? Command("SET", key, value) : Command("GET", key);
            ms.Write(cmd);
        }
        return ms.ToArray();
    }

    /// <summary>Splits <paramref name="bytes"/> into a chain of segments of <paramref name="segmentSize"/> bytes (as a pipe hands them over).</summary>
    public static ReadOnlySequence<byte> Segmented(byte[] bytes, int segmentSize)
    {
        if (bytes.Length <= segmentSize) return new ReadOnlySequence<byte>(bytes);
        Segment? first = null, last = null;
        for (var off = 0; off < bytes.Length; off += segmentSize)
        {
            var len = Math.Min(segmentSize, bytes.Length - off);
            var mem = new ReadOnlyMemory<byte>(bytes, off, len);
            if (first is null) first = last = new Segment(mem, 0);
            else last = last!.Append(mem);
        }
        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
