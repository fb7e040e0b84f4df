using System.Text;

namespace QuorumCache.Node.Notifications;

/// <summary>
/// The classes of <c>notify-keyspace-events</c>, with Redis's bit values (not persisted, not sent
/// on the wire; kept equal to Redis's for readability only).
/// </summary>
[Flags]
public enum KeyspaceEvents
{
    None = 0,
    Keyspace = 1 << 0,   // K: __keyspace@0__:<key>
    Keyevent = 1 << 1,   // E: __keyevent@0__:<event>
    Generic = 1 << 2,    // g: del, expire, rename_*, copy_to, persist...
    String = 1 << 3,     // $
    List = 1 << 4,       // l
    Set = 1 << 5,        // s
    Hash = 1 << 6,       // h
    ZSet = 1 << 7,       // z
    Expired = 1 << 8,    // x
    Evicted = 1 << 9,    // e
    Stream = 1 << 10,    // t
    KeyMiss = 1 << 11,   // m (not in A)
    Module = 1 << 13,    // d
    New = 1 << 14,       // n (not in A)

    /// <summary>A: every class but key-miss and new-key events.</summary>
    All = Generic | String | List | Set | Hash | ZSet | Expired | Evicted | Stream | Module,
}

/// <summary>Reads and writes the setting's letters as Redis does (CONFIG GET answers the canonical form).</summary>
public static class KeyspaceEventsText
{
    /// <summary>Parses class letters; false on any other character (Redis's "Invalid event class character").</summary>
    public static bool TryParse(string text, out KeyspaceEvents flags)
    {
        flags = KeyspaceEvents.None;
        foreach (var c in text)
        {
            var f = c switch
            {
                'A' => KeyspaceEvents.All,
                'g' => KeyspaceEvents.Generic,
                '$' => KeyspaceEvents.String,
                'l' => KeyspaceEvents.List,
                's' => KeyspaceEvents.Set,
                'h' => KeyspaceEvents.Hash,
                'z' => KeyspaceEvents.ZSet,
                'x' => KeyspaceEvents.Expired,
                'e' => KeyspaceEvents.Evicted,
                'K' => KeyspaceEvents.Keyspace,
                'E' => KeyspaceEvents.Keyevent,
                't' => KeyspaceEvents.Stream,
                'm' => KeyspaceEvents.KeyMiss,
                'd' => KeyspaceEvents.Module,
                'n' => KeyspaceEvents.New,
                _ => (KeyspaceEvents)(-1),
            };
            if (f == (KeyspaceEvents)(-1))
            {
                flags = KeyspaceEvents.None;
                return false;
            }
            flags |= f;
        }
        return true;
    }

    /// <summary>
    /// The canonical string: "A" when every class of A is on (then "n" is not shown, as in Redis 7.0),
    /// otherwise the class letters in Redis's order, then K, E and m.
    /// </summary>
    public static string Format(KeyspaceEvents flags)
    {
        var sb = new StringBuilder();
        if ((flags & KeyspaceEvents.All) == KeyspaceEvents.All) sb.Append('A');
        else
        {
            if ((flags & KeyspaceEvents.Generic) != 0) sb.Append('g');
            if ((flags & KeyspaceEvents.String) != 0) sb.Append('$');
            if ((flags & KeyspaceEvents.List) != 0) sb.Append('l');
            if ((flags & KeyspaceEvents.Set) != 0) sb.Append('s');
            if ((flags & KeyspaceEvents.Hash) != 0) sb.Append('h');
            if ((flags & KeyspaceEvents.ZSet) != 0) sb.Append('z');
            if ((flags & KeyspaceEvents.Expired) != 0) sb.Append('x');
            if ((flags & KeyspaceEvents.Evicted) != 0) sb.Append('e');
            if ((flags & KeyspaceEvents.Stream) != 0) sb.Append('t');
            if ((flags & KeyspaceEvents.Module) != 0) sb.Append('d');
            if ((flags & KeyspaceEvents.New) != 0) sb.Append('n');
        }
        if ((flags & KeyspaceEvents.Keyspace) != 0) sb.Append('K');
        if ((flags & KeyspaceEvents.Keyevent) != 0) sb.Append('E');
        if ((flags & KeyspaceEvents.KeyMiss) != 0) sb.Append('m');
        return sb.ToString();
    }

    /// <summary>
    /// The classes that produce messages: none unless K or E is on, since Redis publishes nothing
    /// then. Commands test their class against this mask (one field read when notifications are off).
    /// </summary>
    public static KeyspaceEvents ActiveClasses(KeyspaceEvents flags) =>
        (flags & (KeyspaceEvents.Keyspace | KeyspaceEvents.Keyevent)) == 0
            ? KeyspaceEvents.None
            : flags & ~(KeyspaceEvents.Keyspace | KeyspaceEvents.Keyevent);
}
