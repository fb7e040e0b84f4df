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

    public static RespLimits Default { get; } = new();
}
