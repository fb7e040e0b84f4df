using QuorumCache.Node.Config;
using System.Buffers;
using BenchmarkDotNet.Attributes;
using QuorumCache.Node.Hosting;
using QuorumCache.Node.Server;
using QuorumCache.Resp;

namespace QuorumCache.Micro;

/// <summary>
/// The command path of one node without a socket: Dispatcher.Execute for GET and SET on a
/// <see cref="ClientSession"/> whose replies go to a <see cref="DiscardingPipeWriter"/> (as
/// InternalExecutor makes its sessions). Covers table lookup, arity, slot hashing, routing (local),
/// the slot lock, the handler and the reply. A standalone NodeServer has no replication sink, so no
/// effects are recorded: this is the single-node cost, not the quorum path.
/// "Pipelined" parses and runs a batch of 256 SET/GET like the connection loop; results are per command.
/// </summary>
[MemoryDiagnoser]
public class DispatchBenchmarks
{
    private const int Batch = 256;

    private NodeServer _server = null!;
    private ClientSession _session = null!;
    private CommandBuffer _get = null!;
    private CommandBuffer _set = null!;
    private CommandBuffer _scratch = null!;
    private ReadOnlySequence<byte> _pipelined;

    [Params(16, 1024)]
    public int ValueSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _server = new NodeServer(NodeOptionsLoader.Defaults());
        _session = new ClientSession(1, new DiscardingPipeWriter(), _server, "bench", "bench") { Authenticated = true };
        var value = new string('v', ValueSize);
        _set = Build("SET", "key:000000000001", value);
        _get = Build("GET", "key:000000000001");
        _scratch = new CommandBuffer();
        _pipelined = new ReadOnlySequence<byte>(Payloads.PipelinedGetSet(Batch, ValueSize));
        // Preload the key GET reads, and every key of the pipelined batch.
        _server.Dispatcher.Execute(_session, _set);
        RunPipelined();
        _session.Writer.Commit();
        if (_session.CommandsProcessed != 1 + Batch) throw new InvalidOperationException("commands were not executed");
    }

    [Benchmark]
    public void Get()
    {
        _server.Dispatcher.Execute(_session, _get);
        _session.Writer.Commit();
    }

    [Benchmark]
    public void Set()
    {
        _server.Dispatcher.Execute(_session, _set);
        _session.Writer.Commit();
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public int PipelinedParseAndExecute() => RunPipelined();

    private int RunPipelined()
    {
        var reader = new SequenceReader<byte>(_pipelined);
        var n = 0;
        while (RespCommandReader.TryRead(ref reader, _scratch, _server.Limits))
        {
            _server.Dispatcher.Execute(_session, _scratch);
            n++;
        }
        _session.Writer.Commit();
        return n;
    }

    private static CommandBuffer Build(params string[] args)
    {
        var cmd = new CommandBuffer();
        foreach (var a in args) cmd.Add(a);
        return cmd;
    }
}
