using QuorumCache.Node.Config;
using Akka.Actor;
using QuorumCache.Cluster.Actors;
using QuorumCache.Cluster.Map;
using QuorumCache.Tests.Cluster.Map;

namespace QuorumCache.Tests.Cluster.Akka;

/// <summary>The binary forms nodes exchange: our Akka serializer, the member role, the compact map snapshot.</summary>
public sealed class ClusterMessageTests : global::Akka.TestKit.Xunit2.TestKit
{
    private object RoundTrip(object message)
    {
        var serializer = Sys.Serialization.FindSerializerFor(message);
        Assert.IsType<ClusterMessageSerializer>(serializer);
        var manifest = ((global::Akka.Serialization.SerializerWithStringManifest)serializer).Manifest(message);
        return ((global::Akka.Serialization.SerializerWithStringManifest)serializer).FromBinary(serializer.ToBinary(message), manifest);
    }

    public ClusterMessageTests() : base(AkkaSettings.Build(
        QuorumCache.Node.Clustering.ClusterService.ClusterSettings(QuorumCache.Node.Config.NodeOptionsLoader.Defaults(), "127.0.0.1", 7000, 0, 0),
        new string('a', 40), 0, 27000))
    {
    }

    [Fact]
    public void Every_message_survives_the_serializer()
    {
        var entries = (MapEntries)RoundTrip(new MapEntries(3, 17, [[1, 2, 3], [], [9]]));
        Assert.Equal(3, entries.Term);
        Assert.Equal(17, entries.FromVersion);
        Assert.Equal([[1, 2, 3], [], [9]], entries.Commands);
        var snap = (MapSnapshot)RoundTrip(new MapSnapshot(4, [5, 6]));
        Assert.Equal(4L, snap.Term);
        Assert.Equal(new byte[] { 5, 6 }, snap.Map);
        Assert.Equal(9, ((MapPull)RoundTrip(new MapPull(9))).Term);
        Assert.Equal(new byte[] { 7 }, ((ProposeChange)RoundTrip(new ProposeChange([7]))).Command);
    }

    [Fact]
    public void A_truncated_message_is_refused_not_half_read()
    {
        var serializer = (global::Akka.Serialization.SerializerWithStringManifest)Sys.Serialization.FindSerializerFor(new MapPull(1));
        var bytes = serializer.ToBinary(new MapEntries(1, 1, [[1, 2, 3]]));
        Assert.ThrowsAny<Exception>(() => serializer.FromBinary(bytes[..^2], "E"));
        Assert.ThrowsAny<Exception>(() => serializer.FromBinary(bytes, "Z"));
    }

    [Fact]
    public void The_role_carries_the_node_id_and_ports()
    {
        var id = new string('f', 40);
        Assert.True(AkkaSettings.TryParseRole(AkkaSettings.Role(id, 7001, 27001), out var back, out var port, out var data));
        Assert.Equal((id, 7001, 27001), (back, port, data));
        Assert.False(AkkaSettings.TryParseRole("dc-default", out _, out _, out _));
        Assert.False(AkkaSettings.TryParseRole("qc-short-1-2", out _, out _, out _));
    }

    [Fact]
    public void A_whole_map_snapshot_is_small_enough_for_one_remoting_frame()
    {
        var kit = new MapKit();
        string[] ids = [new string('1', 40), new string('2', 40), new string('3', 40)];
        kit.Apply(new ClusterCommand { Op = ClusterOp.Bootstrap, ClusterId = "c", Member = MapKit.MemberOf(ids[0]) });
        foreach (var id in ids[1..]) kit.Apply(new ClusterCommand { Op = ClusterOp.AddMember, Member = MapKit.MemberOf(id) });
        // Interleaved owners with distinct epochs: the worst case for the encoding.
        kit.Apply(new ClusterCommand { Op = ClusterOp.AssignSlots, Slots = Enumerable.Range(0, 16384).Select(s => (s, ids[s % 3])).ToList() });
        var bytes = ClusterMapStateMachine.Snapshot(kit.Map);
        Assert.Equal(16384, kit.Map.AssignedSlots);
        Assert.True(kit.Map.CurrentEpoch > 16384, $"epoch {kit.Map.CurrentEpoch}");
        Assert.True(bytes.Length < 128 * 1024, $"snapshot of {bytes.Length} bytes");
        MapKit.AssertSameMap(kit.Map, ClusterMapStateMachine.Restore(bytes));
    }
}
