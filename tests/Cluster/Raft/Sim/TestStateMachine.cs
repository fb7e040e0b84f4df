using System.Buffers.Binary;
using QuorumCache.Cluster.Raft;

namespace QuorumCache.Tests.Cluster.Raft.Sim;

/// <summary>A state machine whose state is its full history of (index, command); reports every apply and restore to a callback.</summary>
public sealed class TestStateMachine : IRaftStateMachine
{
    private readonly string _node;
    private readonly Action<string, long, byte[]>? _onApply;

    public List<(long Index, byte[] Command)> History { get; } = new();
    public List<(long Index, RaftConfiguration Config)> Configs { get; } = new();
    public int Restores { get; private set; }

    public TestStateMachine(string node, Action<string, long, byte[]>? onApply = null)
    {
        _node = node;
        _onApply = onApply;
    }

    public long LastIndex => History.Count > 0 ? History[^1].Index : 0;

    public void Apply(long index, byte[] command)
    {
        if (index <= LastIndex) throw new InvalidOperationException($"{_node}: apply of index {index} after {LastIndex}.");
        History.Add((index, command));
        _onApply?.Invoke(_node, index, command);
    }

    public void ApplyConfiguration(long index, RaftConfiguration configuration) => Configs.Add((index, configuration));

    public byte[] Snapshot()
    {
        var size = 4;
        foreach (var (_, c) in History) size += 12 + c.Length;
        var buf = new byte[size];
        BinaryPrimitives.WriteInt32LittleEndian(buf, History.Count);
        var pos = 4;
        foreach (var (i, c) in History)
        {
            BinaryPrimitives.WriteInt64LittleEndian(buf.AsSpan(pos), i);
            BinaryPrimitives.WriteInt32LittleEndian(buf.AsSpan(pos + 8), c.Length);
            c.CopyTo(buf.AsSpan(pos + 12));
            pos += 12 + c.Length;
        }
        return buf;
    }

    public void Restore(byte[] snapshot)
    {
        Restores++;
        History.Clear();
        if (snapshot.Length == 0) return;
        var n = BinaryPrimitives.ReadInt32LittleEndian(snapshot);
        var pos = 4;
        for (var k = 0; k < n; k++)
        {
            var i = BinaryPrimitives.ReadInt64LittleEndian(snapshot.AsSpan(pos));
            var len = BinaryPrimitives.ReadInt32LittleEndian(snapshot.AsSpan(pos + 8));
            var c = snapshot.AsSpan(pos + 12, len).ToArray();
            pos += 12 + len;
            History.Add((i, c));
            _onApply?.Invoke(_node, i, c);
        }
    }

    public bool Contains(long index, byte[] command)
    {
        // History is sorted by index: binary search.
        int lo = 0, hi = History.Count - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) / 2;
            var i = History[mid].Index;
            if (i == index) return History[mid].Command.AsSpan().SequenceEqual(command);
            if (i < index) lo = mid + 1; else hi = mid - 1;
        }
        return false;
    }
}
