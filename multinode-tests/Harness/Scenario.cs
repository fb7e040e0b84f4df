using System.Diagnostics;
using System.Text;
using Xunit.Abstractions;

namespace QuorumCache.MultiNode.Harness;

/// <summary>A spec failed: the message carries the failing step, the seed, the timeline and every node's log tail.</summary>
public sealed class ScenarioFailedException(string message, Exception inner) : Exception(message, inner);

/// <summary>
/// A multi-node spec written as a scenario: named roles (the cluster's node names), steps with
/// their own timeouts, and barriers that wait (bounded) until the system shows a condition. On
/// failure it reports the step, the seed (QC_SEED=... replays the workloads' choices), the steps
/// so far and each node's log tail; it always tears the cluster down.
/// </summary>
public sealed class Scenario
{
    private readonly ITestOutputHelper? _output;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<string> _timeline = new();
    private readonly List<Func<string>> _notes = new();
    private TestCluster? _cluster;
    private bool _ownsCluster;

    private Scenario(string name, ITestOutputHelper? output, int seed)
    {
        Name = name;
        _output = output;
        Seed = seed;
    }

    public string Name { get; }
    /// <summary>Seed of every random choice the spec's workloads make. Set QC_SEED to replay one.</summary>
    public int Seed { get; }
    public TestCluster Cluster => _cluster ?? throw new InvalidOperationException("no cluster yet: call StartClusterAsync or UseCluster");

    /// <summary>The node playing role <paramref name="name"/>.</summary>
    public NodeProcess Role(string name) => Cluster[name];

    /// <summary>Runs a scenario; everything it starts is cleaned up, whatever happens.</summary>
    public static async Task RunAsync(string name, ITestOutputHelper? output, Func<Scenario, Task> body, TestCluster? shared = null)
    {
        var seedText = Environment.GetEnvironmentVariable("QC_SEED");
        var seed = int.TryParse(seedText, out var s) ? s : Random.Shared.Next(1, int.MaxValue);
        var scenario = new Scenario(name, output, seed) { _cluster = shared };
        scenario.Log($"scenario '{name}', seed {seed}");
        Exception? failure = null;
        try
        {
            await body(scenario).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            failure = e;
        }
        string? report = null;
        if (failure is not null)
        {
            report = scenario.FailureReport(failure);
            scenario.Log(report);
            if (scenario._cluster is not null) scenario._cluster.KeepArtifacts = true;
        }
        if (scenario._ownsCluster && scenario._cluster is not null)
        {
            try
            {
                await scenario._cluster.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (failure is null)
            {
                failure = e;
                report = scenario.FailureReport(e);
            }
        }
        if (failure is not null) throw new ScenarioFailedException(report!, failure);
        scenario.Log($"scenario '{name}' passed in {scenario._clock.Elapsed.TotalSeconds:0.0}s");
    }

    /// <summary>Starts a cluster owned by this scenario (torn down at its end).</summary>
    public async Task<TestCluster> StartClusterAsync(ClusterOptions options)
    {
        await StepAsync($"start cluster {string.Join(",", options.Names)}", options.ReadyTimeout + options.StartTimeout + TimeSpan.FromMinutes(5),
            async ct =>
            {
                _cluster = await TestCluster.StartAsync(options, ct).ConfigureAwait(false);
                _ownsCluster = true;
            }).ConfigureAwait(false);
        return Cluster;
    }

    /// <summary>Adds a line computed at failure time to the report (e.g. workload statistics).</summary>
    public void NoteOnFailure(Func<string> note) => _notes.Add(note);

    /// <summary>One step of the scenario, bounded by <paramref name="timeout"/>.</summary>
    public async Task StepAsync(string step, TimeSpan timeout, Func<CancellationToken, Task> action)
    {
        await StepAsync<bool>(step, timeout, async ct => { await action(ct).ConfigureAwait(false); return true; }).ConfigureAwait(false);
    }

    public async Task<T> StepAsync<T>(string step, TimeSpan timeout, Func<CancellationToken, Task<T>> action)
    {
        var started = _clock.Elapsed;
        Log($"step: {step} (timeout {timeout.TotalSeconds:0}s)");
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            var result = await action(cts.Token).WaitAsync(timeout + TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            Record($"ok    {step} ({(_clock.Elapsed - started).TotalSeconds:0.0}s)");
            return result;
        }
        catch (Exception e)
        {
            var why = e is TimeoutException or OperationCanceledException && cts.IsCancellationRequested
                ? $"timed out after {timeout.TotalSeconds:0}s" : "failed";
            Record($"FAIL  {step}: {why} ({(_clock.Elapsed - started).TotalSeconds:0.0}s)");
            throw new InvalidOperationException($"step '{step}' {why}: {e.Message}", e);
        }
    }

    /// <summary>Waits until a condition holds (polling, bounded); the name reads as the scenario's sentence.</summary>
    public Task BarrierAsync(string condition, TimeSpan timeout, Func<CancellationToken, Task<Observation>> probe) =>
        StepAsync($"barrier: {condition}", timeout + TimeSpan.FromSeconds(2),
            ct => Poll.UntilAsync(condition, timeout, probe, ct));

    private void Record(string line)
    {
        lock (_timeline) _timeline.Add($"[{_clock.Elapsed.TotalSeconds,6:0.0}s] {line}");
        Log(line);
    }

    public void Log(string line)
    {
        try { _output?.WriteLine($"[{_clock.Elapsed.TotalSeconds,6:0.0}s] {line}"); }
        catch (InvalidOperationException) { /* the test already finished */ }
    }

    private string FailureReport(Exception e)
    {
        var sb = new StringBuilder();
        sb.Append($"scenario '{Name}' failed (seed {Seed}; rerun with QC_SEED={Seed}):\n  {e.Message}\n");
        sb.Append("steps:\n");
        lock (_timeline) foreach (var t in _timeline) sb.Append("  ").Append(t).Append('\n');
        foreach (var note in _notes)
        {
            try { sb.Append(note()).Append('\n'); } catch (Exception ne) { sb.Append($"(note failed: {ne.Message})\n"); }
        }
        if (_cluster is not null) sb.Append(_cluster.Report(30));
        return sb.ToString();
    }
}
