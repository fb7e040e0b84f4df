using System.IO.Pipelines;

namespace QuorumCache.Node.Server;

/// <summary>A PipeWriter that throws away everything written (replies of internal work).</summary>
public sealed class DiscardingPipeWriter : PipeWriter
{
    private byte[] _buffer = new byte[4096];

    public override void Advance(int bytes) { }

    public override Memory<byte> GetMemory(int sizeHint = 0)
    {
        if (sizeHint > _buffer.Length) _buffer = new byte[sizeHint];
        return _buffer;
    }

    public override Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

    public override void CancelPendingFlush() { }

    public override void Complete(Exception? exception = null) { }

    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) => new(new FlushResult());
}
