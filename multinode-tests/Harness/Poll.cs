namespace QuorumCache.MultiNode.Harness;

/// <summary>The outcome of one look at the system: satisfied or not, and what was seen (for the timeout message).</summary>
public readonly record struct Observation(bool Satisfied, string Seen)
{
    public static Observation Yes(string seen = "") => new(true, seen);
    public static Observation No(string seen) => new(false, seen);
}

/// <summary>Polling with a deadline: the only way specs wait. Never a fixed sleep as an assertion.</summary>
public static class Poll
{
    /// <summary>
    /// Looks until <paramref name="probe"/> is satisfied or the timeout passes; then throws a
    /// <see cref="TimeoutException"/> naming the condition and the last thing seen. Exceptions of a
    /// probe count as "not yet" (a node may be restarting) and are reported if it never succeeds.
    /// </summary>
    public static async Task<string> UntilAsync(string condition, TimeSpan timeout,
        Func<CancellationToken, Task<Observation>> probe, CancellationToken ct = default, TimeSpan? interval = null)
    {
        var every = interval ?? TimeSpan.FromMilliseconds(200);
        var start = DateTime.UtcNow;
        var deadline = start + timeout;
        string seen = "(nothing observed yet)";
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            try
            {
                var o = await probe(ct).ConfigureAwait(false);
                if (o.Satisfied) return o.Seen;
                seen = o.Seen;
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                seen = $"{e.GetType().Name}: {e.Message}";
            }
            if (DateTime.UtcNow >= deadline)
                throw new TimeoutException($"not within {timeout.TotalSeconds:0.#}s: {condition}\n  last seen: {seen}");
            await Task.Delay(every, ct).ConfigureAwait(false);
        }
    }
}
