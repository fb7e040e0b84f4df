using Akka.Actor;
using System.Runtime.Serialization;
using Akka.Serialization;

namespace QuorumCache.Cluster.Actors;

/// <summary>Messages between nodes' cluster actors; serialized by <see cref="ClusterMessageSerializer"/>.</summary>
public interface IClusterMessage;

/// <summary>
/// Coordinator → member: map changes numbered <paramref name="FromVersion"/>, +1, ... in coordinator term
/// <paramref name="Term"/>. Sent with no changes as the coordinator's heartbeat ("my map is at FromVersion - 1").
/// </summary>
public sealed record MapEntries(long Term, long FromVersion, IReadOnlyList<byte[]> Commands) : IClusterMessage;

/// <summary>A whole map (<see cref="Map.ClusterMapStateMachine.Snapshot"/>) as of coordinator term <paramref name="Term"/>.</summary>
public sealed record MapSnapshot(long Term, byte[] Map) : IClusterMessage;

/// <summary>"Send me your map" (answered with <see cref="MapSnapshot"/> to the sender).</summary>
public sealed record MapPull(long Term) : IClusterMessage;

/// <summary>Member → coordinator: please apply this change (<see cref="Map.ClusterCommand.Encode"/>).</summary>
public sealed record ProposeChange(byte[] Command) : IClusterMessage;

/// <summary>
/// "Host slot group <paramref name="Group"/>": sent by a node that should serve the group to its shard
/// region, so Akka.Cluster.Sharding starts the group's actor (on the node the allocation puts it on).
/// </summary>
public sealed record HostGroup(int Group) : IClusterMessage;

/// <summary>
/// A compact binary form for <see cref="IClusterMessage"/>s, instead of Akka's default JSON serializer
/// (slower, larger, and it warns on every start).
/// </summary>
public sealed class ClusterMessageSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    public override int Identifier => 7391;

    public override string Manifest(object o) => o switch
    {
        MapEntries => "E",
        MapSnapshot => "S",
        MapPull => "P",
        ProposeChange => "C",
        HostGroup => "G",
        _ => throw new ArgumentException($"cannot serialize {o.GetType()}"),
    };

    public override byte[] ToBinary(object obj)
    {
        using var ms = new MemoryStream();
        using var w = new BinaryWriter(ms);
        switch (obj)
        {
            case MapEntries e:
                w.Write(e.Term);
                w.Write(e.FromVersion);
                w.Write(e.Commands.Count);
                foreach (var c in e.Commands) WriteBytes(w, c);
                break;
            case MapSnapshot s:
                w.Write(s.Term);
                WriteBytes(w, s.Map);
                break;
            case MapPull p:
                w.Write(p.Term);
                break;
            case ProposeChange c:
                WriteBytes(w, c.Command);
                break;
            case HostGroup g:
                w.Write(g.Group);
                break;
            default:
                throw new ArgumentException($"cannot serialize {obj.GetType()}");
        }
        w.Flush();
        return ms.ToArray();
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        using var r = new BinaryReader(new MemoryStream(bytes));
        try
        {
            switch (manifest)
            {
                case "E":
                {
                    var term = r.ReadInt64();
                    var from = r.ReadInt64();
                    var n = r.ReadInt32();
                    if (n < 0 || n > bytes.Length) throw new InvalidDataException("bad entry count");
                    var list = new byte[n][];
                    for (var i = 0; i < n; i++) list[i] = ReadBytes(r);
                    return new MapEntries(term, from, list);
                }
                case "S":
                    return new MapSnapshot(r.ReadInt64(), ReadBytes(r));
                case "P":
                    return new MapPull(r.ReadInt64());
                case "C":
                    return new ProposeChange(ReadBytes(r));
                case "G":
                    return new HostGroup(r.ReadInt32());
                default:
                    throw new SerializationException($"unknown cluster message manifest '{manifest}'");
            }
        }
        catch (EndOfStreamException)
        {
            throw new SerializationException($"truncated cluster message '{manifest}'");
        }
    }

    private static void WriteBytes(BinaryWriter w, byte[] b)
    {
        w.Write(b.Length);
        w.Write(b);
    }

    private static byte[] ReadBytes(BinaryReader r)
    {
        var n = r.ReadInt32();
        if (n < 0 || n > r.BaseStream.Length - r.BaseStream.Position) throw new InvalidDataException("bad length");
        return r.ReadBytes(n);
    }
}
