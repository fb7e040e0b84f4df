namespace QuorumCache.Tests.Cluster.Replication.Sim;

/// <summary>
/// The virtual world of a replication simulation: one clock, one seeded random source and one queue of events,
/// run in (time, insertion) order, so a seed replays exactly.
/// </summary>
internal sealed class SimWorld(int seed)
{
    private readonly PriorityQueue<Action, (long, long)> _events = new();
    private long _order;

    public Random Rng { get; } = new(seed);
    public long Now { get; private set; }
    public int Seed { get; } = seed;
    public long Steps { get; private set; }

    public void At(long time, Action action) => _events.Enqueue(action, (Math.Max(time, Now), _order++));

    public void After(long delay, Action action) => At(Now + delay, action);

    /// <summary>Runs events until the clock passes <paramref name="until"/> or nothing is left.</summary>
    public void RunUntil(long until)
    {
        while (_events.TryPeek(out _, out var key) && key.Item1 <= until)
        {
            var action = _events.Dequeue();
            Now = key.Item1;
            Steps++;
            action();
        }
        Now = Math.Max(Now, until);
    }

    public bool Chance(double p) => Rng.NextDouble() < p;

    public int Between(int min, int maxInclusive) => Rng.Next(min, maxInclusive + 1);
}
