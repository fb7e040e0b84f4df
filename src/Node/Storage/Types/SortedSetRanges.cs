using System.Text;

namespace QuorumCache.Node.Storage.Types;

/// <summary>A score interval as ZRANGEBYSCORE reads it: "(" makes a bound exclusive, "inf"/"-inf" allowed.</summary>
public readonly struct ScoreRange(double min, double max, bool minExclusive, bool maxExclusive) : INodeRange
{
    public double Min { get; } = min;
    public double Max { get; } = max;
    public bool MinExclusive { get; } = minExclusive;
    public bool MaxExclusive { get; } = maxExclusive;

    public bool GteMin(double v) => MinExclusive ? v > Min : v >= Min;
    public bool LteMax(double v) => MaxExclusive ? v < Max : v <= Max;
    bool INodeRange.StartsAfter(SkipListNode n) => !GteMin(n.Score);
    bool INodeRange.Contains(SkipListNode n) => LteMax(n.Score);
    public bool Contains(double v) => GteMin(v) && LteMax(v);

    /// <summary>True when no score can be in the range (min above max, or equal with an exclusive end).</summary>
    public bool IsEmpty => Min > Max || (Min == Max && (MinExclusive || MaxExclusive));

    /// <summary>Parses min and max with Redis's rules (strtod: leading spaces and an empty string are accepted, NaN is not).</summary>
    public static bool TryParse(ReadOnlySpan<byte> min, ReadOnlySpan<byte> max, out ScoreRange range)
    {
        range = default;
        if (!TryParseBound(min, out var lo, out var loEx) || !TryParseBound(max, out var hi, out var hiEx)) return false;
        range = new ScoreRange(lo, hi, loEx, hiEx);
        return true;
    }

    private static bool TryParseBound(ReadOnlySpan<byte> s, out double value, out bool exclusive)
    {
        exclusive = s.Length > 0 && s[0] == (byte)'(';
        if (exclusive) s = s[1..];
        value = 0;
        if (s.Length == 0) return true; // strtod converts nothing and stops at the terminator
        var i = 0;
        while (i < s.Length && s[i] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or (byte)'\v' or (byte)'\f') i++;
        if (i == s.Length) return false;
        return Score.TryParse(s[i..], out value);
    }
}

/// <summary>Which kind of bound a lex range end is: a string, or the "-" / "+" infinities.</summary>
public enum LexBoundKind
{
    Value = 0,
    MinusInfinity = 1,
    PlusInfinity = 2,
}

