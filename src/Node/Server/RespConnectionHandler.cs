using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;
using QuorumCache.Resp;

namespace QuorumCache.Node.Server;

/// <summary>
/// Kestrel hands each client connection here. One loop per connection reads every complete
/// command in the buffer, runs each synchronously on this thread, and flushes the replies once
/// per batch (pipelining). Malformed input gets "-ERR Protocol error: ..." and the connection closes.
/// </summary>
public sealed partial class RespConnectionHandler(NodeServer server, ILogger<RespConnectionHandler> logger) : ConnectionHandler
{
    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        if (server.Clients.Count >= server.Options.MaxClients)
        {
            Interlocked.Increment(ref server.Stats.RejectedConnections);
            var w = new RespWriter(connection.Transport.Output);
            w.WriteError("ERR max number of clients reached");
            w.Commit();
            await connection.Transport.Output.FlushAsync();
            return;
        }
        var session = new ClientSession(server.Clients.NextId(), connection.Transport.Output, server,
            connection.RemoteEndPoint?.ToString() ?? "?", connection.LocalEndPoint?.ToString() ?? "?")
        {
            Authenticated = !server.RequiresPassword,
        };
        session.Abort = connection.Abort;
        session.Writer.OnError = server.ErrorStats.Record;
        server.Clients.Add(session);
        Interlocked.Increment(ref server.Stats.TotalConnections);
        // On shutdown Kestrel asks connections to close: end the read loop instead of waiting for the client.
        var lifetime = connection.Features.Get<Microsoft.AspNetCore.Connections.Features.IConnectionLifetimeNotificationFeature>();
        using var closing = lifetime?.ConnectionClosedRequested.Register(static i => ((PipeReader)i!).CancelPendingRead(), connection.Transport.Input);
        try
        {
            await RunAsync(session, connection.Transport.Input, connection.ConnectionClosed);
        }
        catch (ConnectionResetException)
        {
        }
        catch (IOException)
        {
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex)
        {
            LogConnectionFailed(logger, ex, session.Id);
        }
        finally
        {
            if (session.PendingBlock is Blocking.BlockedClient bc) Blocking.BlockingHub.Cancel(bc);
            Commands.TransactionCommands.UnwatchAll(session);
            server.Clients.Remove(session);
            Interlocked.Add(ref server.Stats.CommandsOfClosedClients, session.CommandsProcessed);
            Interlocked.Add(ref server.Stats.NetInputBytes, session.NetInput);
            Interlocked.Add(ref server.Stats.NetOutputBytes, session.Writer.Position);
            server.ClientClosed(session);
        }
    }

    private async Task RunAsync(ClientSession session, PipeReader input, CancellationToken closed)
    {
        while (true)
        {
            var result = await input.ReadAsync();
            if (result.IsCanceled) return;
            var buffer = result.Buffer;
            var consumed = Process(session, buffer, out var paused);
            input.AdvanceTo(consumed, paused ? consumed : buffer.End);
            if (!await session.FlushAsync()) return;

            while (session.PendingBlock is { } block)
            {
                if (!await WaitUnblockedAsync(block, closed)) return;
                session.PendingBlock = null;
                if (block is HoldState) Rerun(session);
                if (!await session.FlushAsync()) return;
            }
            if (session.CloseRequested) return;
            if (result.IsCompleted && !paused) return;
        }
    }

    /// <summary>Waits until a blocked client is served or times out; false when the client went away.</summary>
    private static async Task<bool> WaitUnblockedAsync(BlockState block, CancellationToken closed)
    {
        if (!block.Completion.IsCompleted)
        {
            var gone = new TaskCompletionSource();
            await using (closed.Register(() => gone.TrySetResult()))
                await Task.WhenAny(block.Completion, gone.Task);
        }
        if (block.Completion.IsCompleted) return true;
        if (block is Blocking.BlockedClient bc) Blocking.BlockingHub.Cancel(bc);
        return false;
    }

    /// <summary>Runs a held command again (its arguments are still in the session's buffer).</summary>
    private void Rerun(ClientSession session)
    {
        lock (session.OutputLock)
        {
            server.Dispatcher.Execute(session, session.Command);
            session.Writer.Commit();
        }
    }

    /// <summary>Runs every complete command in <paramref name="buffer"/>; returns how far it consumed.</summary>
    private SequencePosition Process(ClientSession session, in ReadOnlySequence<byte> buffer, out bool paused)
    {
        paused = false;
        var reader = new SequenceReader<byte>(buffer);
        var dispatcher = server.Dispatcher;
        lock (session.OutputLock)
        {
            try
            {
                while (!session.CloseRequested && RespCommandReader.TryRead(ref reader, session.Command,
                           session.Authenticated ? server.Limits : server.UnauthenticatedLimits))
                {
                    dispatcher.Execute(session, session.Command);
                    if (session.PendingBlock is not null)
                    {
                        paused = true;
                        break;
                    }
                }
            }
            catch (RespProtocolException ex)
            {
                Interlocked.Increment(ref server.Stats.ProtocolErrors);
                LogProtocolError(logger, session.Id, session.Address, ex.Message);
                session.Writer.WriteError("ERR " + ex.Message);
                session.CloseRequested = true;
            }
            session.Writer.Commit();
        }
        session.LastInteraction = server.Clock.GetUtcNow();
        Volatile.Write(ref session.NetInput, session.NetInput + reader.Consumed);
        return reader.Position;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "client {Id} ({Address}): {Error}; closing the connection")]
    private static partial void LogProtocolError(ILogger logger, long id, string address, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "client {Id}: connection loop failed")]
    private static partial void LogConnectionFailed(ILogger logger, Exception ex, long id);
}
