namespace QuorumCache.Node.Storage;

/// <summary>
/// Base of every non-string value (strings are stored as plain <c>byte[]</c>). Gives TYPE, OBJECT
/// ENCODING, COPY, MEMORY USAGE and the canonical dump used by tests what they need.
/// </summary>
public abstract class RedisObject
{
    /// <summary>The TYPE reply: "list", "hash", "set", "zset"...</summary>
    public abstract string TypeName { get; }

    /// <summary>The OBJECT ENCODING reply, following Redis's size thresholds where it makes sense.</summary>
    public abstract string EncodingName { get; }

    /// <summary>A deep copy (COPY command).</summary>
    public abstract RedisObject Clone();

    /// <summary>Approximate bytes used (MEMORY USAGE).</summary>
    public abstract long MemoryUsage();

    /// <summary>True when the value holds no elements (the key must then be deleted).</summary>
    public abstract bool IsEmpty { get; }

    /// <summary>
    /// Writes RESP commands that rebuild this value under <paramref name="key"/> on an empty keyspace
    /// (e.g. RPUSH, HSET, SADD, ZADD, in batches); returns how many commands were written. Used to move
    /// a slot to another node and to compare keyspaces.
    /// </summary>
    public abstract int WriteRestore(ReadOnlySpan<byte> key, Resp.RespWriter w);
}

/// <summary>Type names and encodings of any stored value, strings included.</summary>
public static class ValueInfo
{
    public static string TypeName(object value) => value is RedisObject o ? o.TypeName : "string";

    public static string EncodingName(object value)
    {
        if (value is RedisObject o) return o.EncodingName;
        var s = (byte[])value;
        if (s.Length <= 20 && ArgParse.TryInt64(s, out _)) return "int";
        return s.Length <= 44 ? "embstr" : "raw";
    }

    /// <summary>A deep copy. Strings are copied too: SET overwrites a stored string in place.</summary>
    public static object Clone(object value) => value is RedisObject o ? o.Clone() : ((byte[])value).ToArray();

    public static long MemoryUsage(ReadOnlySpan<byte> key, object value) =>
        48 + key.Length + (value is RedisObject o ? o.MemoryUsage() : 24 + ((byte[])value).Length);
}
