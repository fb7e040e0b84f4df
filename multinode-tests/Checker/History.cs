using System.Globalization;

namespace QuorumCache.MultiNode.Checker;

/// <summary>An immutable list of operations plus the clock they were timed with.</summary>
public sealed class History
{
    /// <param name="operations">The operations; their <see cref="Operation.Id"/> should be their index.</param>
    /// <param name="ticksPerSecond">Clock frequency of the tick values (1000 means ticks are milliseconds).</param>
    /// <param name="originTicks">Tick shown as time 0 in readable output.</param>
    public History(IReadOnlyList<Operation> operations, long ticksPerSecond = 1000, long originTicks = 0)
    {
        ArgumentNullException.ThrowIfNull(operations);
        if (ticksPerSecond <= 0) throw new ArgumentOutOfRangeException(nameof(ticksPerSecond));
        Operations = operations;
        TicksPerSecond = ticksPerSecond;
        OriginTicks = originTicks;
    }

    public IReadOnlyList<Operation> Operations { get; }
    public long TicksPerSecond { get; }
    public long OriginTicks { get; }
    public int Count => Operations.Count;

    /// <summary>Milliseconds since the origin, three decimals, invariant culture.</summary>
    public string FormatTime(long ticks)
    {
        double ms = (ticks - OriginTicks) * 1000.0 / TicksPerSecond;
        return ms.ToString("0.000", CultureInfo.InvariantCulture);
    }

    /// <summary>Operations grouped by key, each group in history order.</summary>
    public IReadOnlyDictionary<string, List<Operation>> ByKey()
    {
        var map = new Dictionary<string, List<Operation>>(StringComparer.Ordinal);
        foreach (var op in Operations)
        {
            if (!map.TryGetValue(op.Key, out var list)) map[op.Key] = list = new List<Operation>();
            list.Add(op);
        }
        return map;
    }

    /// <summary>The readable form: one operation per line.</summary>
    public override string ToString() => HistoryText.Format(this);
}
