namespace QuorumCache.Cluster.Membership;

/// <summary>
/// Phi-accrual failure detector (Hayashibara et al. 2004, in the variant Akka uses): inter-arrival
/// times of heartbeats are modelled as a normal distribution over a sliding window, with the
/// acceptable pause added to the mean and the standard deviation floored. Phi is
/// -log10(P(a heartbeat arrives later than now)); it grows continuously with the silence.
/// <para>Pure: all times are milliseconds passed in by the caller (a monotonic clock), nothing reads a clock.
/// Thread-safe: heartbeats from bus threads and queries from the coordinator may interleave.</para>
/// </summary>
public sealed class PhiAccrualFailureDetector
{
    private readonly Dictionary<string, NodeState> _nodes = new(StringComparer.Ordinal);
    private readonly object _gate = new();

    public PhiAccrualFailureDetector(PhiAccrualOptions? options = null)
    {
        Options = options ?? new PhiAccrualOptions();
        Options.Validate();
    }

    public PhiAccrualOptions Options { get; }

    /// <summary>Records a heartbeat from <paramref name="node"/> at <paramref name="nowMs"/>.</summary>
    public void Heartbeat(string node, long nowMs)
    {
        lock (_gate)
        {
            if (!_nodes.TryGetValue(node, out var state))
            {
                state = new NodeState(Options);
                state.LastMs = nowMs;
                _nodes[node] = state;
                return;
            }
            var interval = nowMs - state.LastMs;
            if (interval < 0)
                return; // out-of-order timestamp: ignore rather than corrupt the window
            // Like Akka, an interval that ended a period of suspicion is not learned: one long
            // outage would otherwise teach the detector to tolerate the next one.
            if (PhiOf(state, nowMs) < Options.Threshold)
                state.History.Add(interval);
            state.LastMs = nowMs;
        }
    }

    /// <summary>Suspicion level of <paramref name="node"/> at <paramref name="nowMs"/>; 0 for a node never heard from.</summary>
    public double Phi(string node, long nowMs)
    {
        lock (_gate)
            return _nodes.TryGetValue(node, out var state) ? PhiOf(state, nowMs) : 0.0;
    }

    /// <summary>True while phi is below the threshold. A node never heard from counts as available; see <see cref="IsMonitoring"/>.</summary>
    public bool IsAvailable(string node, long nowMs) => Phi(node, nowMs) < Options.Threshold;

    /// <summary>Whether at least one heartbeat from <paramref name="node"/> has been recorded.</summary>
    public bool IsMonitoring(string node)
    {
        lock (_gate) return _nodes.ContainsKey(node);
    }

    /// <summary>The time of the last heartbeat from <paramref name="node"/>, if any.</summary>
    public long? LastHeartbeatMs(string node)
    {
        lock (_gate) return _nodes.TryGetValue(node, out var s) ? s.LastMs : null;
    }

    /// <summary>Forgets a node (it left, or was declared down and will start over).</summary>
    public void Remove(string node)
    {
        lock (_gate) _nodes.Remove(node);
    }

    private double PhiOf(NodeState state, long nowMs)
    {
        var sinceLast = (double)(nowMs - state.LastMs);
        var mean = state.History.Mean + Options.AcceptableHeartbeatPauseMs;
        var std = Math.Max(state.History.StdDeviation, Options.MinStdDeviationMs);
        return ComputePhi(sinceLast, mean, std);
    }

    /// <summary>
    /// -log10 of the probability that a normal(mean, std) interval exceeds <paramref name="elapsedMs"/>,
    /// using the logistic approximation of the normal CDF (error below 1e-4), which stays finite far into the tail.
    /// </summary>
    public static double ComputePhi(double elapsedMs, double meanMs, double stdDeviationMs)
    {
        var y = (elapsedMs - meanMs) / stdDeviationMs;
        var e = Math.Exp(-y * (1.5976 + 0.070566 * y * y));
        // P(later) = e / (1 + e). Written two ways to keep precision on each side of the mean.
        return elapsedMs > meanMs
            ? -Math.Log10(e / (1.0 + e))
            : -Math.Log10(1.0 - 1.0 / (1.0 + e));
    }

    private sealed class NodeState
    {
        public readonly HeartbeatHistory History;
        public long LastMs;

        public NodeState(PhiAccrualOptions options)
        {
            History = new HeartbeatHistory(options.MaxSampleSize);
            // Seed the window so the first intervals are judged against the estimate, with a spread of a quarter of it.
            var mean = options.FirstHeartbeatEstimateMs;
            var spread = mean / 4;
            History.Add(mean - spread);
            History.Add(mean + spread);
        }
    }
}
