using QuorumCache.MultiNode.Checker;

namespace QuorumCache.MultiNode.Harness.Workloads;

/// <summary>
/// Registers: SET with a value unique across the whole run, and GET, on a few keys, by several
/// processes. The history goes to <see cref="LinearizabilityChecker"/>.
/// </summary>
public sealed class RegisterWorkload(HistoryRecorder recorder, IReadOnlyList<int> seedPorts, WorkloadOptions options)
    : Workload(recorder, seedPorts, options)
{
    public IReadOnlyList<string> Keys { get; } =
        Enumerable.Range(0, options.Keys).Select(k => $"{options.Prefix}:reg:{k}").ToArray();

    protected override async Task<ClusterReply> OneOperationAsync(ClusterClient client, int process, long n, Random rnd)
    {
        var key = Keys[rnd.Next(Keys.Count)];
        if (rnd.NextDouble() < Options.ReadFraction)
        {
            var h = Recorder.Invoke(process, OperationKind.Read, key);
            var r = await client.ExecuteAsync(key, "GET", key).ConfigureAwait(false);
            Complete(h, r, process, $"GET {key}");
            return r;
        }
        var value = $"p{process}-{n}";
        var hw = Recorder.Invoke(process, OperationKind.Write, key, value);
        var w = await client.ExecuteAsync(key, "SET", key, value).ConfigureAwait(false);
        Complete(hw, w, process, $"SET {key} {value}");
        return w;
    }
}
