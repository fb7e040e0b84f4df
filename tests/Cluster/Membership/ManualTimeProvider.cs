namespace QuorumCache.Tests.Cluster.Membership;

/// <summary>A virtual clock: time moves only by <see cref="Advance"/>, which fires due timers in time order on the caller's thread.</summary>
internal sealed class ManualTimeProvider : TimeProvider
{
    private readonly List<ManualTimer> _timers = new();
    private long _nowMs;

    public long NowMs => _nowMs;

    public override long TimestampFrequency => 1000;
    public override long GetTimestamp() => _nowMs;
    public override DateTimeOffset GetUtcNow() => DateTimeOffset.UnixEpoch.AddMilliseconds(1_700_000_000_000 + _nowMs);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var t = new ManualTimer(this, callback, state);
        t.Change(dueTime, period);
        _timers.Add(t);
        return t;
    }

    /// <summary>Moves time forward by <paramref name="ms"/>, firing each timer at its due times along the way.</summary>
    public void Advance(long ms)
    {
        var target = _nowMs + ms;
        while (true)
        {
            ManualTimer? next = null;
            foreach (var t in _timers)
                if (t.DueMs is { } due && due <= target && (next is null || due < next.DueMs))
                    next = t;
            if (next is null)
                break;
            _nowMs = Math.Max(_nowMs, next.DueMs!.Value);
            next.Fire();
        }
        _nowMs = target;
    }

    private sealed class ManualTimer(ManualTimeProvider clock, TimerCallback callback, object? state) : ITimer
    {
        private long _periodMs;
        public long? DueMs { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            DueMs = dueTime == Timeout.InfiniteTimeSpan ? null : clock._nowMs + (long)dueTime.TotalMilliseconds;
            _periodMs = period == Timeout.InfiniteTimeSpan ? 0 : (long)period.TotalMilliseconds;
            return true;
        }

        public void Fire()
        {
            DueMs = _periodMs > 0 ? DueMs + _periodMs : null;
            callback(state);
        }

        public void Dispose() => DueMs = null;
        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
