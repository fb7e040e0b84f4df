namespace QuorumCache.MultiNode.Checker;

/// <summary>Identifies an operation in flight, returned by <see cref="HistoryRecorder.Invoke"/>.</summary>
public readonly record struct OpHandle(int Id);

/// <summary>
/// Records a history from many concurrent clients. Call <see cref="Invoke"/> just before sending
/// a request and <see cref="Complete"/> as soon as its reply (or failure) is known. Operations
/// still in flight when <see cref="Snapshot"/> is taken count as <see cref="Outcome.Unknown"/>.
/// Thread-safe; the clock is the injected <see cref="TimeProvider"/>'s monotonic timestamp.
/// </summary>
public sealed class HistoryRecorder
{
    private readonly object _gate = new();
    private readonly TimeProvider _time;
    private readonly List<Operation> _ops = new();
    private readonly List<bool> _done = new();
    private readonly long _origin;

    public HistoryRecorder(TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        _origin = _time.GetTimestamp();
    }

    public int Count { get { lock (_gate) return _ops.Count; } }

    /// <summary>Records the invocation of an operation and returns its handle.</summary>
    public OpHandle Invoke(int process, OperationKind kind, string key, string? value = null, string? expected = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        long now = _time.GetTimestamp();
        lock (_gate)
        {
            int id = _ops.Count;
            _ops.Add(new Operation
            {
                Id = id, Process = process, Key = key, Kind = kind, Value = value, Expected = expected,
                InvokeTicks = now, Outcome = Outcome.Unknown,
            });
            _done.Add(false);
            return new OpHandle(id);
        }
    }

    /// <summary>Records how the operation ended. Each handle completes once.</summary>
    public void Complete(OpHandle handle, Outcome outcome, string? output = null, string? error = null,
        IReadOnlyList<string>? elements = null)
    {
        long now = _time.GetTimestamp();
        lock (_gate)
        {
            if ((uint)handle.Id >= (uint)_ops.Count) throw new ArgumentOutOfRangeException(nameof(handle));
            if (_done[handle.Id]) throw new InvalidOperationException($"operation {handle.Id} already completed");
            _done[handle.Id] = true;
            _ops[handle.Id] = _ops[handle.Id] with
            {
                Outcome = outcome, Output = output, Error = error, CompleteTicks = now,
                Elements = elements is null ? null : elements.ToArray(),
            };
        }
    }

    public void Ok(OpHandle handle, string? output = null) => Complete(handle, Outcome.Ok, output);
    public void OkSet(OpHandle handle, IReadOnlyList<string> elements) => Complete(handle, Outcome.Ok, elements: elements);
    public void Fail(OpHandle handle, string? error = null) => Complete(handle, Outcome.Fail, error: error);
    public void Unknown(OpHandle handle, string? error = null) => Complete(handle, Outcome.Unknown, error: error);

    /// <summary>A copy of the history so far; operations not completed yet are Unknown with no completion time.</summary>
    public History Snapshot()
    {
        lock (_gate)
        {
            var copy = new Operation[_ops.Count];
            for (int i = 0; i < copy.Length; i++)
                copy[i] = _done[i] ? _ops[i] : _ops[i] with { Error = _ops[i].Error ?? "never completed" };
            return new History(copy, _time.TimestampFrequency, _origin);
        }
    }
}
