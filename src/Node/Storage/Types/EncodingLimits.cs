namespace QuorumCache.Node.Storage.Types;

/// <summary>
/// The thresholds at which compact encodings convert (Redis's <c>*-max-listpack-*</c> settings). One
/// immutable instance per node, swapped whole by CONFIG SET; conversions read the current one when a
/// value is touched, so existing values keep their encoding until then, as in Redis.
/// </summary>
public sealed record EncodingLimits
{
    public static readonly EncodingLimits Default = new();

    /// <summary>Never converts: for copies that must keep the encoding they were made from.</summary>
    public static readonly EncodingLimits Unbounded = new() { ZSetMaxListpackEntries = int.MaxValue, ZSetMaxListpackValue = int.MaxValue, HllSparseMaxBytes = long.MaxValue };

    public int ZSetMaxListpackEntries { get; init; } = 128;
    public int ZSetMaxListpackValue { get; init; } = 64;

    /// <summary>hll-sparse-max-bytes: a sparse HyperLogLog that would grow past this many bytes (header included) turns dense.</summary>
    public long HllSparseMaxBytes { get; init; } = 3000;
}
