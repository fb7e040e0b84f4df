using System.Runtime.CompilerServices;

namespace QuorumCache.Cluster.Slots;

/// <summary>Key to hash slot, as Redis Cluster: CRC16/XMODEM of the key or of its {hash tag}, mod 16384.</summary>
public static class HashSlot
{
    public const int Count = 16384;

    private static readonly ushort[] Table = BuildTable();

    private static ushort[] BuildTable()
    {
        var t = new ushort[256];
        for (var i = 0; i < 256; i++)
        {
            var crc = (ushort)(i << 8);
            for (var b = 0; b < 8; b++)
                crc = (crc & 0x8000) != 0 ? (ushort)((crc << 1) ^ 0x1021) : (ushort)(crc << 1);
            t[i] = crc;
        }
        return t;
    }

    /// <summary>CRC16/XMODEM: polynomial 0x1021, initial 0, no reflection, no final xor.</summary>
    public static ushort Crc16(ReadOnlySpan<byte> data)
    {
        ushort crc = 0;
        var table = Table;
        foreach (var b in data)
            crc = (ushort)((crc << 8) ^ table[((crc >> 8) ^ b) & 0xFF]);
        return crc;
    }

    /// <summary>The slot of <paramref name="key"/>, honouring a non-empty {hash tag}.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Of(ReadOnlySpan<byte> key)
    {
        var open = key.IndexOf((byte)'{');
        if (open >= 0)
        {
            var close = key.Slice(open + 1).IndexOf((byte)'}');
            if (close > 0) key = key.Slice(open + 1, close);
        }
        return Crc16(key) & (Count - 1);
    }

    public static int Of(string key) => Of(System.Text.Encoding.UTF8.GetBytes(key));
}
