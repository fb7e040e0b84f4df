namespace QuorumCache.Resp;

/// <summary>Limits the command reader enforces, with Redis's defaults.</summary>
public sealed class RespLimits
{
    /// <summary>Largest bulk argument (Redis proto-max-bulk-len, 512 MB).</summary>
    public long MaxBulkLength { get; init; } = 512L * 1024 * 1024;

    /// <summary>Largest inline command line and largest header line (Redis PROTO_INLINE_MAX_SIZE).</summary>
    public int MaxInlineLength { get; init; } = 64 * 1024;

    /// <summary>Most arguments in one multibulk command (Redis: 1024*1024).</summary>
    public int MaxMultibulkLength { get; init; } = 1024 * 1024;

    /// <summary>
    /// Set for a client that has not authenticated on a server that requires it: it may send at most
    /// <see cref="UnauthenticatedMultibulkLength"/> arguments of at most <see cref="UnauthenticatedBulkLength"/>
    /// bytes each (Redis's limits), so a stranger cannot make the server buffer much.
    /// </summary>
    public bool Unauthenticated { get; init; }

    public const int UnauthenticatedMultibulkLength = 10;
    public const int UnauthenticatedBulkLength = 16384;

    public static RespLimits Default { get; } = new();

    /// <summary>The same limits for a client that has not authenticated yet.</summary>
    public RespLimits ForUnauthenticated() => new()
    {
        MaxBulkLength = MaxBulkLength,
        MaxInlineLength = MaxInlineLength,
        MaxMultibulkLength = MaxMultibulkLength,
        Unauthenticated = true,
    };
}
