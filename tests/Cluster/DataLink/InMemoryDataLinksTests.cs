using System.Buffers.Binary;
using QuorumCache.Cluster.DataLink;

namespace QuorumCache.Tests.Cluster.DataLink;

public class InMemoryDataLinksTests
{
    private sealed record Delivery(long At, string From, string To, int Value);

    /// <summary>Three nodes that each record deliveries and echo every odd value back once as value+1000.</summary>
    private static List<Delivery> RunScenario(int seed, bool reorder, double drop)
    {
        var net = new InMemoryDataLinkNetwork(seed) { MinDelayMs = 1, MaxDelayMs = 20, Reorder = reorder, DropProbability = drop };
        var ids = new[] { "a", "b", "c" };
        var buses = ids.Select(net.CreateBus).ToArray();
        var log = new List<Delivery>();
        foreach (var bus in buses)
        {
            var self = bus;
            bus.SetHandler(DataChannel.HandOff, (from, _, payload) =>
            {
                var v = BinaryPrimitives.ReadInt32BigEndian(payload.Span);
                log.Add(new Delivery(net.NowMs, from, self.LocalId, v));
                if (v % 2 == 1 && v < 1000)
                    Send(self, from, v + 1000);
            });
        }
        var rng = new Random(seed ^ 0x5EED);
        for (var t = 0; t < 200; t += 5)
        {
            for (var k = 0; k < 3; k++)
            {
                var from = buses[rng.Next(3)];
                var to = ids[rng.Next(3)];
                Send(from, to, t + k);
            }
            net.DeliverUntil(t);
        }
        net.DeliverUntil(10_000);
        Assert.Equal(0, net.PendingFrames);
        return log;
    }

    private static void Send(IDataLinks bus, string to, int value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(b, value);
        bus.Send(to, DataChannel.HandOff, b);
    }

    [Theory]
    [InlineData(false, 0.0)]
    [InlineData(true, 0.0)]
    [InlineData(true, 0.2)]
    public void Same_seed_replays_the_same_history(bool reorder, double drop)
    {
        for (var seed = 1; seed <= 20; seed++)
        {
            var first = RunScenario(seed, reorder, drop);
            var second = RunScenario(seed, reorder, drop);
            Assert.True(first.SequenceEqual(second), $"seed {seed} did not replay");
            Assert.NotEmpty(first);
        }
        Assert.False(RunScenario(1, reorder, drop).SequenceEqual(RunScenario(2, reorder, drop)), "different seeds should differ");
    }

    [Fact]
    public void Without_reordering_each_link_is_fifo_even_with_random_delays()
    {
        for (var seed = 0; seed < 10; seed++)
        {
            var net = new InMemoryDataLinkNetwork(seed) { MinDelayMs = 1, MaxDelayMs = 50 };
            var a = net.CreateBus("a");
            var b = net.CreateBus("b");
            var got = new List<int>();
            b.SetHandler(DataChannel.HandOff, (_, _, p) => got.Add(BinaryPrimitives.ReadInt32BigEndian(p.Span)));
            for (var i = 0; i < 500; i++)
            {
                Send(a, "b", i);
                if (i % 7 == 0)
                    net.DeliverUntil(i);
            }
            net.DeliverUntil(100_000);
            Assert.True(Enumerable.Range(0, 500).SequenceEqual(got), $"seed {seed}: out of order");
        }
    }

    [Fact]
    public void With_reordering_frames_can_overtake()
    {
        var net = new InMemoryDataLinkNetwork(3) { MinDelayMs = 1, MaxDelayMs = 50, Reorder = true };
        var a = net.CreateBus("a");
        var b = net.CreateBus("b");
        var got = new List<int>();
        b.SetHandler(DataChannel.HandOff, (_, _, p) => got.Add(BinaryPrimitives.ReadInt32BigEndian(p.Span)));
        for (var i = 0; i < 100; i++)
            Send(a, "b", i);
        net.DeliverUntil(1000);
        Assert.Equal(100, got.Count);
        Assert.False(Enumerable.Range(0, 100).SequenceEqual(got));
        Assert.Equal(Enumerable.Range(0, 100), got.Order());
    }

    [Fact]
    public void Delivery_waits_for_its_virtual_time()
    {
        var net = new InMemoryDataLinkNetwork(1) { MinDelayMs = 5, MaxDelayMs = 5 };
        var a = net.CreateBus("a");
        var b = net.CreateBus("b");
        var at = new List<long>();
        b.SetHandler(DataChannel.PubSub, (_, _, _) => at.Add(net.NowMs));
        a.SetHandler(DataChannel.PubSub, (_, _, _) => at.Add(-net.NowMs));
        b.SetHandler(DataChannel.HandOff, (from, _, _) => b.Send(from, DataChannel.PubSub, [1]));
        net.DeliverUntil(100);
        a.Send("b", DataChannel.PubSub, [1]);
        Assert.Equal(105, net.NextDeliveryAtMs);
        Assert.Equal(0, net.DeliverUntil(104));
        Assert.Empty(at);
        Assert.Equal(1, net.DeliverUntil(105));
        Assert.Equal([105L], at);
        // A reply sent by a handler is timed from the delivery and delivered in the same call when due.
        a.Send("b", DataChannel.HandOff, [1]);
        Assert.Equal(2, net.DeliverUntil(200));
        Assert.Equal([105L, -115L], at);
    }

