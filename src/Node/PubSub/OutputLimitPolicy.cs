namespace QuorumCache.Node.Messaging;

/// <summary>
/// The <c>client-output-buffer-limit pubsub</c> settings: a limit of 0 disables it, as in Redis.
/// </summary>
public readonly record struct OutputLimits(long HardBytes, long SoftBytes, int SoftSeconds)
{
    public static OutputLimits From(Config.NodeOptions o) =>
        new(o.PubSubOutputHardLimit, o.PubSubOutputSoftLimit, o.PubSubOutputSoftSeconds);
}

/// <summary>What the policy decided for one observation of a subscriber's backlog.</summary>
/// <param name="Disconnect">The client must be dropped.</param>
/// <param name="SoftSinceMs">When the backlog went above the soft limit (-1 while it is not above).</param>
public readonly record struct OutputLimitVerdict(bool Disconnect, long SoftSinceMs);

/// <summary>
/// Redis's output buffer rule for pub/sub clients, as a pure function: drop the client when its
/// backlog reaches the hard limit, or when it has stayed at or above the soft limit for longer
/// than the soft period (the backlog is observed on every message and every completed flush).
/// </summary>
public static class OutputLimitPolicy
{
    public static OutputLimitVerdict Evaluate(long backlogBytes, long nowMs, long softSinceMs, OutputLimits limits)
    {
        if (limits.HardBytes > 0 && backlogBytes >= limits.HardBytes) return new(true, softSinceMs);
        if (limits.SoftBytes > 0 && backlogBytes >= limits.SoftBytes)
        {
            if (softSinceMs < 0) return new(false, nowMs);
            return new(nowMs - softSinceMs > limits.SoftSeconds * 1000L, softSinceMs);
        }
        return new(false, -1);
    }
}
