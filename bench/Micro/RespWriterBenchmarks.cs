using System.Buffers;
using BenchmarkDotNet.Attributes;
using QuorumCache.Resp;

namespace QuorumCache.Micro;

/// <summary>
/// RespWriter.WriteBulk into an ArrayBufferWriter, 256 replies per invocation
/// (a pipelined batch), committed once at the end as the connection loop does. Results are per reply.
/// </summary>
[MemoryDiagnoser]
public class RespWriterBenchmarks
{
    private const int Replies = 256;

    private ArrayBufferWriter<byte> _output = null!;
    private RespWriter _writer = null!;
    private byte[] _value = null!;

    [Params(16, 1024)]
    public int ValueSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _value = new byte[ValueSize];
        Array.Fill(_value, (byte)'v');
        _output = new ArrayBufferWriter<byte>(Replies * (ValueSize + 32));
        _writer = new RespWriter(_output);
    }

    [Benchmark(OperationsPerInvoke = Replies)]
    public int WriteBulk()
    {
        _output.ResetWrittenCount();
        for (var i = 0; i < Replies; i++) _writer.WriteBulk(_value);
        _writer.Commit();
        return _output.WrittenCount;
    }

}

/// <summary>RespWriter.WriteInteger (7-digit values) into an ArrayBufferWriter, 256 replies per invocation; results are per reply.</summary>
[MemoryDiagnoser]
public class RespWriterIntegerBenchmarks
{
    private const int Replies = 256;

    private readonly ArrayBufferWriter<byte> _output = new(Replies * 16);
    private RespWriter _writer = null!;

    [GlobalSetup]
    public void Setup() => _writer = new RespWriter(_output);

    [Benchmark(OperationsPerInvoke = Replies)]
    public int WriteInteger()
    {
        _output.ResetWrittenCount();
        for (var i = 0; i < Replies; i++) _writer.WriteInteger(1_000_000L + i);
        _writer.Commit();
        return _output.WrittenCount;
    }
}
