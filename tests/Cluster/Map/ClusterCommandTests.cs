using QuorumCache.Cluster.Map;

namespace QuorumCache.Tests.Cluster.Map;

public class ClusterCommandTests
{
    private static void AssertSame(ClusterCommand e, ClusterCommand a)
    {
        Assert.Equal(e.Op, a.Op);
        Assert.Equal(e.ClusterId, a.ClusterId);
        Assert.Equal(e.Member, a.Member);
        Assert.Equal(e.NodeId, a.NodeId);
        Assert.Equal(e.State, a.State);
        Assert.Equal(e.Slots, a.Slots);
        Assert.Equal(e.Source, a.Source);
        Assert.Equal(e.Target, a.Target);
        Assert.Equal(e.TimeMs, a.TimeMs);
    }

    public static IEnumerable<object[]> EveryOp()
    {
        var a = MapKit.Id(1);
        var b = MapKit.Id(2);
        yield return [new ClusterCommand { Op = ClusterOp.Bootstrap, ClusterId = "c-1", Member = MapKit.MemberOf(a) }];
        yield return [new ClusterCommand { Op = ClusterOp.AddMember, Member = new Member(b, "::1", 6379, 16379, 26379, MemberState.Up) }];
        yield return [new ClusterCommand { Op = ClusterOp.RemoveMember, NodeId = b }];
        yield return [new ClusterCommand { Op = ClusterOp.SetMemberState, NodeId = b, State = MemberState.Leaving }];
        yield return [new ClusterCommand { Op = ClusterOp.SetMemberState, NodeId = b, State = MemberState.Failed }];
        yield return [new ClusterCommand { Op = ClusterOp.AssignSlots, Slots = [(0, a), (16383, b), (100, "é-ünïcode")] }];
        yield return [new ClusterCommand { Op = ClusterOp.BeginHandOff, Slots = [(5, a), (6, a)], Source = a, Target = b, TimeMs = 1_700_000_000_123 }];
        yield return [new ClusterCommand { Op = ClusterOp.CompleteHandOff, Slots = [(5, b)], Source = a, Target = b }];
        yield return [new ClusterCommand { Op = ClusterOp.AbortHandOff, Slots = [(16383, a)], Source = a, Target = b, TimeMs = -1 }];
    }

    [Theory]
    [MemberData(nameof(EveryOp))]
    public void Every_op_round_trips(ClusterCommand cmd) => AssertSame(cmd, ClusterCommand.Decode(cmd.Encode()));

    [Fact]
    public void A_batch_of_every_slot_round_trips()
    {
        var slots = Enumerable.Range(0, 16384).Select(s => (s, MapKit.Id(s % 7))).ToList();
        var cmd = new ClusterCommand { Op = ClusterOp.AssignSlots, Slots = slots };
        AssertSame(cmd, ClusterCommand.Decode(cmd.Encode()));
    }

    [Fact]
    public void Every_truncation_is_invalid_data()
    {
        foreach (var row in EveryOp())
        {
            var bytes = ((ClusterCommand)row[0]).Encode();
            for (var len = 0; len < bytes.Length; len++)
                Assert.Throws<InvalidDataException>(() => ClusterCommand.Decode(bytes[..len]));
        }
    }

    [Fact]
    public void Unknown_format_version_is_invalid_data()
    {
        var bytes = new ClusterCommand { Op = ClusterOp.RemoveMember, NodeId = "x" }.Encode();
        bytes[0] = 3;
        Assert.Throws<InvalidDataException>(() => ClusterCommand.Decode(bytes));
    }

    [Fact]
    public void Slot_counts_out_of_range_are_invalid_data()
    {
        var cmd = new ClusterCommand { Op = ClusterOp.AssignSlots, Slots = [(1, "a")] };
        var bytes = cmd.Encode();
        // Layout: version, op, "" (1 byte), no member (1 byte), "" node id, state, then the count.
        var countAt = 1 + 1 + 1 + 1 + 1 + 1;
        Assert.Equal(1, BitConverter.ToInt32(bytes, countAt));
        foreach (var bad in new[] { -1, 16385, int.MaxValue })
        {
            BitConverter.GetBytes(bad).CopyTo(bytes, countAt);
            Assert.Throws<InvalidDataException>(() => ClusterCommand.Decode(bytes));
        }
    }

    [Fact]
    public void Slot_numbers_out_of_range_are_invalid_data()
    {
        var bytes = new ClusterCommand { Op = ClusterOp.AssignSlots, Slots = [(1, "a")] }.Encode();
        var slotAt = 1 + 1 + 1 + 1 + 1 + 1 + 4;
        foreach (var bad in new short[] { -1, 16384, short.MaxValue, short.MinValue })
        {
            BitConverter.GetBytes(bad).CopyTo(bytes, slotAt);
            Assert.Throws<InvalidDataException>(() => ClusterCommand.Decode(bytes));
        }
    }

    [Fact]
    public void A_corrupt_string_length_is_invalid_data()
    {
        var bytes = new ClusterCommand { Op = ClusterOp.RemoveMember, NodeId = "abc" }.Encode();
        // The cluster id's length prefix (7-bit encoded): five continuation bytes is malformed, a negative length too.
        var tooLong = bytes[..2].Concat(new byte[] { 0xff, 0xff, 0xff, 0xff, 0xff, 0x01 }).Concat(bytes[3..]).ToArray();
        Assert.Throws<InvalidDataException>(() => ClusterCommand.Decode(tooLong));
        var negative = bytes[..2].Concat(new byte[] { 0xff, 0xff, 0xff, 0xff, 0x0f }).Concat(bytes[3..]).ToArray();
        Assert.Throws<InvalidDataException>(() => ClusterCommand.Decode(negative));
    }

    [Fact]
    public void Random_bytes_and_mutations_throw_nothing_but_invalid_data()
    {
        var samples = EveryOp().Select(r => ((ClusterCommand)r[0]).Encode()).ToList();
        var map = MapKit.Bootstrapped(MapKit.Id(1)).Map;
        for (var seed = 1; seed <= 3; seed++)
        {
            var rng = new Random(seed);
            for (var i = 0; i < 3000; i++)
                FuzzOne(rng, seed, i, samples, map);
        }
    }

    private static void FuzzOne(Random rng, int seed, int i, List<byte[]> samples, ClusterMap map)
    {
        {
            byte[] bytes;
            if (i % 2 == 0)
            {
                bytes = new byte[rng.Next(0, 64)];
                rng.NextBytes(bytes);
                if (bytes.Length > 0 && rng.Next(2) == 0) bytes[0] = 1; // get past the version byte
            }
            else
            {
                bytes = (byte[])samples[rng.Next(samples.Count)].Clone();
                for (var k = rng.Next(1, 4); k > 0; k--) bytes[rng.Next(bytes.Length)] = (byte)rng.Next(256);
            }
            try
            {
                var cmd = ClusterCommand.Decode(bytes);
                // Whatever decodes must be safe to apply: slots in range.
                foreach (var (slot, _) in cmd.Slots) Assert.InRange(slot, 0, 16383);
                ClusterMapStateMachine.Apply(map, 2, cmd);
            }
            catch (InvalidDataException)
            {
            }
            catch (Exception ex)
            {
                Assert.Fail($"seed {seed}, sample {i} [{Convert.ToHexString(bytes)}]: {ex.GetType().Name}: {ex.Message}");
            }
        }
    }
}
