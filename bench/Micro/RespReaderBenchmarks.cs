using System.Buffers;
using BenchmarkDotNet.Attributes;
using QuorumCache.Resp;

namespace QuorumCache.Micro;

/// <summary>
/// RespCommandReader.TryRead over a pipelined buffer of alternating SET/GET commands.
/// Results are per command (OperationsPerInvoke). "Segments" = the buffer split in 4 KB segments, as a
/// Kestrel pipe delivers large batches; otherwise one contiguous segment.
/// </summary>
[MemoryDiagnoser]
public class RespReaderBenchmarks
{
    private const int Commands = 256;

    private readonly CommandBuffer _cmd = new();
    private ReadOnlySequence<byte> _input;

    [Params(16, 1024)]
    public int ValueSize { get; set; }

    [Params(false, true)]
    public bool Segments { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var bytes = Payloads.PipelinedGetSet(Commands, ValueSize);
        _input = Segments ? Payloads.Segmented(bytes, 4096) : new ReadOnlySequence<byte>(bytes);
        if (Parse() != Commands) throw new InvalidOperationException("the payload did not parse into the expected commands");
    }

    [Benchmark(OperationsPerInvoke = Commands)]
    public int TryRead() => Parse();

    private int Parse()
    {
        var reader = new SequenceReader<byte>(_input);
        var n = 0;
        while (RespCommandReader.TryRead(ref reader, _cmd, RespLimits.Default)) n++;
        return n;
    }
}
