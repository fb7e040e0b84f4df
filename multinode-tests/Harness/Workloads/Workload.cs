using System.Collections.Concurrent;
using QuorumCache.MultiNode.Checker;

namespace QuorumCache.MultiNode.Harness.Workloads;

/// <summary>Counts of how a workload's operations ended, plus samples of its errors.</summary>
public sealed class WorkloadStats
{
    private int _ok, _rejected, _unknown, _unreachable, _redirects;
    private readonly ConcurrentQueue<string> _errors = new();

    public int Ok => _ok;
    public int Rejected => _rejected;
    public int Unknown => _unknown;
    public int Unreachable => _unreachable;
    public int Redirects => _redirects;
    public int Total => _ok + _rejected + _unknown + _unreachable;
    /// <summary>Operations that ended in anything but a reply (redirects followed are not errors).</summary>
    public int Errors => _rejected + _unknown + _unreachable;
    /// <summary>The first errors seen (at most 20), "process: command -> error".</summary>
    public IReadOnlyCollection<string> ErrorSamples => _errors.ToArray();

    public void Count(ClusterReply r, int process, string command)
    {
        Interlocked.Add(ref _redirects, r.Redirects);
        switch (r.Status)
        {
            case ReplyStatus.Ok: Interlocked.Increment(ref _ok); return;
            case ReplyStatus.Rejected: Interlocked.Increment(ref _rejected); break;
            case ReplyStatus.Unknown: Interlocked.Increment(ref _unknown); break;
            default: Interlocked.Increment(ref _unreachable); break;
        }
        if (_errors.Count < 20) _errors.Enqueue($"p{process}: {command} -> {r.Status}: {r.Error}");
    }

    public override string ToString() =>
        $"{Total} ops: {Ok} ok, {Rejected} rejected, {Unknown} unknown, {Unreachable} unreachable, {Redirects} redirects followed"
        + (_errors.IsEmpty ? "" : "\n  first errors:\n    " + string.Join("\n    ", _errors));
}

/// <summary>Settings shared by the workloads.</summary>
public sealed record WorkloadOptions
{
    public int Processes { get; init; } = 3;
    public int Keys { get; init; } = 12;
    public int Seed { get; init; }
    /// <summary>Prefix of every key, so runs on one cluster do not meet.</summary>
    public string Prefix { get; init; } = "w";
    /// <summary>Pause between one process's operations: keeps a 2-core machine from saturating.</summary>
    public TimeSpan Pace { get; init; } = TimeSpan.FromMilliseconds(4);
    public TimeSpan OpTimeout { get; init; } = TimeSpan.FromSeconds(3);
    public double ReadFraction { get; init; } = 0.4;
}

/// <summary>
/// The loop every workload shares: N logical processes, each with its own cluster client, one
/// operation at a time, until stopped. Subclasses say what one operation is.
/// </summary>
public abstract class Workload
{
    protected Workload(HistoryRecorder recorder, IReadOnlyList<int> seedPorts, WorkloadOptions options)
    {
        Recorder = recorder;
        SeedPorts = seedPorts;
        Options = options;
    }

    public HistoryRecorder Recorder { get; }
    public IReadOnlyList<int> SeedPorts { get; }
    public WorkloadOptions Options { get; }
    public WorkloadStats Stats { get; } = new();

    /// <summary>Runs until <paramref name="stop"/> is cancelled; returns when every process has finished its operation.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        await Task.WhenAll(Enumerable.Range(0, Options.Processes).Select(p => Task.Run(() => ProcessLoopAsync(p, stop)))).ConfigureAwait(false);
    }

    private async Task ProcessLoopAsync(int process, CancellationToken stop)
    {
        var rnd = new Random(HashCode.Combine(Options.Seed, process, GetType().Name));
        await using var client = new ClusterClient(SeedPorts, Options.OpTimeout);
        long n = 0;
        while (!stop.IsCancellationRequested)
        {
            var r = await OneOperationAsync(client, process, n++, rnd).ConfigureAwait(false);
            var wait = r.IsOk ? Options.Pace : TimeSpan.FromMilliseconds(50);
            try { await Task.Delay(wait, stop).ConfigureAwait(false); } catch (OperationCanceledException) { }
        }
    }

    /// <summary>One operation of process <paramref name="process"/>: record it, run it, complete the record.</summary>
    protected abstract Task<ClusterReply> OneOperationAsync(ClusterClient client, int process, long n, Random rnd);

    /// <summary>Completes a history record from a reply (Ok with the reply's text).</summary>
    protected void Complete(OpHandle h, ClusterReply r, int process, string command)
    {
        Stats.Count(r, process, command);
        switch (r.Status)
        {
            case ReplyStatus.Ok: Recorder.Ok(h, r.Value!.IsNull ? null : r.Value.Text); break;
            case ReplyStatus.Rejected:
            case ReplyStatus.Unreachable: Recorder.Fail(h, r.Error); break;
            default: Recorder.Unknown(h, r.Error); break;
        }
    }

    /// <summary>Reads <paramref name="key"/> with <paramref name="read"/> until it answers (bounded), for final reads.</summary>
    protected static async Task<ClusterReply> ReadUntilAnsweredAsync(ClusterClient client, string key, string[] read, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var r = await client.ExecuteAsync(key, read).ConfigureAwait(false);
            if (r.IsOk || DateTime.UtcNow >= deadline) return r;
            await Task.Delay(100).ConfigureAwait(false);
        }
    }
}
