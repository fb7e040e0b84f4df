using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;

namespace QuorumCache.Resp;

/// <summary>
/// A small pipelined RESP client over TCP: many commands may be in flight; replies complete
/// them in order. RESP3 push messages (and RESP2 messages after SUBSCRIBE) arrive on
/// <see cref="Pushes"/>. Used by the tests and by the node-to-node traffic that speaks RESP.
/// </summary>
public sealed class RespClient : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly PipeReader _reader;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly Queue<TaskCompletionSource<RespValue>> _pending = new();
    private readonly Channel<RespValue> _pushes = Channel.CreateUnbounded<RespValue>();
    private readonly Task _readLoop;
    private volatile bool _subscribed;

    private RespClient(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _reader = PipeReader.Create(_stream);
        _readLoop = Task.Run(ReadLoopAsync);
    }

    public static async Task<RespClient> ConnectAsync(string host, int port, CancellationToken ct = default)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(host, port, ct).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        return new RespClient(socket);
    }

    /// <summary>Messages the server pushed without a request (pub/sub, invalidations).</summary>
    public ChannelReader<RespValue> Pushes => _pushes.Reader;

    /// <summary>
    /// Treat RESP2 arrays that arrive with no request waiting as pushes (after SUBSCRIBE on RESP2,
    /// messages look like replies).
    /// </summary>
    public bool SubscriberMode { get => _subscribed; set => _subscribed = value; }

    public Task<RespValue> ExecuteAsync(params string[] args) =>
        ExecuteAsync(args.Select(a => (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes(a)).ToArray());

    public async Task<RespValue> ExecuteAsync(params ReadOnlyMemory<byte>[] args)
    {
        var buffer = new ArrayBufferWriter<byte>();
        EncodeCommand(buffer, args);
        return (await SendRawAsync(buffer.WrittenMemory, 1).ConfigureAwait(false))[0];
    }

    /// <summary>
    /// Sends a command without waiting for a reply: everything it produces (subscribe confirmations,
    /// messages, and its reply if any) arrives on <see cref="Pushes"/>. For pub/sub commands.
    /// </summary>
    public Task SendWithoutReplyAsync(params string[] args)
    {
        var buffer = new ArrayBufferWriter<byte>();
        EncodeCommand(buffer, args.Select(a => (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes(a)).ToArray());
        return SendRawAsync(buffer.WrittenMemory, 0);
    }

    /// <summary>The next frame on <see cref="Pushes"/>; <see cref="TimeoutException"/> if none comes within <paramref name="timeout"/>.</summary>
    public async Task<RespValue> NextPushAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            return await _pushes.Reader.ReadAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            throw new TimeoutException($"no pushed frame within {timeout.TotalSeconds:0.#} s");
        }
    }

    /// <summary>Sends several commands in one write and returns their replies in order.</summary>
    public async Task<RespValue[]> PipelineAsync(IEnumerable<string[]> commands)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var n = 0;
        foreach (var c in commands)
        {
            EncodeCommand(buffer, c.Select(a => (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes(a)).ToArray());
            n++;
        }
        return await SendRawAsync(buffer.WrittenMemory, n).ConfigureAwait(false);
    }

    /// <summary>Sends raw bytes and waits for <paramref name="replies"/> replies (0 for fire-and-forget).</summary>
    public async Task<RespValue[]> SendRawAsync(ReadOnlyMemory<byte> bytes, int replies)
    {
        var tcs = new TaskCompletionSource<RespValue>[replies];
        await _writeLock.WaitAsync().ConfigureAwait(false);
        try
        {
            lock (_pending)
            {
                for (var i = 0; i < replies; i++)
                {
                    tcs[i] = new TaskCompletionSource<RespValue>(TaskCreationOptions.RunContinuationsAsynchronously);
                    _pending.Enqueue(tcs[i]);
                }
            }
            await _stream.WriteAsync(bytes).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
        var results = new RespValue[replies];
        for (var i = 0; i < replies; i++) results[i] = await tcs[i].Task.ConfigureAwait(false);
        return results;
    }

    public static void EncodeCommand(IBufferWriter<byte> output, ReadOnlyMemory<byte>[] args)
    {
        var w = new RespWriter(output);
        w.WriteArrayHeader(args.Length);
        foreach (var a in args) w.WriteBulk(a.Span);
        w.Commit();
    }

    private async Task ReadLoopAsync()
    {
        Exception? error = null;
        try
        {
            while (true)
            {
                var result = await _reader.ReadAsync().ConfigureAwait(false);
                var buffer = result.Buffer;
                var sr = new SequenceReader<byte>(buffer);
                while (RespReplyReader.TryRead(ref sr, out var value)) Dispatch(value);
                _reader.AdvanceTo(sr.Position, buffer.End);
                if (result.IsCompleted) break;
            }
        }
        catch (Exception ex)
        {
            error = ex;
        }
        _pushes.Writer.TryComplete();
        lock (_pending)
        {
            while (_pending.TryDequeue(out var t))
                t.TrySetException(error ?? new IOException("Connection closed by server"));
        }
    }

    private void Dispatch(RespValue value)
    {
        if (value.Type == RespType.Push || (_subscribed && IsPubSubMessage(value)))
        {
            _pushes.Writer.TryWrite(value);
            return;
        }
        TaskCompletionSource<RespValue>? t;
        lock (_pending) _pending.TryDequeue(out t);
        if (t is null) _pushes.Writer.TryWrite(value);
        else t.TrySetResult(value);
    }

    private static bool IsPubSubMessage(RespValue v) =>
        v.Type == RespType.Array && v.Count >= 3 && v[0].Text is "message" or "pmessage" or "smessage";

    /// <summary>True once the server has closed the connection.</summary>
    public bool IsClosed => _readLoop.IsCompleted;

    public Task Completion => _readLoop;

    public async ValueTask DisposeAsync()
    {
        try { _socket.Shutdown(SocketShutdown.Both); } catch (SocketException) { } catch (ObjectDisposedException) { }
        await _stream.DisposeAsync().ConfigureAwait(false);
        try { await _readLoop.ConfigureAwait(false); } catch { /* closing */ }
    }
}
