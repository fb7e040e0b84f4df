using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace QuorumCache.Node.Storage;

/// <summary>
/// Byte-string keys compared by content, with an alternate lookup by span so a command can look up a
/// key straight from the parse buffer without allocating. The hash is seeded per process (HashDoS).
/// </summary>
public sealed class KeyComparer : IEqualityComparer<byte[]>, IAlternateEqualityComparer<ReadOnlySpan<byte>, byte[]>
{
    public static readonly KeyComparer Instance = new();
    private static readonly ulong Seed = (ulong)Random.Shared.NextInt64() | 1;

    public bool Equals(byte[]? x, byte[]? y) =>
        ReferenceEquals(x, y) || (x is not null && y is not null && x.AsSpan().SequenceEqual(y));

    public int GetHashCode(byte[] obj) => Hash(obj);

    public bool Equals(ReadOnlySpan<byte> alternate, byte[] other) => alternate.SequenceEqual(other);

    public int GetHashCode(ReadOnlySpan<byte> alternate) => Hash(alternate);

    public byte[] Create(ReadOnlySpan<byte> alternate) => alternate.ToArray();

    /// <summary>A fast 64-bit multiply-xor hash over 8-byte words, folded to 32 bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Hash(ReadOnlySpan<byte> data)
    {
        const ulong m = 0x9E3779B97F4A7C15UL;
        var h = Seed ^ ((ulong)data.Length * m);
        ref var p = ref MemoryMarshal.GetReference(data);
        var i = 0;
        for (; i + 8 <= data.Length; i += 8)
        {
            var w = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref p, i));
            h = BitOperations.RotateLeft((h ^ w) * m, 29);
        }
        ulong tail = 0;
        for (var s = 0; i < data.Length; i++, s += 8) tail |= (ulong)Unsafe.Add(ref p, i) << s;
        h = (h ^ tail) * m;
        h ^= h >> 32;
        h *= 0xD6E8FEB86659FD93UL;
        h ^= h >> 32;
        return (int)h;
    }
}