/// <summary>A member interval as ZRANGEBYLEX reads it: "[a" inclusive, "(a" exclusive, "-" and "+" the ends.</summary>
public readonly struct LexRange : INodeRange
{
    public LexRange(byte[] min, LexBoundKind minKind, bool minEx, byte[] max, LexBoundKind maxKind, bool maxEx)
    {
        Min = min;
        MinKind = minKind;
        MinExclusive = minEx;
        Max = max;
        MaxKind = maxKind;
        MaxExclusive = maxEx;
    }

    public byte[] Min { get; }
    public LexBoundKind MinKind { get; }
    public bool MinExclusive { get; }
    public byte[] Max { get; }
    public LexBoundKind MaxKind { get; }
    public bool MaxExclusive { get; }

    /// <summary>Compares a member with a bound: -1, 0 or 1.</summary>
    private static int Compare(ReadOnlySpan<byte> value, byte[] bound, LexBoundKind kind) => kind switch
    {
        LexBoundKind.MinusInfinity => 1,
        LexBoundKind.PlusInfinity => -1,
        _ => Math.Sign(value.SequenceCompareTo(bound)),
    };

    public bool GteMin(ReadOnlySpan<byte> v) => MinExclusive ? Compare(v, Min, MinKind) > 0 : Compare(v, Min, MinKind) >= 0;
    public bool LteMax(ReadOnlySpan<byte> v) => MaxExclusive ? Compare(v, Max, MaxKind) < 0 : Compare(v, Max, MaxKind) <= 0;
    bool INodeRange.StartsAfter(SkipListNode n) => !GteMin(n.Member);
    bool INodeRange.Contains(SkipListNode n) => LteMax(n.Member);
    public bool Contains(ReadOnlySpan<byte> v) => GteMin(v) && LteMax(v);

    public bool IsEmpty
    {
        get
        {
            int cmp;
            if (MinKind == MaxKind && MinKind != LexBoundKind.Value) cmp = 0;
            else if (MinKind == LexBoundKind.MinusInfinity || MaxKind == LexBoundKind.PlusInfinity) cmp = -1;
            else if (MinKind == LexBoundKind.PlusInfinity || MaxKind == LexBoundKind.MinusInfinity) cmp = 1;
            else cmp = Math.Sign(Min.AsSpan().SequenceCompareTo(Max));
            return cmp > 0 || (cmp == 0 && (MinExclusive || MaxExclusive));
        }
    }

    public static bool TryParse(ReadOnlySpan<byte> min, ReadOnlySpan<byte> max, out LexRange range)
    {
        range = default;
        if (!TryParseItem(min, out var lo, out var loKind, out var loEx) || !TryParseItem(max, out var hi, out var hiKind, out var hiEx))
            return false;
        range = new LexRange(lo, loKind, loEx, hi, hiKind, hiEx);
        return true;
    }

    private static bool TryParseItem(ReadOnlySpan<byte> s, out byte[] value, out LexBoundKind kind, out bool exclusive)
    {
        value = [];
        kind = LexBoundKind.Value;
        exclusive = false;
        if (s.Length == 0) return false;
        switch (s[0])
        {
            case (byte)'+':
                if (s.Length != 1) return false;
                kind = LexBoundKind.PlusInfinity;
                exclusive = true;
                return true;
            case (byte)'-':
                if (s.Length != 1) return false;
                kind = LexBoundKind.MinusInfinity;
                exclusive = true;
                return true;
            case (byte)'(':
                exclusive = true;
                value = s[1..].ToArray();
                return true;
            case (byte)'[':
                value = s[1..].ToArray();
                return true;
            default:
                return false;
        }
    }

    public override string ToString() =>
        $"{(MinKind == LexBoundKind.Value ? (MinExclusive ? "(" : "[") + Encoding.UTF8.GetString(Min) : MinKind.ToString())}.." +
        $"{(MaxKind == LexBoundKind.Value ? (MaxExclusive ? "(" : "[") + Encoding.UTF8.GetString(Max) : MaxKind.ToString())}";
}

/// <summary>Scores as Redis reads them with strtod: ArgParse's rules plus C99 hex floats ("0x1p3").</summary>
public static class Score
{
    public static bool TryParse(ReadOnlySpan<byte> s, out double value)
    {
        if (ArgParse.TryDouble(s, out value)) return true;
        return TryParseHex(s, out value);
    }

    private static bool TryParseHex(ReadOnlySpan<byte> s, out double value)
    {
        value = 0;
        var i = 0;
        var negative = false;
        if (i < s.Length && s[i] is (byte)'+' or (byte)'-') negative = s[i++] == (byte)'-';
        if (i + 2 > s.Length || s[i] != (byte)'0' || (s[i + 1] | 0x20) != (byte)'x') return false;
        i += 2;
        double mantissa = 0;
        var exp = 0;
        var digits = 0;
        var dot = false;
        for (; i < s.Length; i++)
        {
            var c = s[i];
            if (c == (byte)'.' && !dot)
            {
                dot = true;
                continue;
            }
            var d = HexValue(c);
            if (d < 0) break;
            mantissa = mantissa * 16 + d;
            if (dot) exp -= 4;
            digits++;
        }
        if (digits == 0) return false;
        if (i < s.Length)
        {
            if ((s[i] | 0x20) != (byte)'p' || !ArgParse.TryInt32(s[(i + 1)..], out var e) && !(s.Length > i + 1 && s[i + 1] == (byte)'+' && ArgParse.TryInt32(s[(i + 2)..], out e)))
                return false;
            exp += e;
        }
        value = Math.ScaleB(mantissa, exp);
        if (negative) value = -value;
        return true;
    }

    private static int HexValue(byte c) => c switch
    {
        >= (byte)'0' and <= (byte)'9' => c - '0',
        >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
        _ => -1,
    };
}

/// <summary>A range over skip-list order (by score or by member), for one-pass range deletion.</summary>
public interface INodeRange
{
    /// <summary>The node lies before the range's start.</summary>
    bool StartsAfter(SkipListNode n);

    /// <summary>A node at or after the start is still inside the range (not past its end).</summary>
    bool Contains(SkipListNode n);
}
