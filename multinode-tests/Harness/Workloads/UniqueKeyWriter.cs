using System.Collections.Concurrent;

namespace QuorumCache.MultiNode.Harness.Workloads;

/// <summary>
/// Writes keys that are each written once (SET key value), remembering which were acknowledged,
/// so a spec can read them all back afterwards: the simplest "no lost acknowledged write" check.
/// </summary>
public sealed class UniqueKeyWriter
{
    private readonly IReadOnlyList<int> _seeds;
    private readonly WorkloadOptions _options;
    private readonly ConcurrentDictionary<string, string> _acked = new(StringComparer.Ordinal);

    public UniqueKeyWriter(IReadOnlyList<int> seedPorts, WorkloadOptions options)
    {
        _seeds = seedPorts;
        _options = options;
    }

    public WorkloadStats Stats { get; } = new();
    /// <summary>Key → value of every write the cluster acknowledged with OK.</summary>
    public IReadOnlyDictionary<string, string> Acknowledged => _acked;

    public async Task RunAsync(CancellationToken stop)
    {
        await Task.WhenAll(Enumerable.Range(0, _options.Processes).Select(p => Task.Run(() => WriterAsync(p, stop)))).ConfigureAwait(false);
    }

    private async Task WriterAsync(int process, CancellationToken stop)
    {
        await using var client = new ClusterClient(_seeds, _options.OpTimeout);
        for (long n = 0; !stop.IsCancellationRequested; n++)
        {
            var key = $"{_options.Prefix}:uk:{process}:{n}";
            var value = $"v{_options.Seed}-{process}-{n}";
            var r = await client.ExecuteAsync(key, "SET", key, value).ConfigureAwait(false);
            Stats.Count(r, process, $"SET {key}");
            if (r.IsOk && r.Value!.Text == "OK") _acked[key] = value;
            var wait = r.IsOk ? _options.Pace : TimeSpan.FromMilliseconds(50);
            try { await Task.Delay(wait, stop).ConfigureAwait(false); } catch (OperationCanceledException) { }
        }
    }

    /// <summary>
    /// Reads back every acknowledged key accepted by <paramref name="include"/> (all if null) and
    /// returns the ones that are missing or hold another value, as "key: expected X, read Y".
    /// </summary>
    public async Task<IReadOnlyList<string>> FindLostAsync(IReadOnlyList<int> seedPorts, Func<string, bool>? include = null)
    {
        var lost = new ConcurrentBag<string>();
        var keys = _acked.Keys.Where(k => include is null || include(k)).ToArray();
        var chunks = keys.Chunk(Math.Max(1, keys.Length / 4 + 1));
        await Task.WhenAll(chunks.Select(async chunk =>
        {
            await using var client = new ClusterClient(seedPorts, _options.OpTimeout);
            foreach (var key in chunk)
            {
                ClusterReply r = await client.ExecuteAsync(key, "GET", key).ConfigureAwait(false);
                for (int attempt = 0; !r.IsOk && attempt < 20; attempt++)
                {
                    await Task.Delay(100).ConfigureAwait(false);
                    r = await client.ExecuteAsync(key, "GET", key).ConfigureAwait(false);
                }
                var expected = _acked[key];
                if (!r.IsOk) lost.Add($"{key}: expected {expected}, read failed: {r}");
                else if (r.Value!.Text != expected) lost.Add($"{key}: expected {expected}, read {r.Value}");
            }
        })).ConfigureAwait(false);
        return lost.OrderBy(s => s, StringComparer.Ordinal).ToArray();
    }
}
