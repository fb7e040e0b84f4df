using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Logging;
using QuorumCache.Cluster.DataLink;

namespace QuorumCache.Tests.Cluster.DataLink;

/// <summary>TCP data links on loopback that record what they receive and what they log.</summary>
internal sealed class TestLinks : IAsyncDisposable
{
    public readonly ConcurrentQueue<(string From, DataChannel Channel, byte[] Payload)> Received = new();
    public readonly CapturingLogger Log;
    public TcpDataLinks Links { get; }

    private TestLinks(TcpDataLinks bus, CapturingLogger log)
    {
        Links = bus;
        Log = log;
        foreach (var ch in new[] { DataChannel.HandOff, DataChannel.PubSub })
            bus.SetHandler(ch, (from, c, p) => Received.Enqueue((from, c, p.ToArray())));
    }

    public static async Task<TestLinks> StartAsync(string id, string cluster = "test-cluster", int port = 0,
        Func<DataLinkOptions, DataLinkOptions>? tweak = null)
    {
        var options = new DataLinkOptions
        {
            NodeId = id,
            ClusterId = cluster,
            BindAddress = IPAddress.Loopback,
            Port = port,
            ReconnectMinDelay = TimeSpan.FromMilliseconds(20),
            ReconnectMaxDelay = TimeSpan.FromMilliseconds(200),
        };
        if (tweak is not null)
            options = tweak(options);
        var log = new CapturingLogger();
        var bus = new TcpDataLinks(options, log);
        var result = new TestLinks(bus, log);
        await bus.StartAsync();
        return result;
    }

    public string Id => Links.LocalId;
    public int Port => Links.BoundPort;

    public void Knows(params TestLinks[] others)
    {
        foreach (var o in others)
            Links.SetPeerAddress(o.Id, "127.0.0.1", o.Port);
    }

    public bool ConnectedTo(string id)
    {
        foreach (var p in Links.GetPeers())
            if (p.NodeId == id)
                return p.Connected;
        return false;
    }

    public int CountFrom(string id)
    {
        var n = 0;
        foreach (var f in Received)
            if (f.From == id)
                n++;
        return n;
    }

    public List<int> SequenceFrom(string id)
    {
        var list = new List<int>();
        foreach (var f in Received)
            if (f.From == id && f.Channel == DataChannel.HandOff)
                list.Add(BinaryPrimitives.ReadInt32BigEndian(f.Payload));
        return list;
    }

    public bool Got(string from, DataChannel channel, string text)
    {
        foreach (var f in Received)
            if (f.From == from && f.Channel == channel && System.Text.Encoding.UTF8.GetString(f.Payload) == text)
                return true;
        return false;
    }

    public void SendText(string to, DataChannel channel, string text) =>
        Links.Send(to, channel, System.Text.Encoding.UTF8.GetBytes(text));

    public void SendSeq(string to, int first, int count, int padding = 0)
    {
        var buf = new byte[4 + padding];
        for (var i = first; i < first + count; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(buf, i);
            Links.Send(to, DataChannel.HandOff, buf);
        }
    }

    public ValueTask DisposeAsync() => Links.DisposeAsync();
}

/// <summary>Collects formatted log lines so tests can wait for a refusal instead of sleeping.</summary>
internal sealed class CapturingLogger : ILogger<TcpDataLinks>
{
    public readonly ConcurrentQueue<string> Lines = new();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        Lines.Enqueue($"{logLevel}: {formatter(state, exception)}");
    }

    public bool Contains(string fragment)
    {
        foreach (var l in Lines)
            if (l.Contains(fragment, StringComparison.Ordinal))
                return true;
        return false;
    }
}
