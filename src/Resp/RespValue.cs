using System.Text;

namespace QuorumCache.Resp;

/// <summary>Reply types. Values equal RESP's type bytes; never renumber.</summary>
public enum RespType : byte
{
    SimpleString = (byte)'+',
    Error = (byte)'-',
    Integer = (byte)':',
    BulkString = (byte)'$',
    Array = (byte)'*',
    Null = (byte)'_',
    Boolean = (byte)'#',
    Double = (byte)',',
    BigNumber = (byte)'(',
    BulkError = (byte)'!',
    Verbatim = (byte)'=',
    Map = (byte)'%',
    Set = (byte)'~',
    Attribute = (byte)'|',
    Push = (byte)'>',
}

/// <summary>
/// A parsed reply, as the RESP client sees it. RESP2's null bulk string and null array are
/// both <see cref="RespType.Null"/> with <see cref="IsNull"/> true. Maps keep their items flat
/// (key, value, key, value...).
/// </summary>
public sealed class RespValue
{
    public RespType Type { get; init; }
    public byte[]? Bytes { get; init; }
    public long Integer { get; init; }
    public double Double { get; init; }
    public RespValue[]? Items { get; init; }

    public bool IsNull => Type == RespType.Null;
    public bool IsError => Type is RespType.Error or RespType.BulkError;

    /// <summary>The text of a string-like reply (simple, bulk, verbatim without its format, error, big number).</summary>
    public string? Text => Type switch
    {
        RespType.Integer => Integer.ToString(),
        RespType.Double => RespFormat.FormatDouble(Double),
        RespType.Boolean => Integer != 0 ? "true" : "false",
        RespType.Null => null,
        _ when Bytes is null => null,
        RespType.Verbatim when Bytes.Length >= 4 => Encoding.UTF8.GetString(Bytes, 4, Bytes.Length - 4),
        _ => Encoding.UTF8.GetString(Bytes),
    };

    public static readonly RespValue NullValue = new() { Type = RespType.Null };

    public RespValue this[int i] => Items![i];

    public int Count => Items?.Length ?? 0;

    /// <summary>A readable rendering, close to redis-cli's, for assertions and logs.</summary>
    public override string ToString() => Type switch
    {
        RespType.Null => "(nil)",
        RespType.Integer => $"(integer) {Integer}",
        RespType.Error or RespType.BulkError => $"(error) {Text}",
        RespType.Array or RespType.Set or RespType.Push or RespType.Map or RespType.Attribute =>
            "[" + string.Join(", ", Items!.Select(i => i.ToString())) + "]",
        _ => Text ?? "",
    };
}
