using System.IO.Pipelines;

namespace QuorumCache.Cluster.DataLink;

/// <summary>The pipe settings of a data link's <c>SocketConnection</c>; one place, with the reasons.</summary>
internal static class DataLinkPipes
{
    /// <summary>
    /// Least segment size of both pipes. A socket read fills at most the free part of one segment,
    /// so the pipe default (4 KiB) costs a receive call per 4 KiB; 64 KiB lets one call take a
    /// 16 KiB frame whole and keeps most frames in one segment (no copy before the handler).
    /// </summary>
    public const int SegmentSize = 64 * 1024;

    /// <summary>Outbound: the writer loop flushes every 1 MiB, so writes wait only once 4 MiB are not yet on the socket.</summary>
    public static readonly PipeOptions Send = new(
        pauseWriterThreshold: 4 * 1024 * 1024,
        resumeWriterThreshold: 2 * 1024 * 1024,
        minimumSegmentSize: SegmentSize,
        useSynchronizationContext: false);

    /// <summary>
    /// Inbound: the library stops reading the socket once 1 MiB is waiting unexamined (the handlers
    /// fell behind), so TCP pushes back on the sender, whose queue then bounds and counts the excess.
    /// Back-pressure counts examined bytes, and the reader examines everything it was given, so a frame
    /// longer than the threshold still arrives; a link holds at most one frame plus 1 MiB.
    /// </summary>
    public static readonly PipeOptions Receive = new(
        pauseWriterThreshold: 1024 * 1024,
        resumeWriterThreshold: 512 * 1024,
        minimumSegmentSize: SegmentSize,
        useSynchronizationContext: false);
}
