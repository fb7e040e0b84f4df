using QuorumCache.Node.Storage;

namespace QuorumCache.Node.Server;

/// <summary>
/// Reclaims expired keys nobody reads, as Redis's active expire cycle does: hz times a second it
/// walks the slots that hold keys with a TTL, resuming where it stopped, and deletes expired keys
/// until its time budget (25% of the period, scaled by effort) is spent.
/// </summary>
public sealed class ActiveExpiryCycle : IAsyncDisposable
{
    private readonly NodeServer _server;
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;
    private int _cursor;

    public ActiveExpiryCycle(NodeServer server) => _server = server;

    public void Start() => _loop = Task.Run(LoopAsync);

    private async Task LoopAsync()
    {
        var hz = Math.Clamp(_server.Options.Hz, 1, 500);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(1000.0 / hz), _server.Clock);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                var budget = TimeSpan.FromMilliseconds(250.0 / hz * Math.Clamp(_server.Options.ActiveExpireEffort, 1, 10));
                RunOnce(budget);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>One pass: returns the number of keys deleted.</summary>
    public int RunOnce(TimeSpan budget)
    {
        var started = _server.Clock.GetTimestamp();
        var ctx = _server.Internal;
        var deleted = 0;
        var batch = new List<byte[]>();
        var slots = _server.Keyspace.Slots;
        var ttl = new TtlSample();
        for (var visited = 0; visited < slots.Count; visited++)
        {
            var slot = slots[_cursor];
            _cursor = (_cursor + 1) % slots.Count;
            if (!slot.HasExpiries) continue;
            deleted += ExpireSlot(ctx, slot, batch, ref ttl);
            if (_server.Clock.GetElapsedTime(started) > budget) break;
        }
        _server.Keyspace.UpdateAverageTtl(ttl);
        Interlocked.Increment(ref _server.Stats.ExpiredCycles);
        return deleted;
    }

    private int ExpireSlot(InternalExecutor ctx, SlotStore slot, List<byte[]> batch, ref TtlSample ttl)
    {
        var sample = new TtlSample();
        var n = ctx.WithSlot(slot.Slot, c =>
        {
            batch.Clear();
            slot.CollectExpired(c.NowMs, batch, 1000, ref sample);
            foreach (var k in batch) c.ExpireKey(k);
            return batch.Count;
        }, skipIfPaused: true); // a sealed slot must not change; its new owner expires the keys
        ttl.SumMs += sample.SumMs;
        ttl.Count += sample.Count;
        return n;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null) await _loop;
        _stop.Dispose();
    }
}
