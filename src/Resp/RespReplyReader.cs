using System.Buffers;
using System.Globalization;
using System.Text;

namespace QuorumCache.Resp;

/// <summary>Reads any RESP2/RESP3 value (a reply or a push) from a byte sequence of any segmentation.</summary>
public static class RespReplyReader
{
    /// <summary>
    /// Tries to read one whole value. On false nothing is consumed (the reader is left where it was).
    /// Throws <see cref="RespProtocolException"/> on malformed input.
    /// </summary>
    public static bool TryRead(ref SequenceReader<byte> reader, out RespValue value)
    {
        var copy = reader;
        if (TryReadValue(ref copy, out value!, depth: 0))
        {
            reader = copy;
            return true;
        }
        return false;
    }

    private static bool TryReadValue(ref SequenceReader<byte> r, out RespValue? value, int depth)
    {
        value = null;
        if (depth > 512) throw new RespProtocolException("Protocol error: nesting too deep");
        if (!r.TryRead(out var type)) return false;
        if (!TryReadLine(ref r, out var line)) return false;
        switch ((RespType)type)
        {
            case RespType.SimpleString:
            case RespType.Error:
                value = new RespValue { Type = (RespType)type, Bytes = line };
                return true;
            case RespType.Integer:
                value = new RespValue { Type = RespType.Integer, Integer = ParseLong(line) };
                return true;
            case RespType.Null:
                value = RespValue.NullValue;
                return true;
            case RespType.Boolean:
                value = new RespValue { Type = RespType.Boolean, Integer = line.Length == 1 && line[0] == 't' ? 1 : 0 };
                return true;
            case RespType.Double:
                value = new RespValue { Type = RespType.Double, Double = ParseDouble(line) };
                return true;
            case RespType.BigNumber:
                value = new RespValue { Type = RespType.BigNumber, Bytes = line };
                return true;
            case RespType.BulkString:
            case RespType.BulkError:
            case RespType.Verbatim:
            {
                var len = ParseLong(line);
                if (len < 0)
                {
                    value = RespValue.NullValue;
                    return true;
                }
                if (r.Remaining < len + 2) return false;
                var bytes = new byte[len];
                r.UnreadSequence.Slice(0, len).CopyTo(bytes);
                r.Advance(len + 2);
                value = new RespValue { Type = (RespType)type, Bytes = bytes };
                return true;
            }
            case RespType.Array:
            case RespType.Set:
            case RespType.Push:
            case RespType.Map:
            case RespType.Attribute:
            {
                var n = ParseLong(line);
                if (n < 0)
                {
                    value = RespValue.NullValue;
                    return true;
                }
                if ((RespType)type is RespType.Map or RespType.Attribute) n *= 2;
                if (n > 64 * 1024 * 1024) throw new RespProtocolException("Protocol error: aggregate too large");
                var items = new RespValue[n];
                for (var i = 0; i < n; i++)
                    if (!TryReadValue(ref r, out items[i]!, depth + 1)) return false;
                if ((RespType)type == RespType.Attribute)
                    return TryReadValue(ref r, out value, depth); // attributes decorate the next value
                value = new RespValue { Type = (RespType)type, Items = items };
                return true;
            }
            default:
                throw new RespProtocolException($"Protocol error: unknown reply type '{(char)type}'");
        }
    }

    private static bool TryReadLine(ref SequenceReader<byte> r, out byte[] line)
    {
        if (r.TryReadTo(out ReadOnlySequence<byte> seq, "\r\n"u8))
        {
            line = seq.ToArray();
            return true;
        }
        line = [];
        return false;
    }

    private static long ParseLong(byte[] line) =>
        RespCommandReader.TryParseInt64(line, out var v) ? v : throw new RespProtocolException("Protocol error: bad number");

    private static double ParseDouble(byte[] line)
    {
        var s = Encoding.ASCII.GetString(line);
        return s switch
        {
            "inf" or "+inf" => double.PositiveInfinity,
            "-inf" => double.NegativeInfinity,
            "nan" => double.NaN,
            _ => double.Parse(s, CultureInfo.InvariantCulture),
        };
    }
}
