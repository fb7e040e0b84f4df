using System.Net;

namespace QuorumCache.Cluster.DataLink;

/// <summary>Settings of <see cref="TcpDataLinks"/>. Defaults are documented in hocon/node.conf by the host.</summary>
public sealed class DataLinkOptions
{

    /// <summary>This node's id (40 hex chars in production; any 1..255 printable ASCII chars are accepted).</summary>
    public required string NodeId { get; init; }

    /// <summary>Only nodes presenting the same cluster id are accepted.</summary>
    public required string ClusterId { get; init; }

    /// <summary>Address the listener binds to (loopback in tests).</summary>
    public IPAddress BindAddress { get; init; } = IPAddress.Any;

    /// <summary>Listening port (configured as data-port); 0 picks a free port (see <see cref="TcpDataLinks.BoundPort"/>).</summary>
    public int Port { get; init; }

    /// <summary>Largest payload accepted or sent; a longer length prefix closes the connection.</summary>
    public int MaxFrameBytes { get; init; } = 64 * 1024 * 1024;

    /// <summary>Bytes (payload plus 5-byte header per frame) queued per peer before <see cref="IDataLinks.Send"/> starts dropping.</summary>
    public long MaxQueuedBytesPerPeer { get; init; } = 64L * 1024 * 1024;

    /// <summary>First reconnect delay; doubles after each failed attempt up to <see cref="ReconnectMaxDelay"/>, jittered.</summary>
    public TimeSpan ReconnectMinDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan ReconnectMaxDelay { get; init; } = TimeSpan.FromSeconds(2);

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>A connection that has not completed its handshake in this time is closed.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(5);
}
