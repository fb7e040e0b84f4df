using QuorumCache.MultiNode.Checker;

namespace QuorumCache.MultiNode.Harness.Workloads;

/// <summary>
/// Sets: adds unique elements and reads whole sets. Uses SADD/SMEMBERS when the node has SADD
/// (asked with COMMAND INFO), else models a set as a string grown with APPEND "element," and read
/// with GET. <see cref="FinalReadsAsync"/> then <see cref="SetChecker"/>.
/// </summary>
public sealed class SetWorkload(HistoryRecorder recorder, IReadOnlyList<int> seedPorts, WorkloadOptions options, bool useSadd)
    : Workload(recorder, seedPorts, options)
{
    public bool UsesSadd { get; } = useSadd;

    public IReadOnlyList<string> Keys { get; } =
        Enumerable.Range(0, options.Keys).Select(k => $"{options.Prefix}:set:{k}").ToArray();

    /// <summary>True if <paramref name="node"/> knows SADD (COMMAND INFO answers a non-null entry).</summary>
    public static async Task<bool> NodeHasSaddAsync(NodeProcess node)
    {
        var r = await node.CommandAsync("COMMAND", "INFO", "sadd").ConfigureAwait(false);
        return !r.IsError && r.Count == 1 && !r[0].IsNull;
    }

    protected override async Task<ClusterReply> OneOperationAsync(ClusterClient client, int process, long n, Random rnd)
    {
        var key = Keys[rnd.Next(Keys.Count)];
        if (rnd.NextDouble() < Options.ReadFraction / 4) return await ReadSetAsync(client, process, key).ConfigureAwait(false);
        var element = $"p{process}e{n}";
        var h = Recorder.Invoke(process, OperationKind.Add, key, element);
        var r = UsesSadd
            ? await client.ExecuteAsync(key, "SADD", key, element).ConfigureAwait(false)
            : await client.ExecuteAsync(key, "APPEND", key, element + ",").ConfigureAwait(false);
        Complete(h, r, process, $"add {element} to {key}");
        return r;
    }

    private async Task<ClusterReply> ReadSetAsync(ClusterClient client, int process, string key, TimeSpan? retryFor = null)
    {
        var h = Recorder.Invoke(process, OperationKind.ReadSet, key);
        var cmd = UsesSadd ? new[] { "SMEMBERS", key } : new[] { "GET", key };
        var r = retryFor is { } t
            ? await ReadUntilAnsweredAsync(client, key, cmd, t).ConfigureAwait(false)
            : await client.ExecuteAsync(key, cmd).ConfigureAwait(false);
        Stats.Count(r, process, $"read set {key}");
        if (r.IsOk) Recorder.OkSet(h, Elements(r));
        else if (r.Status == ReplyStatus.Unknown) Recorder.Unknown(h, r.Error);
        else Recorder.Fail(h, r.Error);
        return r;
    }

    private IReadOnlyList<string> Elements(ClusterReply r)
    {
        if (UsesSadd) return (r.Value!.Items ?? Array.Empty<Resp.RespValue>()).Select(i => i.Text ?? "").ToArray();
        var text = r.Value!.IsNull ? "" : r.Value.Text ?? "";
        return text.Split(',', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>One last read of every set after the workload stopped, recorded as process 1000.</summary>
    public async Task FinalReadsAsync(TimeSpan timeout)
    {
        await using var client = new ClusterClient(SeedPorts, Options.OpTimeout);
        foreach (var key in Keys) await ReadSetAsync(client, 1000, key, timeout).ConfigureAwait(false);
    }
}
