using System.Buffers.Text;
using System.Globalization;
using System.Text;
using QuorumCache.Resp;

namespace QuorumCache.Node.Storage;

/// <summary>Numbers as Redis reads and writes them (arguments, and the integer encodings of stored values).</summary>
public static class ArgParse
{
    /// <summary>A 64-bit integer as Redis's string2ll accepts it (no '+', no spaces, no leading zeros).</summary>
    public static bool TryInt64(ReadOnlySpan<byte> s, out long value) => RespCommandReader.TryParseInt64(s, out value);

    /// <summary>A double as Redis's strtod-based parsing accepts it: no spaces, "inf"/"-inf", no NaN.</summary>
    public static bool TryDouble(ReadOnlySpan<byte> s, out double value)
    {
        value = 0;
        if (s.Length == 0 || s.Length > 256) return false;
        if (IsSpace(s[0]) || IsSpace(s[^1])) return false;
        if (Ascii.EqualsIgnoreCase(s, "inf"u8) || Ascii.EqualsIgnoreCase(s, "+inf"u8) || Ascii.EqualsIgnoreCase(s, "infinity"u8) || Ascii.EqualsIgnoreCase(s, "+infinity"u8))
        {
            value = double.PositiveInfinity;
            return true;
        }
        if (Ascii.EqualsIgnoreCase(s, "-inf"u8) || Ascii.EqualsIgnoreCase(s, "-infinity"u8))
        {
            value = double.NegativeInfinity;
            return true;
        }
        if (Utf8Parser.TryParse(s, out value, out var consumed) && consumed == s.Length) return !double.IsNaN(value);
        // Utf8Parser rejects some forms strtod accepts (e.g. "1e", hex is not needed); fall back.
        Span<char> chars = stackalloc char[s.Length];
        for (var i = 0; i < s.Length; i++) chars[i] = (char)s[i];
        if (double.TryParse(chars, NumberStyles.Float, CultureInfo.InvariantCulture, out value)) return !double.IsNaN(value);
        return false;
    }

    private static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or (byte)'\v' or (byte)'\f';

    public static bool TryInt32(ReadOnlySpan<byte> s, out int value)
    {
        if (TryInt64(s, out var l) && l is >= int.MinValue and <= int.MaxValue)
        {
            value = (int)l;
            return true;
        }
        value = 0;
        return false;
    }

    public static byte[] FormatInt64(long v)
    {
        Span<byte> tmp = stackalloc byte[24];
        Utf8Formatter.TryFormat(v, tmp, out var n);
        return tmp.Slice(0, n).ToArray();
    }

    public static string Str(ReadOnlySpan<byte> s) => Encoding.UTF8.GetString(s);
}
