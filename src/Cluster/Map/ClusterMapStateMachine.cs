using System.Collections.Immutable;
using System.IO.Compression;

namespace QuorumCache.Cluster.Map;

/// <summary>
/// Applies <see cref="ClusterCommand"/>s to the map. Pure and deterministic: every node applying the
/// coordinator's numbered changes gets the same map. Invalid commands (a stale hand-off completion, a slot
/// assigned to an unknown node) are ignored, never half-applied.
/// </summary>
public static class ClusterMapStateMachine
{
    public static ClusterMap Apply(ClusterMap map, long index, ClusterCommand cmd)
    {
        var members = map.Members;
        var handOffs = map.HandOffs;
        var epoch = map.CurrentEpoch;
        SlotCopies?[]? slots = null;
        SlotCopies?[] Slots() => slots ??= map.CopySlots();

        switch (cmd.Op)
        {
            case ClusterOp.Bootstrap when !map.IsBootstrapped && cmd.Member is { } first:
            {
                members = members.SetItem(first.Id, first with { State = MemberState.Up });
                epoch = 1;
                var s = Slots();
                for (var i = 0; i < s.Length; i++) s[i] = SlotCopies.Of(first.Id, epoch);
                return new ClusterMap(index, cmd.ClusterId, members, s, handOffs, epoch);
            }
            case ClusterOp.AddMember when cmd.Member is { } m:
                members = members.SetItem(m.Id, m with { State = MemberState.Up });
                break;
            case ClusterOp.RemoveMember when members.ContainsKey(cmd.NodeId):
            {
                members = members.Remove(cmd.NodeId);
                foreach (var (slot, handOff) in handOffs)
                    if (handOff.Source == cmd.NodeId || handOff.Target == cmd.NodeId) handOffs = handOffs.Remove(slot);
                var s = Slots();
                for (var i = 0; i < s.Length; i++)
                    if (s[i]?.Primary == cmd.NodeId) s[i] = null;
                break;
            }
            case ClusterOp.SetMemberState when members.TryGetValue(cmd.NodeId, out var m):
                members = members.SetItem(cmd.NodeId, m with { State = cmd.State });
                break;
            case ClusterOp.AssignSlots:
            {
                var s = Slots();
                foreach (var (slot, primary) in cmd.Slots)
                {
                    if (!members.ContainsKey(primary) || handOffs.ContainsKey(slot)) continue;
                    s[slot] = SlotCopies.Of(primary, ++epoch);
                }
                break;
            }
            case ClusterOp.BeginHandOff:
                // Every slot of the batch moves from cmd.Source to cmd.Target; slots that changed meanwhile are skipped.
                foreach (var (slot, _) in cmd.Slots)
                {
                    if (handOffs.ContainsKey(slot) || map[slot]?.Primary != cmd.Source || !members.ContainsKey(cmd.Target)) continue;
                    handOffs = handOffs.SetItem(slot, new HandOffEntry(slot, cmd.Source, cmd.Target, HandOffPhase.Copying, cmd.TimeMs));
                }
                break;
            case ClusterOp.CompleteHandOff:
                foreach (var (slot, _) in cmd.Slots)
                {
                    if (!handOffs.TryGetValue(slot, out var handOff) || handOff.Target != cmd.Target || handOff.Source != cmd.Source) continue;
                    // A completion names its attempt (the BeginHandOff time): a late one for an aborted
                    // attempt must not complete a newer attempt whose target has not loaded the slot yet.
                    if (cmd.TimeMs != 0 && cmd.TimeMs != handOff.StartedAtMs) continue;
                    handOffs = handOffs.Remove(slot);
                    Slots()[slot] = SlotCopies.Of(handOff.Target, ++epoch);
                }
                break;
            case ClusterOp.AbortHandOff:
                foreach (var (slot, _) in cmd.Slots)
                    if (handOffs.TryGetValue(slot, out var handOff) && handOff.Source == cmd.Source && handOff.Target == cmd.Target
                        && (cmd.TimeMs == 0 || cmd.TimeMs == handOff.StartedAtMs))
                        handOffs = handOffs.Remove(slot);
                break;
            default:
                return new ClusterMap(index, map.ClusterId, map.Members, map.CopySlots(), map.HandOffs, map.CurrentEpoch);
        }
        return new ClusterMap(index, map.ClusterId, members, slots ?? map.CopySlots(), handOffs, epoch);
    }

