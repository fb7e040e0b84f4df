using System.Buffers.Binary;

namespace QuorumCache.Node.Commands.HyperLogLog;

/// <summary>
/// Redis's HyperLogLog string format (Redis 7.0), so values move between Redis and us byte for byte.
/// A 16-byte header: "HYLL", the encoding (0 dense, 1 sparse), three unused bytes, and the cached
/// cardinality as 8 little-endian bytes whose top bit (bit 7 of byte 15) marks it invalid. Then
/// 16384 registers (P = 14) of 6 bits each, dense or as sparse run-length opcodes (<see cref="HllSparse"/>).
/// Elements hash with MurmurHash64A and Redis's seed: the low 14 bits pick the register, the run of
/// zeros above them (plus one, at most 51) is the value the register keeps the maximum of.
/// </summary>
public static class Hll
{
    public const int P = 14;
    public const int Registers = 1 << P;          // 16384
    public const int Q = 64 - P;                  // 50: bits left for the zero run
    public const int HeaderSize = 16;
    public const int DenseSize = HeaderSize + (Registers * 6 + 7) / 8; // 12304
    public const byte Dense = 0;
    public const byte Sparse = 1;
    private const uint Seed = 0xadc83b19;

    public const string NotHll = "WRONGTYPE Key is not a valid HyperLogLog string value.";
    public const string Corrupted = "INVALIDOBJ Corrupted HLL object detected";

    /// <summary>Redis's check before any HLL command reads a string: magic, a known encoding, the dense size.</summary>
    public static bool IsValid(byte[] s) =>
        s.Length >= HeaderSize && s[0] == (byte)'H' && s[1] == (byte)'Y' && s[2] == (byte)'L' && s[3] == (byte)'L'
        && s[4] <= Sparse && (s[4] != Dense || s.Length == DenseSize);

    /// <summary>The empty HLL a new key gets: sparse, one XZERO opcode covering all 16384 registers.</summary>
    public static int WriteEmpty(Span<byte> dest)
    {
        dest[..HeaderSize].Clear();
        "HYLL"u8.CopyTo(dest);
        dest[4] = Sparse;
        dest[16] = 0x40 | ((Registers - 1) >> 8);
        dest[17] = (Registers - 1) & 0xFF;
        return HeaderSize + 2;
    }

    public static bool CacheValid(ReadOnlySpan<byte> s) => (s[15] & 0x80) == 0;

    public static void InvalidateCache(Span<byte> s) => s[15] |= 0x80;

    public static ulong CachedCount(ReadOnlySpan<byte> s) => BinaryPrimitives.ReadUInt64LittleEndian(s.Slice(8, 8));

    public static void SetCachedCount(Span<byte> s, ulong count) => BinaryPrimitives.WriteUInt64LittleEndian(s.Slice(8, 8), count);

    /// <summary>The register an element lands in and the value it offers (trailing zeros of the rest of the hash, plus one).</summary>
    public static int Hash(ReadOnlySpan<byte> element, out int index)
    {
        var h = Murmur64A(element, Seed);
        index = (int)(h & (Registers - 1));
        h >>= P;
        h |= 1UL << Q; // bounds the run at Q, so the value is at most Q + 1
        return System.Numerics.BitOperations.TrailingZeroCount(h) + 1;
    }

    /// <summary>Austin Appleby's MurmurHash64A, reading 8-byte blocks little-endian, as Redis does on every platform.</summary>
    public static ulong Murmur64A(ReadOnlySpan<byte> key, uint seed)
    {
        const ulong m = 0xc6a4a7935bd1e995UL;
        const int r = 47;
        var h = seed ^ ((ulong)key.Length * m);
        var blocks = key.Length & ~7;
        for (var i = 0; i < blocks; i += 8)
        {
            var k = BinaryPrimitives.ReadUInt64LittleEndian(key.Slice(i, 8));
            k *= m;
            k ^= k >> r;
            k *= m;
            h ^= k;
            h *= m;
        }
        var tail = key[blocks..];
        if (tail.Length > 0)
        {
            for (var i = tail.Length - 1; i >= 0; i--) h ^= (ulong)tail[i] << (8 * i);
            h *= m;
        }
        h ^= h >> r;
        h *= m;
        h ^= h >> r;
        return h;
    }
}
