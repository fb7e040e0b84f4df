namespace QuorumCache.MultiNode.Checker;

/// <summary>Settings of <see cref="LinearizabilityChecker"/>.</summary>
public sealed record LinearizabilityOptions
{
    /// <summary>Search steps allowed per key before the key is reported Unknown (inconclusive).
    /// A step takes well under a microsecond; the memo grows by at most one entry (~100 bytes) per step.</summary>
    public long MaxStepsPerKey { get; init; } = 2_000_000;

    /// <summary>Wall time allowed per key before the key is reported Unknown (inconclusive).</summary>
    public TimeSpan TimeBudgetPerKey { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Clock used for the time budget.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>Register value before the history starts; null = the key does not exist (nil).</summary>
    public string? InitialValue { get; init; }

    /// <summary>Reject reads of values no op could have written before searching (faster and a
    /// clearer message). Turn off only to exercise the search itself.</summary>
    public bool QuickChecks { get; init; } = true;

    /// <summary>Drop Unknown-outcome writes whose value no read or CAS ever observed. Exact (it
    /// cannot change the verdict) and it keeps timeouts from blowing up the search.</summary>
    public bool PruneUnobservedUnknownWrites { get; init; } = true;

    /// <summary>How many ops of the longest linearizable prefix a failure excerpt shows.</summary>
    public int ExcerptPrefixOps { get; init; } = 6;

    /// <summary>At most this many not-yet-placed concurrent ops are shown in an excerpt.</summary>
    public int ExcerptPendingOps { get; init; } = 10;
}
