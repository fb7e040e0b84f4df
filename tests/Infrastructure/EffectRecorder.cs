using QuorumCache.Node.Config;
using System.Buffers;
using QuorumCache.Node.Commands;
using QuorumCache.Node.Hosting;
using QuorumCache.Node.Server;
using QuorumCache.Resp;

namespace QuorumCache.Tests.Infrastructure;

/// <summary>An effect sink that keeps every committed effect, in commit order, for replay tests.</summary>
public sealed class EffectRecorder : IEffectSink
{
    private readonly Lock _gate = new();
    private readonly ArrayBufferWriter<byte> _all = new();

    /// <summary>Effects (commands) recorded so far.</summary>
    public int Count { get; private set; }

    public void Commit(int slot, ReadOnlySpan<byte> effects, int count)
    {
        lock (_gate)
        {
            _all.Write(effects);
            Count += count;
        }
    }

    /// <summary>Every recorded effect, RESP-encoded, in order.</summary>
    public byte[] Bytes()
    {
        lock (_gate) return _all.WrittenSpan.ToArray();
    }

    /// <summary>The recorded effects decoded as argument lists.</summary>
    public List<string[]> Commands()
    {
        var result = new List<string[]>();
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(Bytes()));
        var args = new CommandBuffer();
        while (RespCommandReader.TryRead(ref reader, args, RespLimits.Default))
        {
            var cmd = new string[args.Count];
            for (var i = 0; i < args.Count; i++) cmd[i] = args.GetString(i);
            result.Add(cmd);
        }
        return result;
    }

    /// <summary>A fresh server (no listener) with every recorded effect replayed.</summary>
    public NodeServer ReplayOnFreshServer()
    {
        var fresh = new NodeServer(NodeOptionsLoader.Defaults());
        fresh.Internal.Replay(new ReadOnlySequence<byte>(Bytes()));
        return fresh;
    }
}
