using System.IO.Pipelines;

namespace QuorumCache.Cluster.DataLink;

/// <summary>Reads the handshake frame off a new connection, leaving any later bytes in the pipe.</summary>
internal static class DataLinkHandshakeIo
{
    public static async Task<DataLinkHandshake> ReadAsync(PipeReader reader, CancellationToken ct)
    {
        while (true)
        {
            var result = await reader.ReadAsync(ct).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (DataFrameCodec.TryRead(ref buffer, DataLinkHandshake.MaxSize, out var channel, out var payload))
            {
                if (channel != DataChannel.Handshake)
                    throw new DataLinkProtocolException($"expected a handshake frame, got channel {(byte)channel}");
                var hello = DataLinkHandshake.Parse(payload);
                reader.AdvanceTo(buffer.Start);
                return hello;
            }
            if (result.IsCompleted)
                throw new DataLinkProtocolException("connection closed during the handshake");
            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }
}
