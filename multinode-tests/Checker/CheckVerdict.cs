namespace QuorumCache.MultiNode.Checker;

/// <summary>What a checker concluded about a history.</summary>
public enum CheckVerdict
{
    /// <summary>The history satisfies the property (for registers: it is linearizable).</summary>
    Valid = 1,
    /// <summary>The history violates the property; the result carries a readable excerpt.</summary>
    Invalid = 2,
    /// <summary>Inconclusive: a budget ran out or data needed for a verdict is missing; the result says which.</summary>
    Unknown = 3,
}
