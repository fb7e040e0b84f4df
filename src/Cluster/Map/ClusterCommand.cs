namespace QuorumCache.Cluster.Map;

/// <summary>Operations on the cluster map, as the coordinator numbers and sends them. Values are append-only.</summary>
public enum ClusterOp : byte
{
    Bootstrap = 1,
    AddMember = 2,
    RemoveMember = 3,
    SetMemberState = 4,
    AssignSlots = 5,
    BeginHandOff = 6,
    CompleteHandOff = 7,
    AbortHandOff = 8,
}

/// <summary>
/// One committed change of the cluster map. A small tagged union with a compact binary form;
/// <see cref="ClusterMapStateMachine"/> applies them deterministically on every node.
/// </summary>
public sealed record ClusterCommand
{
    public required ClusterOp Op { get; init; }
    public string ClusterId { get; init; } = "";
    public Member? Member { get; init; }
    public string NodeId { get; init; } = "";
    public MemberState State { get; init; }
    /// <summary>AssignSlots: (slot, primary). Begin/Complete/AbortHandOff: the slot in Slots[0].</summary>
    public IReadOnlyList<(int Slot, string Primary)> Slots { get; init; } = [];
    public string Source { get; init; } = "";
    public string Target { get; init; } = "";
    /// <summary>
    /// BeginHandOff: the attempt's tag (the leader's clock when it decided). Complete/AbortHandOff:
    /// the tag of the attempt they are for (0 = any attempt, for tools and tests).
    /// </summary>
    public long TimeMs { get; init; }

    public byte[] Encode()
    {
        using var ms = new MemoryStream();
        using var w = new BinaryWriter(ms);
        w.Write((byte)2); // format version
        w.Write((byte)Op);
        w.Write(ClusterId);
        w.Write(Member is not null);
        Member?.WriteTo(w);
        w.Write(NodeId);
        w.Write((byte)State);
        w.Write(Slots.Count);
        foreach (var (slot, primary) in Slots)
        {
            w.Write((short)slot);
            w.Write(primary);
        }
        w.Write(Source);
        w.Write(Target);
        w.Write(TimeMs);
        w.Flush();
        return ms.ToArray();
    }

    /// <summary>Decodes an entry; throws <see cref="InvalidDataException"/> when malformed.</summary>
    public static ClusterCommand Decode(byte[] data)
    {
        try
        {
            using var r = new BinaryReader(new MemoryStream(data));
            if (r.ReadByte() != 2) throw new InvalidDataException("unknown cluster command format");
            var op = (ClusterOp)r.ReadByte();
            var clusterId = r.ReadString();
            Member? member = null;
            if (r.ReadBoolean())
                member = Member.ReadFrom(r);
            var nodeId = r.ReadString();
            var state = (MemberState)r.ReadByte();
            var n = r.ReadInt32();
            if (n < 0 || n > QuorumCache.Cluster.Slots.HashSlot.Count) throw new InvalidDataException("bad slot count");
            var slots = new List<(int, string)>(n);
            for (var i = 0; i < n; i++)
            {
                int slot = r.ReadInt16();
                if (slot < 0 || slot >= QuorumCache.Cluster.Slots.HashSlot.Count) throw new InvalidDataException("bad slot number");
                slots.Add((slot, r.ReadString()));
            }
            return new ClusterCommand
            {
                Op = op, ClusterId = clusterId, Member = member, NodeId = nodeId, State = state, Slots = slots,
                Source = r.ReadString(), Target = r.ReadString(), TimeMs = r.ReadInt64(),
            };
        }
        catch (EndOfStreamException)
        {
            throw new InvalidDataException("truncated cluster command");
        }
        catch (Exception ex) when (ex is FormatException or IOException)
        {
            // BinaryReader: a malformed 7-bit length (FormatException) or a negative string length (IOException).
            throw new InvalidDataException("malformed cluster command: " + ex.Message);
        }
    }

}
