namespace QuorumCache.MultiNode.Checker;

/// <summary>What a client asked for. Written to history artifacts by name; the numeric values
/// are append-only anyway (never renumber, never reuse) so old artifacts keep their meaning.</summary>
public enum OperationKind
{
    /// <summary>Read a register (GET). Output: the value read, null for nil.</summary>
    Read = 1,
    /// <summary>Write a register (SET). Value: the value written; null means delete (DEL).</summary>
    Write = 2,
    /// <summary>Compare-and-set a register. Expected: the value required; Value: the new value.
    /// Ok means it took effect; Fail means it definitely did not (e.g. mismatch).</summary>
    Cas = 3,
    /// <summary>Add one element to a set (SADD). Value: the element; elements are unique per history.</summary>
    Add = 4,
    /// <summary>Read a whole set (SMEMBERS). Elements: the members read.</summary>
    ReadSet = 5,
    /// <summary>Increment a counter (INCRBY). Value: the delta as a decimal integer; Output: the new value if known.</summary>
    Incr = 6,
    /// <summary>Read a counter (GET). Output: the decimal value, null for nil (taken as 0).</summary>
    ReadCounter = 7,
}

/// <summary>How an operation ended. Append-only numeric values (see <see cref="OperationKind"/>).</summary>
public enum Outcome
{
    /// <summary>The server acknowledged it: it took effect between invocation and completion.</summary>
    Ok = 1,
    /// <summary>It definitely did not take effect (an error the server guarantees is clean).</summary>
    Fail = 2,
    /// <summary>Timeout, dropped connection, "outcome unknown" error, or never completed: it may
    /// have taken effect at any time after its invocation, or never.</summary>
    Unknown = 3,
}

/// <summary>One client operation of a history. Times are monotonic ticks of the history's clock
/// (<see cref="History.TicksPerSecond"/>).</summary>
public sealed record Operation
{
    /// <summary>Position of the operation in its history (order of invocation when recorded).</summary>
    public required int Id { get; init; }
    /// <summary>The client (logical process) that ran it. A process runs one operation at a time.</summary>
    public required int Process { get; init; }
    public required string Key { get; init; }
    public required OperationKind Kind { get; init; }
    /// <summary>Input: value written, CAS new value, element added, or increment delta.</summary>
    public string? Value { get; init; }
    /// <summary>CAS only: the value the register must hold for the CAS to apply.</summary>
    public string? Expected { get; init; }
    /// <summary>Output: value read (null = nil) or the counter value returned.</summary>
    public string? Output { get; init; }
    /// <summary><see cref="OperationKind.ReadSet"/> only: the members read.</summary>
    public IReadOnlyList<string>? Elements { get; init; }
    public required long InvokeTicks { get; init; }
    /// <summary>When the client saw the reply or gave up; null if it never completed.</summary>
    public long? CompleteTicks { get; init; }
    public required Outcome Outcome { get; init; }
    /// <summary>Error text or reason for Fail / Unknown, for the reader of a history.</summary>
    public string? Error { get; init; }

    public override string ToString() => HistoryText.FormatOperation(this, null);
}
