using System.Buffers;

namespace QuorumCache.Tests.Resp;

/// <summary>Builds multi-segment sequences so readers are tested across every segment boundary.</summary>
public static class Segments
{
    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, Segment? previous)
        {
            Memory = memory;
            if (previous is not null)
            {
                RunningIndex = previous.RunningIndex + previous.Memory.Length;
                previous.Next = this;
            }
        }
    }

    /// <summary>Splits <paramref name="data"/> at the given offsets into separate segments.</summary>
    public static ReadOnlySequence<byte> Split(byte[] data, params int[] cuts)
    {
        var points = cuts.Where(c => c > 0 && c < data.Length).Distinct().OrderBy(c => c).ToList();
        points.Add(data.Length);
        Segment? first = null, last = null;
        var start = 0;
        foreach (var p in points)
        {
            // copy each piece so no segment shares an array with another
            last = new Segment(data.AsSpan(start, p - start).ToArray(), last);
            first ??= last;
            start = p;
        }
        if (first is null) return ReadOnlySequence<byte>.Empty;
        return new ReadOnlySequence<byte>(first, 0, last!, last!.Memory.Length);
    }

    /// <summary>One byte per segment.</summary>
    public static ReadOnlySequence<byte> Bytewise(byte[] data) => Split(data, Enumerable.Range(1, Math.Max(0, data.Length - 1)).ToArray());
}
