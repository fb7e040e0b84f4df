using System.Diagnostics;

namespace QuorumCache.Node.Commands;

/// <summary>
/// INFO commandstats counters of one command or subcommand: calls, time spent in the handler,
/// calls rejected before running (arity, NOAUTH, CROSSSLOT, MOVED, refused in MULTI) and calls whose
/// reply was an error.
/// </summary>
public sealed class CommandStats(string name)
{
    /// <summary>As INFO names it: "get", "client|list".</summary>
    public string Name { get; } = name;
    public long Calls;
    public long Ticks;
    public long Rejected;
    public long Failed;

    public long Microseconds => (long)(Interlocked.Read(ref Ticks) * 1_000_000.0 / Stopwatch.Frequency);

    public void Reset()
    {
        Interlocked.Exchange(ref Calls, 0);
        Interlocked.Exchange(ref Ticks, 0);
        Interlocked.Exchange(ref Rejected, 0);
        Interlocked.Exchange(ref Failed, 0);
    }
}
