using System.Net.Sockets;
using QuorumCache.Cluster.Slots;
using QuorumCache.Resp;

namespace QuorumCache.MultiNode.Harness;

/// <summary>How one command through <see cref="ClusterClient"/> ended, in the terms a history needs.</summary>
public enum ReplyStatus
{
    /// <summary>A reply that is not an error.</summary>
    Ok,
    /// <summary>An error the server guarantees is clean: nothing was applied (CLUSTERDOWN, TRYAGAIN, MOVED loop, WRONGTYPE, ...).</summary>
    Rejected,
    /// <summary>Sent, but no reply (timeout, connection lost) or an error that leaves the outcome open.</summary>
    Unknown,
    /// <summary>Could not even connect to the slot's owner: the command was never sent.</summary>
    Unreachable,
}

public sealed record ClusterReply(ReplyStatus Status, RespValue? Value, string? Error, int Redirects)
{
    public bool IsOk => Status == ReplyStatus.Ok;
    public override string ToString() => Status == ReplyStatus.Ok ? $"ok {Value}" : $"{Status}: {Error}";
}

/// <summary>
/// A minimal cluster-aware client over <see cref="RespClient"/>: routes each command by the hash
/// slot of its key, follows -MOVED (updating its slot table, reconnecting) and -ASK, and bounds
/// every command with a timeout. One command at a time per instance (one per logical process).
/// </summary>
public sealed class ClusterClient : IAsyncDisposable
{
    private const int MaxRedirects = 10;
    private readonly int[] _slotPort = new int[HashSlot.Count];
    private readonly Dictionary<int, RespClient> _connections = new();
    private readonly IReadOnlyList<int> _seeds;
    private readonly TimeSpan _timeout;
    private bool _mapLoaded;

    public ClusterClient(IReadOnlyList<int> seedPorts, TimeSpan? timeout = null)
    {
        if (seedPorts.Count == 0) throw new ArgumentException("need at least one seed port");
        _seeds = seedPorts;
        _timeout = timeout ?? TimeSpan.FromSeconds(3);
    }

    /// <summary>MOVED/ASK redirections followed so far.</summary>
    public int RedirectsFollowed { get; private set; }

