using System.Text;

namespace QuorumCache.Node.Server;

/// <summary>One SLOWLOG entry: what ran, for how long, for whom.</summary>
public sealed record SlowLogEntry(long Id, long UnixSeconds, long Micros, byte[][] Args, string Client, string ClientName);

/// <summary>
/// Commands whose handler ran at least <c>slowlog-log-slower-than</c> microseconds, newest first, at
/// most <c>slowlog-max-len</c> of them (Redis's SLOWLOG). Arguments are kept as Redis keeps them: at
/// most 32 (the last one saying how many more there were), each cut to 128 bytes.
/// </summary>
public sealed class SlowLog
{
    public const int MaxArgs = 32;
    public const int MaxArgLength = 128;
    private readonly LinkedList<SlowLogEntry> _entries = new();
    private readonly Lock _gate = new();
    private long _nextId;

    public int Count
    {
        get
        {
            lock (_gate) return _entries.Count;
        }
    }

    public void Add(Resp.CommandBuffer args, long micros, long unixSeconds, ClientSession client, int maxLength, bool redact)
    {
        var n = Math.Min(args.Count, MaxArgs);
        var kept = new byte[n][];
        for (var i = 0; i < n; i++)
        {
            if (i == MaxArgs - 1 && args.Count > MaxArgs)
            {
                kept[i] = Encoding.ASCII.GetBytes($"... ({args.Count - MaxArgs + 1} more arguments)");
                break;
            }
            if (redact && i > 0)
            {
                kept[i] = "(redacted)"u8.ToArray();
                continue;
            }
            var a = args[i];
            kept[i] = a.Length <= MaxArgLength
                ? a.ToArray()
                : [.. a[..MaxArgLength], .. Encoding.ASCII.GetBytes($"... ({a.Length - MaxArgLength} more bytes)")];
        }
        lock (_gate)
        {
            _entries.AddFirst(new SlowLogEntry(_nextId++, unixSeconds, micros, kept, client.Address, client.Name ?? ""));
            while (_entries.Count > Math.Max(maxLength, 0)) _entries.RemoveLast();
        }
    }

    /// <summary>The newest <paramref name="count"/> entries (all of them when negative).</summary>
    public List<SlowLogEntry> Newest(long count)
    {
        lock (_gate)
        {
            var list = new List<SlowLogEntry>();
            foreach (var e in _entries)
            {
                if (count >= 0 && list.Count >= count) break;
                list.Add(e);
            }
            return list;
        }
    }

    public void Reset()
    {
        lock (_gate) _entries.Clear();
    }
}
