using System.Diagnostics;

namespace QuorumCache.Node.Server;

/// <summary>
/// INFO's instantaneous_ops_per_sec and instantaneous_input/output_kbps: as Redis does, the mean rate
/// of the last 16 samples, one sample per period of the sampler (100 ms), each the change of a total
/// counter divided by the time since the previous sample.
/// </summary>
public sealed class InstantaneousMetrics
{
    private const int Samples = 16;
    private readonly double[] _ops = new double[Samples];
    private readonly double[] _input = new double[Samples];
    private readonly double[] _output = new double[Samples];
    private readonly Lock _gate = new();
    private int _next;
    private long _lastTimestamp;
    private long _lastOps, _lastInput, _lastOutput;

    /// <summary>Takes one sample of the running totals (called by one sampler loop).</summary>
    public void Sample(long totalOps, long inputBytes, long outputBytes, long timestamp)
    {
        lock (_gate)
        {
            if (_lastTimestamp != 0)
            {
                var seconds = Stopwatch.GetElapsedTime(_lastTimestamp, timestamp).TotalSeconds;
                if (seconds <= 0) return;
                _ops[_next] = (totalOps - _lastOps) / seconds;
                _input[_next] = (inputBytes - _lastInput) / seconds / 1024;
                _output[_next] = (outputBytes - _lastOutput) / seconds / 1024;
                _next = (_next + 1) % Samples;
            }
            _lastTimestamp = timestamp;
            (_lastOps, _lastInput, _lastOutput) = (totalOps, inputBytes, outputBytes);
        }
    }

    public long OpsPerSecond => (long)Mean(_ops);
    public double InputKbps => Mean(_input);
    public double OutputKbps => Mean(_output);

    private double Mean(double[] samples)
    {
        lock (_gate)
        {
            double sum = 0;
            foreach (var s in samples) sum += s;
            return sum / Samples;
        }
    }

    /// <summary>Samples every 100 ms until <paramref name="stop"/> is cancelled.</summary>
    public async Task RunAsync(NodeServer server, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
                Sample(server.TotalCommands, server.NetInputBytes, server.NetOutputBytes, Stopwatch.GetTimestamp());
        }
        catch (OperationCanceledException)
        {
        }
    }
}