    /// <summary>Runs a command whose routing key is <paramref name="key"/>.</summary>
    public async Task<ClusterReply> ExecuteAsync(string key, params string[] args)
    {
        if (!_mapLoaded) await LoadMapAsync().ConfigureAwait(false);
        int slot = HashSlot.Of(key);
        int port = _slotPort[slot] != 0 ? _slotPort[slot] : _seeds[0];
        bool asking = false;
        int redirects = 0;
        var chain = new System.Text.StringBuilder().Append(port);
        while (true)
        {
            RespClient conn;
            try
            {
                conn = await ConnectAsync(port).ConfigureAwait(false);
            }
            catch (Exception e) when (e is SocketException or IOException or OperationCanceledException)
            {
                return new ClusterReply(ReplyStatus.Unreachable, null, $"connect 127.0.0.1:{port}: {e.Message}", redirects);
            }
            RespValue reply;
            try
            {
                using var cts = new CancellationTokenSource(_timeout);
                if (asking)
                {
                    var pair = await conn.PipelineAsync(new[] { new[] { "ASKING" }, args }).WaitAsync(cts.Token).ConfigureAwait(false);
                    reply = pair[1];
                }
                else
                {
                    reply = await conn.ExecuteAsync(args).WaitAsync(cts.Token).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or TimeoutException or IOException or SocketException or ObjectDisposedException)
            {
                await DropAsync(port).ConfigureAwait(false);
                var what = e is OperationCanceledException ? $"timeout after {_timeout.TotalSeconds:0.#}s" : e.Message;
                return new ClusterReply(ReplyStatus.Unknown, null, $"127.0.0.1:{port}: {what}", redirects);
            }
            asking = false;
            if (!reply.IsError) return new ClusterReply(ReplyStatus.Ok, reply, null, redirects);
            var text = reply.Text ?? "";
            if ((text.StartsWith("MOVED ", StringComparison.Ordinal) || text.StartsWith("ASK ", StringComparison.Ordinal))
                && TryParseRedirect(text, out var rslot, out var rport))
            {
                if (++redirects > MaxRedirects)
                    return new ClusterReply(ReplyStatus.Rejected, reply, $"too many redirects (ports {chain}), last: {text}", redirects);
                RedirectsFollowed++;
                if (text[0] == 'M') _slotPort[rslot] = rport;
                else asking = true;
                port = rport;
                chain.Append(text[0] == 'M' ? " -MOVED-> " : " -ASK-> ").Append(rport);
                continue;
            }
            return new ClusterReply(Classify(text), reply, text, redirects);
        }
    }

    /// <summary>Errors that guarantee the command did nothing; any other error leaves the outcome open.</summary>
    public static ReplyStatus Classify(string error) =>
        error.StartsWith("CLUSTERDOWN", StringComparison.Ordinal) || error.StartsWith("TRYAGAIN", StringComparison.Ordinal)
        || error.StartsWith("CROSSSLOT", StringComparison.Ordinal) || error.StartsWith("WRONGTYPE", StringComparison.Ordinal)
        || error.StartsWith("MOVED", StringComparison.Ordinal) || error.StartsWith("ASK", StringComparison.Ordinal)
        || error.StartsWith("ERR wrong number", StringComparison.Ordinal) || error.StartsWith("ERR syntax", StringComparison.Ordinal)
        || error.StartsWith("ERR unknown command", StringComparison.Ordinal)
        || error.StartsWith("ERR value is not an integer", StringComparison.Ordinal)
            ? ReplyStatus.Rejected
            : ReplyStatus.Unknown;

    /// <summary>Parses "MOVED 3999 127.0.0.1:6381" (or ASK).</summary>
    public static bool TryParseRedirect(string error, out int slot, out int port)
    {
        slot = port = 0;
        var parts = error.Split(' ');
        if (parts.Length < 3 || !int.TryParse(parts[1], out slot)) return false;
        var colon = parts[2].LastIndexOf(':');
        return colon > 0 && int.TryParse(parts[2][(colon + 1)..], out port) && slot is >= 0 and < HashSlot.Count;
    }

    /// <summary>Loads the slot table from the first seed that answers CLUSTER SLOTS.</summary>
    public async Task LoadMapAsync()
    {
        foreach (var seed in _seeds)
        {
            try
            {
                var conn = await ConnectAsync(seed).ConfigureAwait(false);
                using var cts = new CancellationTokenSource(_timeout);
                var slots = await conn.ExecuteAsync("CLUSTER", "SLOTS").WaitAsync(cts.Token).ConfigureAwait(false);
                if (slots.IsError || slots.Items is null) continue;
                foreach (var range in slots.Items)
                    for (long s = range[0].Integer; s <= range[1].Integer; s++) _slotPort[s] = (int)range[2][1].Integer;
                _mapLoaded = true;
                return;
            }
            catch (Exception e) when (e is SocketException or IOException or OperationCanceledException or ObjectDisposedException)
            {
                await DropAsync(seed).ConfigureAwait(false);
            }
        }
        _mapLoaded = true; // route by MOVED from the first seed then
    }

    private async Task<RespClient> ConnectAsync(int port)
    {
        if (_connections.TryGetValue(port, out var c) && !c.IsClosed) return c;
        if (c is not null) await DropAsync(port).ConfigureAwait(false);
        using var cts = new CancellationTokenSource(_timeout);
        c = await RespClient.ConnectAsync("127.0.0.1", port, cts.Token).ConfigureAwait(false);
        _connections[port] = c;
        return c;
    }

    private async Task DropAsync(int port)
    {
        if (!_connections.Remove(port, out var c)) return;
        try { await c.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false); }
        catch (Exception) { /* a broken connection */ }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var port in _connections.Keys.ToArray()) await DropAsync(port).ConfigureAwait(false);
    }
}
