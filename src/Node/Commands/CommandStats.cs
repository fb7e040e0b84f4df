using System.Numerics;
using System.Runtime.InteropServices;

namespace QuorumCache.Node.Commands;

/// <summary>
/// INFO commandstats counters of one command or subcommand: calls, time spent in the handler,
/// calls rejected before running (arity, NOAUTH, CROSSSLOT, MOVED, refused in MULTI) and calls whose
/// reply was an error. Times are microseconds from the coarse clock (see Dispatcher.Invoke). Striped
/// by processor, one cache line per stripe: every command updates them, so one shared line would be
/// written by every core on every command; INFO adds the stripes up.
/// </summary>
public sealed class CommandStats(string name)
{
    [StructLayout(LayoutKind.Explicit, Size = 64)] // one cache line per stripe
    private struct Cell
    {
        [FieldOffset(0)] public long Calls;
        [FieldOffset(8)] public long Micros;
        [FieldOffset(16)] public long Rejected;
        [FieldOffset(24)] public long Failed;
    }

    private static readonly int StripeMask = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Clamp(Environment.ProcessorCount, 1, 64)) - 1;
    private readonly Cell[] _cells = new Cell[StripeMask + 1];

    /// <summary>As INFO names it: "get", "client|list".</summary>
    public string Name { get; } = name;

    private ref Cell Mine => ref _cells[Thread.GetCurrentProcessorId() & StripeMask];

    public void AddCall(long micros, bool failed)
    {
        ref var c = ref Mine;
        Interlocked.Increment(ref c.Calls);
        if (micros != 0) Interlocked.Add(ref c.Micros, micros);
        if (failed) Interlocked.Increment(ref c.Failed);
    }

    public void AddRejected() => Interlocked.Increment(ref Mine.Rejected);

    public long Calls => Sum(0);
    public long Rejected => Sum(2);
    public long Failed => Sum(3);
    public long Microseconds => Sum(1);

    /// <summary>One counter (0 calls, 1 ticks, 2 rejected, 3 failed) over all stripes.</summary>
    private long Sum(int field)
    {
        long n = 0;
        for (var i = 0; i < _cells.Length; i++)
        {
            ref var c = ref _cells[i];
            n += field switch
            {
                0 => Interlocked.Read(ref c.Calls),
                1 => Interlocked.Read(ref c.Micros),
                2 => Interlocked.Read(ref c.Rejected),
                _ => Interlocked.Read(ref c.Failed),
            };
        }
        return n;
    }

    public void Reset()
    {
        for (var i = 0; i < _cells.Length; i++) _cells[i] = default;
    }
}
