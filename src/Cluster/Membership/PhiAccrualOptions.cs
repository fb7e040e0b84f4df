namespace QuorumCache.Cluster.Membership;

/// <summary>
/// Settings of <see cref="PhiAccrualFailureDetector"/>. With a 100 ms heartbeat and these defaults a
/// silent node crosses the threshold after about 1.6 s (pause + mean + ~5 standard deviations).
/// </summary>
public sealed record PhiAccrualOptions
{
    /// <summary>Phi above which a node is suspected. Higher: fewer false suspicions, slower detection.</summary>
    public double Threshold { get; init; } = 8.0;

    /// <summary>How many inter-arrival intervals the sliding window keeps.</summary>
    public int MaxSampleSize { get; init; } = 200;

    /// <summary>Floor of the standard deviation, so perfectly regular heartbeats do not make phi jump on the first small delay.</summary>
    public double MinStdDeviationMs { get; init; } = 100;

    /// <summary>Added to the mean interval: a pause this long (GC, scheduling) is tolerated without suspicion.</summary>
    public double AcceptableHeartbeatPauseMs { get; init; } = 1000;

    /// <summary>Assumed interval before real samples exist; set it to the heartbeat interval.</summary>
    public double FirstHeartbeatEstimateMs { get; init; } = 100;

    public void Validate()
    {
        if (Threshold <= 0) throw new ArgumentOutOfRangeException(nameof(Threshold));
        if (MaxSampleSize <= 0) throw new ArgumentOutOfRangeException(nameof(MaxSampleSize));
        if (MinStdDeviationMs <= 0) throw new ArgumentOutOfRangeException(nameof(MinStdDeviationMs));
        if (AcceptableHeartbeatPauseMs < 0) throw new ArgumentOutOfRangeException(nameof(AcceptableHeartbeatPauseMs));
        if (FirstHeartbeatEstimateMs <= 0) throw new ArgumentOutOfRangeException(nameof(FirstHeartbeatEstimateMs));
    }
}
