using QuorumCache.MultiNode.Checker;

namespace QuorumCache.MultiNode.Harness.Workloads;

/// <summary>Counters: INCR and GET on a few keys; <see cref="FinalReadsAsync"/> then <see cref="CounterChecker"/>.</summary>
public sealed class CounterWorkload(HistoryRecorder recorder, IReadOnlyList<int> seedPorts, WorkloadOptions options)
    : Workload(recorder, seedPorts, options)
{
    public IReadOnlyList<string> Keys { get; } =
        Enumerable.Range(0, options.Keys).Select(k => $"{options.Prefix}:ctr:{k}").ToArray();

    protected override async Task<ClusterReply> OneOperationAsync(ClusterClient client, int process, long n, Random rnd)
    {
        var key = Keys[rnd.Next(Keys.Count)];
        if (rnd.NextDouble() < Options.ReadFraction)
        {
            var h = Recorder.Invoke(process, OperationKind.ReadCounter, key);
            var r = await client.ExecuteAsync(key, "GET", key).ConfigureAwait(false);
            Complete(h, r, process, $"GET {key}");
            return r;
        }
        var hi = Recorder.Invoke(process, OperationKind.Incr, key, "1");
        var i = await client.ExecuteAsync(key, "INCR", key).ConfigureAwait(false);
        Complete(hi, i, process, $"INCR {key}");
        return i;
    }

    /// <summary>One last GET per key, after the workload stopped, recorded as process 1000.</summary>
    public async Task FinalReadsAsync(TimeSpan timeout)
    {
        await using var client = new ClusterClient(SeedPorts, Options.OpTimeout);
        foreach (var key in Keys)
        {
            var h = Recorder.Invoke(1000, OperationKind.ReadCounter, key);
            var r = await ReadUntilAnsweredAsync(client, key, new[] { "GET", key }, timeout).ConfigureAwait(false);
            Complete(h, r, 1000, $"GET {key}");
        }
    }
}