    /// <summary>
    /// The whole map in a compact form (members once, then per slot a member index and its epoch,
    /// Brotli-compressed): what the coordinator sends a member that lags and what a node keeps on disk.
    /// </summary>
    public static byte[] Snapshot(ClusterMap map)
    {
        using var raw = new MemoryStream();
        using (var w = new BinaryWriter(raw, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            w.Write((byte)2);
            w.Write(map.Version);
            w.Write(map.ClusterId);
            w.Write(map.CurrentEpoch);
            w.Write(map.Members.Count);
            var index = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var m in map.Members.Values)
            {
                index[m.Id] = index.Count;
                m.WriteTo(w);
            }
            // A slot's primary: 0 = unassigned, i + 1 = the i-th member, or (-1, id) for an id that is not a member.
            for (var s = 0; s < Slots.HashSlot.Count; s++)
            {
                var g = map[s];
                if (g is null) { w.Write7BitEncodedInt(0); continue; }
                if (index.TryGetValue(g.Primary, out var i)) w.Write7BitEncodedInt(i + 1);
                else
                {
                    w.Write7BitEncodedInt(-1);
                    w.Write(g.Primary);
                }
                w.Write7BitEncodedInt64(g.Epoch);
            }
            w.Write(map.HandOffs.Count);
            foreach (var handOff in map.HandOffs.Values)
            {
                w.Write((short)handOff.Slot);
                w.Write(handOff.Source);
                w.Write(handOff.Target);
                w.Write((byte)handOff.Phase);
                w.Write(handOff.StartedAtMs);
            }
        }
        // Compressed in one call: many small writes into a BrotliStream compress poorly.
        using var ms = new MemoryStream();
        using (var z = new BrotliStream(ms, CompressionLevel.Fastest, leaveOpen: true)) z.Write(raw.GetBuffer(), 0, (int)raw.Length);
        return ms.ToArray();
    }

    /// <summary>Reads <see cref="Snapshot"/>'s form; throws <see cref="InvalidDataException"/> when malformed.</summary>
    public static ClusterMap Restore(byte[] data)
    {
        try
        {
            using var r = new BinaryReader(new BrotliStream(new MemoryStream(data), CompressionMode.Decompress));
            if (r.ReadByte() != 2) throw new InvalidDataException("unknown cluster map snapshot format");
            var version = r.ReadInt64();
            var clusterId = r.ReadString();
            var epoch = r.ReadInt64();
            var members = ImmutableSortedDictionary.CreateBuilder<string, Member>(StringComparer.Ordinal);
            var n = r.ReadInt32();
            if (n < 0 || n > 100_000) throw new InvalidDataException("bad member count");
            var ids = new string[n];
            for (var i = 0; i < n; i++)
            {
                var m = Member.ReadFrom(r);
                members[m.Id] = m;
                ids[i] = m.Id;
            }
            var slots = new SlotCopies?[Slots.HashSlot.Count];
            var groups = new Dictionary<(string, long), SlotCopies>();
            for (var s = 0; s < slots.Length; s++)
            {
                var who = r.Read7BitEncodedInt();
                if (who == 0) continue;
                var primary = who == -1 ? r.ReadString() : who > 0 && who <= n ? ids[who - 1] : throw new InvalidDataException("bad member index");
                var e = r.Read7BitEncodedInt64();
                if (!groups.TryGetValue((primary, e), out var g)) groups[(primary, e)] = g = SlotCopies.Of(primary, e);
                slots[s] = g;
            }
            var handOffs = ImmutableSortedDictionary.CreateBuilder<int, HandOffEntry>();
            var k = r.ReadInt32();
            if (k < 0 || k > Slots.HashSlot.Count) throw new InvalidDataException("bad hand-off count");
            for (var i = 0; i < k; i++)
            {
                var handOff = new HandOffEntry(r.ReadInt16(), r.ReadString(), r.ReadString(), (HandOffPhase)r.ReadByte(), r.ReadInt64());
                if (handOff.Slot < 0 || handOff.Slot >= Slots.HashSlot.Count) throw new InvalidDataException("bad slot number");
                handOffs[handOff.Slot] = handOff;
            }
            return new ClusterMap(version, clusterId, members.ToImmutable(), slots, handOffs.ToImmutable(), epoch);
        }
        catch (Exception ex) when (ex is EndOfStreamException or FormatException or IOException)
        {
            throw new InvalidDataException("malformed cluster map snapshot: " + ex.Message);
        }
    }
}
