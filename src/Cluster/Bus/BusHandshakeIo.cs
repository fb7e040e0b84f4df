using System.IO.Pipelines;

namespace QuorumCache.Cluster.Bus;

/// <summary>Reads the handshake frame off a new connection, leaving any later bytes in the pipe.</summary>
internal static class BusHandshakeIo
{
    public static async Task<BusHandshake> ReadAsync(PipeReader reader, CancellationToken ct)
    {
        while (true)
        {
            var result = await reader.ReadAsync(ct).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (BusFrameCodec.TryRead(ref buffer, BusHandshake.MaxSize, out var channel, out var payload))
            {
                if (channel != BusChannel.Handshake)
                    throw new BusProtocolException($"expected a handshake frame, got channel {(byte)channel}");
                var hello = BusHandshake.Parse(payload);
                reader.AdvanceTo(buffer.Start);
                return hello;
            }
            if (result.IsCompleted)
                throw new BusProtocolException("connection closed during the handshake");
            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }
}
