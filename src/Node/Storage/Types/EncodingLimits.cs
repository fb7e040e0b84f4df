namespace QuorumCache.Node.Storage.Types;

/// <summary>
/// The thresholds at which compact encodings convert (Redis's <c>*-max-listpack-*</c>,
/// <c>set-max-intset-entries</c> and <c>list-max-listpack-size</c> settings). One immutable instance
/// per node, swapped whole by CONFIG SET; conversions read the current one when a value is written,
/// so existing values keep their encoding until then, as in Redis. Settings beyond int range are
/// clamped here (no value can hold more than int.MaxValue entries anyway); CONFIG GET reports the
/// unclamped setting from <see cref="Hosting.NodeOptions"/>.
/// </summary>
public sealed record EncodingLimits
{
    public static readonly EncodingLimits Default = new();

    /// <summary>Never converts: for copies that must keep the encoding they were made from.</summary>
    public static readonly EncodingLimits Unbounded = new()
    {
        ZSetMaxListpackEntries = int.MaxValue, ZSetMaxListpackValue = int.MaxValue,
        HashMaxListpackEntries = int.MaxValue, HashMaxListpackValue = int.MaxValue,
        SetMaxIntsetEntries = int.MaxValue, SetMaxListpackEntries = int.MaxValue, SetMaxListpackValue = int.MaxValue,
        ListMaxListpackSize = int.MaxValue, HllSparseMaxBytes = long.MaxValue,
    };

    public int ZSetMaxListpackEntries { get; init; } = 128;
    public int ZSetMaxListpackValue { get; init; } = 64;

    /// <summary>128 as in Redis's shipped redis.conf (redis-server without a file uses its built-in 512).</summary>
    public int HashMaxListpackEntries { get; init; } = 128;
    public int HashMaxListpackValue { get; init; } = 64;

    public int SetMaxIntsetEntries { get; init; } = 512;
    public int SetMaxListpackEntries { get; init; } = 128;
    public int SetMaxListpackValue { get; init; } = 64;

    /// <summary>list-max-listpack-size: negative = a byte limit (see <see cref="ListpackSize.LimitBytes"/>), positive = entries.</summary>
    public int ListMaxListpackSize { get; init; } = -2;

    public static int Clamp(long x) => (int)Math.Clamp(x, int.MinValue, int.MaxValue);

    /// <summary>hll-sparse-max-bytes: a sparse HyperLogLog that would grow past this many bytes (header included) turns dense.</summary>
    public long HllSparseMaxBytes { get; init; } = 3000;
}
