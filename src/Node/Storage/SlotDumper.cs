using System.Buffers;
using QuorumCache.Resp;

namespace QuorumCache.Node.Storage;

/// <summary>
/// Writes a slot's keys as RESP commands that rebuild them (SET/RPUSH/HSET/SADD/ZADD plus PEXPIREAT),
/// in key order. The caller holds the slot's lock. Expired keys are left out.
/// </summary>
public static class SlotDumper
{
    public static byte[] Dump(SlotStore slot, long nowMs)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var w = new RespWriter(buffer);
        var keys = new List<byte[]>(slot.Count);
        foreach (var (k, _) in slot) keys.Add(k);
        keys.Sort((a, b) => a.AsSpan().SequenceCompareTo(b));
        foreach (var k in keys)
        {
            var at = slot.GetExpiry(k);
            if (at >= 0 && at <= nowMs) continue;
            slot.TryGet(k, out var value);
            if (value is RedisObject o) o.WriteRestore(k, w);
            else
            {
                w.WriteArrayHeader(3);
                w.WriteBulk("SET"u8);
                w.WriteBulk(k);
                w.WriteBulk((byte[])value);
            }
            if (at >= 0)
            {
                w.WriteArrayHeader(3);
                w.WriteBulk("PEXPIREAT"u8);
                w.WriteBulk(k);
                w.WriteBulkInteger(at);
            }
        }
        w.Commit();
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Writes <c>CMD key item item ...</c> commands of at most <paramref name="batch"/> items each.</summary>
    public static int WriteBatched<T>(RespWriter w, ReadOnlySpan<byte> command, ReadOnlySpan<byte> key, IReadOnlyCollection<T> items,
        int argsPerItem, Action<RespWriter, T> writeItem, int batch = 128)
    {
        var written = 0;
        var left = items.Count;
        var inBatch = 0;
        foreach (var item in items)
        {
            if (inBatch == 0)
            {
                var n = Math.Min(batch, left);
                w.WriteArrayHeader(2 + n * argsPerItem);
                w.WriteBulk(command);
                w.WriteBulk(key);
                written++;
            }
            writeItem(w, item);
            left--;
            if (++inBatch == batch) inBatch = 0;
        }
        return written;
    }
}