    [Fact]
    public void Partitions_block_between_sides_and_heal()
    {
        var net = new InMemoryDataLinkNetwork(9);
        var ids = new[] { "a", "b", "c", "d" };
        var buses = ids.ToDictionary(id => id, net.CreateBus);
        var got = new List<(string From, string To)>();
        foreach (var (id, bus) in buses)
            bus.SetHandler(DataChannel.HandOff, (from, _, _) => got.Add((from, id)));

        void AllToAll()
        {
            got.Clear();
            foreach (var from in ids)
                foreach (var to in ids)
                    if (from != to)
                        buses[from].Send(to, DataChannel.HandOff, [0]);
            net.DeliverUntil(net.NowMs + 100);
        }

        net.Partition(["a", "b"], ["c", "d"]);
        AllToAll();
        Assert.Equal(new[] { ("a", "b"), ("b", "a"), ("c", "d"), ("d", "c") }.Order(), got.Order());
        Assert.False(buses["a"].GetPeers().Single(p => p.NodeId == "c").Connected);

        net.Heal();
        net.BlockLink("a", "b"); // asymmetric: a cannot reach b, b still reaches a
        AllToAll();
        Assert.Equal(11, got.Count);
        Assert.DoesNotContain(("a", "b"), got);
        Assert.Contains(("b", "a"), got);

        net.UnblockLink("a", "b");
        AllToAll();
        Assert.Equal(12, got.Count);
    }

    [Fact]
    public void Partition_started_while_frames_are_in_flight_drops_them()
    {
        var net = new InMemoryDataLinkNetwork(1) { MinDelayMs = 10, MaxDelayMs = 10 };
        var a = net.CreateBus("a");
        var b = net.CreateBus("b");
        var n = 0;
        b.SetHandler(DataChannel.HandOff, (_, _, _) => n++);
        a.Send("b", DataChannel.HandOff, [1]);
        net.Partition(["a"], ["b"]);
        net.DeliverUntil(100);
        Assert.Equal(0, n);
        Assert.Equal(1, net.DroppedFrames);
    }

    [Fact]
    public void Seeded_drop_rate_is_close_to_the_probability()
    {
        var net = new InMemoryDataLinkNetwork(42) { DropProbability = 0.3 };
        var a = net.CreateBus("a");
        var b = net.CreateBus("b");
        var n = 0;
        b.SetHandler(DataChannel.HandOff, (_, _, _) => n++);
        for (var i = 0; i < 10_000; i++)
            a.Send("b", DataChannel.HandOff, [1]);
        net.DeliverUntil(1000);
        Assert.InRange(n, 6700, 7300);
        Assert.Equal(10_000 - n, net.DroppedFrames);
        Assert.Equal(10_000 - n, a.GetPeers().Single().FramesDropped);
    }

    [Fact]
    public void Crashed_endpoint_loses_frames_in_flight_and_a_restart_gets_only_new_ones()
    {
        var net = new InMemoryDataLinkNetwork(1) { MinDelayMs = 10, MaxDelayMs = 10 };
        var a = net.CreateBus("a");
        var b = net.CreateBus("b");
        var oldGot = 0;
        b.SetHandler(DataChannel.HandOff, (_, _, _) => oldGot++);
        a.Send("b", DataChannel.HandOff, [1]);
        b.DisposeAsync();
        var b2 = net.CreateBus("b");
        var newGot = new List<byte>();
        b2.SetHandler(DataChannel.HandOff, (_, _, p) => newGot.Add(p.Span[0]));
        a.Send("b", DataChannel.HandOff, [2]);
        net.DeliverUntil(100);
        Assert.Equal(0, oldGot);
        Assert.Equal([(byte)2], newGot);
        Assert.Throws<InvalidOperationException>(() => net.CreateBus("b"));
    }

    [Fact]
    public void SetLinkBlocked_drops_both_directions_at_that_endpoint()
    {
        var net = new InMemoryDataLinkNetwork(1);
        var a = net.CreateBus("a");
        var b = net.CreateBus("b");
        var atA = 0;
        var atB = 0;
        a.SetHandler(DataChannel.HandOff, (_, _, _) => atA++);
        b.SetHandler(DataChannel.HandOff, (_, _, _) => atB++);
        a.SetLinkBlocked("b", true);
        a.Send("b", DataChannel.HandOff, [1]);
        b.Send("a", DataChannel.HandOff, [1]);
        net.DeliverUntil(100);
        Assert.Equal((0, 0), (atA, atB));
        a.SetLinkBlocked("b", false);
        a.Send("b", DataChannel.HandOff, [1]);
        b.Send("a", DataChannel.HandOff, [1]);
        net.DeliverUntil(200);
        Assert.Equal((1, 1), (atA, atB));
    }
}
