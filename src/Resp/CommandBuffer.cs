using System.Runtime.CompilerServices;
using System.Text;

namespace QuorumCache.Resp;

/// <summary>
/// One parsed command: its arguments live back to back in a reusable arena, so reading a
/// command allocates nothing once the arena and the range table have grown to fit.
/// Also holds the reader's progress through a command that has not fully arrived yet,
/// so a large multibulk is parsed incrementally instead of re-scanned on every read.
/// </summary>
public sealed class CommandBuffer
{
    private byte[] _arena = new byte[4096];
    private int _used;
    private (int Start, int Length)[] _args = new (int, int)[16];

    /// <summary>Arguments read so far (all of them once the command is complete).</summary>
    public int Count { get; private set; }

    // Progress of an incomplete multibulk command.
    internal int Expected = -1;       // -1: no command in progress
    internal long PendingBulk = -1;   // length announced by a '$' header whose body has not arrived

    /// <summary>Argument <paramref name="i"/> as a span over the arena.</summary>
    public ReadOnlySpan<byte> this[int i]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            var (s, l) = _args[i];
            return new ReadOnlySpan<byte>(_arena, s, l);
        }
    }

    /// <summary>Argument as memory (stays valid until the next command is read).</summary>
    public ReadOnlyMemory<byte> Memory(int i)
    {
        var (s, l) = _args[i];
        return new ReadOnlyMemory<byte>(_arena, s, l);
    }

    /// <summary>A copy of argument <paramref name="i"/> that the caller may keep.</summary>
    public byte[] ToArray(int i) => this[i].ToArray();

    public string GetString(int i) => Encoding.UTF8.GetString(this[i]);

    internal void Reset()
    {
        Count = 0;
        _used = 0;
        Expected = -1;
        PendingBulk = -1;
        // Give back an arena that a huge command inflated.
        if (_arena.Length > 1024 * 1024) _arena = new byte[4096];
    }

    /// <summary>Starts building a command by hand (used by tests, scripting and replay).</summary>
    public void Clear() => Reset();

    /// <summary>Reserves room for an argument of <paramref name="length"/> bytes and returns it to fill.</summary>
    internal Span<byte> AddArgument(int length)
    {
        if (Count == _args.Length) Array.Resize(ref _args, _args.Length * 2);
        if (_used + length > _arena.Length)
        {
            var size = Math.Max(_arena.Length * 2, _used + length);
            Array.Resize(ref _arena, size);
        }
        _args[Count++] = (_used, length);
        var span = new Span<byte>(_arena, _used, length);
        _used += length;
        return span;
    }

    public void Add(ReadOnlySpan<byte> arg) => arg.CopyTo(AddArgument(arg.Length));

    public void Add(string arg)
    {
        var n = Encoding.UTF8.GetByteCount(arg);
        Encoding.UTF8.GetBytes(arg, AddArgument(n));
    }

    /// <summary>True when argument <paramref name="i"/> equals <paramref name="ascii"/> ignoring ASCII case.</summary>
    public bool Is(int i, ReadOnlySpan<byte> ascii) => Ascii.EqualsIgnoreCase(this[i], ascii);

    public override string ToString()
    {
        var sb = new StringBuilder();
        for (var i = 0; i < Count; i++)
        {
            if (i > 0) sb.Append(' ');
            sb.Append(GetString(i));
        }
        return sb.ToString();
    }
}
