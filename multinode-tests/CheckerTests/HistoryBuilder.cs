using QuorumCache.MultiNode.Checker;

namespace QuorumCache.MultiNode.CheckerTests;

/// <summary>Hand-made histories for tests; ticks are milliseconds.</summary>
internal sealed class HistoryBuilder
{
    private readonly List<Operation> _ops = new();

    public HistoryBuilder Add(int process, OperationKind kind, string key, long invoke, long? complete, Outcome outcome,
        string? value = null, string? output = null, string? expected = null, IReadOnlyList<string>? elements = null)
    {
        _ops.Add(new Operation
        {
            Id = _ops.Count, Process = process, Key = key, Kind = kind, Value = value, Expected = expected,
            Output = output, Elements = elements, InvokeTicks = invoke, CompleteTicks = complete, Outcome = outcome,
        });
        return this;
    }

    public HistoryBuilder Write(int p, string key, string? value, long invoke, long complete, Outcome outcome = Outcome.Ok) =>
        Add(p, OperationKind.Write, key, invoke, complete, outcome, value: value);

    public HistoryBuilder WriteUnknown(int p, string key, string value, long invoke, long? complete = null) =>
        Add(p, OperationKind.Write, key, invoke, complete, Outcome.Unknown, value: value);

    public HistoryBuilder Read(int p, string key, string? output, long invoke, long complete, Outcome outcome = Outcome.Ok) =>
        Add(p, OperationKind.Read, key, invoke, complete, outcome, output: outcome == Outcome.Ok ? output : null);

    public HistoryBuilder Cas(int p, string key, string expected, string value, long invoke, long? complete, Outcome outcome = Outcome.Ok) =>
        Add(p, OperationKind.Cas, key, invoke, complete, outcome, value: value, expected: expected);

    public History Build() => new(_ops.ToArray());
}
