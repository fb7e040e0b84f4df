using System.Buffers.Binary;
using Microsoft.Extensions.Logging;
using QuorumCache.Cluster.DataLink;
using QuorumCache.Cluster.Runtime;
using QuorumCache.Node.Messaging;

namespace QuorumCache.Node.Clustering;

/// <summary>
/// Carries PUBLISH between nodes, as Redis Cluster does: a message published on any node reaches the
/// channel and pattern subscribers of every node, and PUBLISH's reply counts this node's receivers
/// only. One frame per publish goes to every other member of the map that is not marked failed, on
/// the data links' pub/sub channel;
/// the links keep one peer's frames in order, so one publisher's messages arrive in the order it sent
/// them. Delivery is best effort like the links (a broken link loses what was in flight), which is what
/// Redis promises for pub/sub too.
/// <para>SPUBLISH stays on the slot's owner: with one copy per slot there are no replicas whose
/// clients could hold shard subscriptions, so <see cref="ForwardShardPublish"/> sends nothing.</para>
/// <para>Frame: kind byte (1 = publish), channel length (uint32, big-endian), channel, message.</para>
/// </summary>
public sealed partial class PubSubBridge : IPubSubForwarder
{
    private const byte KindPublish = 1;
    private const int HeaderLength = 5;

    private readonly ClusterNode _node;
    private readonly PubSubHub _hub;
    private readonly ILogger _log;
    private readonly long _maxPayload;
    private long _tooLarge;

    public PubSubBridge(ClusterNode node, PubSubHub hub, long maxFrame, ILogger log)
    {
        _node = node;
        _hub = hub;
        _log = log;
        _maxPayload = maxFrame;
        if (node.DataLinks is { } bus) Attach(bus);
        node.DataLinksReady += Attach;
    }

    /// <summary>Messages not forwarded because their frame would exceed the data links' frame limit.</summary>
    public long TooLarge => Interlocked.Read(ref _tooLarge);

    private void Attach(IDataLinks bus) => bus.SetHandler(DataChannel.PubSub, OnFrame);

    public void ForwardPublish(ReadOnlySpan<byte> channel, ReadOnlySpan<byte> message)
    {
        if (_node.DataLinks is not { } bus) return;
        var members = _node.Map.Members;
        if (members.Count < 2) return;
        var length = FrameLength(channel.Length, message.Length);
        if (length > _maxPayload)
        {
            if (Interlocked.Increment(ref _tooLarge) == 1) LogTooLarge(_log, length, _maxPayload);
            return;
        }
        var frame = length <= 512 ? stackalloc byte[(int)length] : new byte[length];
        Encode(frame, channel, message);
        var me = _node.MyId;
        foreach (var m in members.Values)
            if (m.Id != me && m.State != Cluster.Map.MemberState.Failed) bus.Send(m.Id, DataChannel.PubSub, frame);
    }

    public void ForwardShardPublish(int slot, ReadOnlySpan<byte> channel, ReadOnlySpan<byte> message)
    {
        // No replicas yet: a slot's shard subscribers are all on its owner, which delivered already.
    }

    /// <summary>A frame from another node: local subscribers only, never forwarded again.</summary>
    private void OnFrame(string from, DataChannel _, ReadOnlyMemory<byte> payload)
    {
        if (TryDecode(payload.Span, out var channel, out var message)) _hub.DeliverFromRemote(channel, message);
        else LogBadFrame(_log, from, payload.Length);
    }

    /// <summary>Writes a publish frame into <paramref name="frame"/>, which must be exactly <see cref="FrameLength"/> long.</summary>
    internal static void Encode(Span<byte> frame, ReadOnlySpan<byte> channel, ReadOnlySpan<byte> message)
    {
        frame[0] = KindPublish;
        BinaryPrimitives.WriteUInt32BigEndian(frame[1..], (uint)channel.Length);
        channel.CopyTo(frame[HeaderLength..]);
        message.CopyTo(frame[(HeaderLength + channel.Length)..]);
    }

    internal static long FrameLength(int channel, int message) => HeaderLength + (long)channel + message;

    internal static bool TryDecode(ReadOnlySpan<byte> frame, out ReadOnlySpan<byte> channel, out ReadOnlySpan<byte> message)
    {
        channel = message = default;
        if (frame.Length < HeaderLength || frame[0] != KindPublish) return false;
        var channelLength = BinaryPrimitives.ReadUInt32BigEndian(frame[1..]);
        if (channelLength > (uint)(frame.Length - HeaderLength)) return false;
        channel = frame.Slice(HeaderLength, (int)channelLength);
        message = frame[(HeaderLength + (int)channelLength)..];
        return true;
    }

    public void Detach()
    {
        _node.DataLinksReady -= Attach;
        _node.DataLinks?.SetHandler(DataChannel.PubSub, null);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "pub/sub frame from {From} ({Length} bytes) is malformed; dropped")]
    private static partial void LogBadFrame(ILogger logger, string from, int length);

    [LoggerMessage(Level = LogLevel.Warning, Message = "a PUBLISH of {Length} bytes exceeds the data-link frame limit ({Max} bytes, quorumcache.data-links.max-frame): delivered on this node only (further ones are counted, not logged)")]
    private static partial void LogTooLarge(ILogger logger, long length, long max);
}
