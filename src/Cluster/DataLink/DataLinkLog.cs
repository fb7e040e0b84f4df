using Microsoft.Extensions.Logging;

namespace QuorumCache.Cluster.DataLink;

/// <summary>Source-generated log lines of the data links.</summary>
internal static partial class DataLinkLog
{
    [LoggerMessage(EventId = 1100, Level = LogLevel.Information, Message = "Data links of {NodeId} listening on {EndPoint}")]
    public static partial void Listening(ILogger logger, string nodeId, string endPoint);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "Data link to {PeerId} up ({Direction})")]
    public static partial void LinkUp(ILogger logger, string peerId, string direction);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Information, Message = "Data link to {PeerId} down: {Reason}")]
    public static partial void LinkDown(ILogger logger, string peerId, string reason);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Warning, Message = "Data links refused connection from {Remote}: {Reason}")]
    public static partial void Refused(ILogger logger, string remote, string reason);

    [LoggerMessage(EventId = 1104, Level = LogLevel.Debug, Message = "Data link dial to {PeerId} at {Host}:{Port} failed: {Reason}; retry in {DelayMs} ms")]
    public static partial void DialFailed(ILogger logger, string peerId, string host, int port, string reason, long delayMs);

    [LoggerMessage(EventId = 1105, Level = LogLevel.Warning, Message = "Data links closed connection with {PeerId}: protocol error: {Reason}")]
    public static partial void ProtocolError(ILogger logger, string peerId, string reason);

    [LoggerMessage(EventId = 1106, Level = LogLevel.Error, Message = "Data-link frame handler for channel {Channel} from {PeerId} threw")]
    public static partial void HandlerFailed(ILogger logger, Exception exception, DataChannel channel, string peerId);

    [LoggerMessage(EventId = 1107, Level = LogLevel.Warning, Message = "Data-link accept loop failed")]
    public static partial void AcceptFailed(ILogger logger, Exception exception);
}
