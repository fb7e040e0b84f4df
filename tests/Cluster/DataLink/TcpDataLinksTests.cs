using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using QuorumCache.Cluster.DataLink;

namespace QuorumCache.Tests.Cluster.DataLink;

public class TcpDataLinksTests
{
    // Ordinal order a < b < c: a dials b and c, b dials c.
    private const string A = "node-a", B = "node-b", C = "node-c";

    [Fact]
    public async Task Two_nodes_exchange_frames_both_ways_in_order()
    {
        await using var a = await TestLinks.StartAsync(A);
        await using var b = await TestLinks.StartAsync(B);
        a.Knows(b);
        b.Knows(a);
        // Frames queued before the link is up go out after the handshake, still in order.
        a.SendSeq(B, 0, 2000, padding: 100);
        b.SendSeq(A, 0, 2000, padding: 3000);
        await Eventually.True(() => b.CountFrom(A) == 2000 && a.CountFrom(B) == 2000, "2000 frames each way");
        Assert.Equal(Enumerable.Range(0, 2000), b.SequenceFrom(A));
        Assert.Equal(Enumerable.Range(0, 2000), a.SequenceFrom(B));
        var linkAtA = a.Links.GetPeers().Single(p => p.NodeId == B);
        Assert.True(linkAtA.Connected);
        Assert.True(linkAtA.Outbound, "the lower id dials");
        Assert.Equal(2000, linkAtA.FramesSent);
        Assert.Equal(2000, linkAtA.FramesReceived);
        Assert.Equal(2000L * (5 + 104), linkAtA.BytesSent);
        Assert.Equal(2000L * (5 + 3004), linkAtA.BytesReceived);
        Assert.False(b.Links.GetPeers().Single(p => p.NodeId == A).Outbound);
    }

    [Fact]
    public async Task Large_frames_spanning_many_buffer_segments_arrive_intact()
    {
        await using var a = await TestLinks.StartAsync(A);
        await using var b = await TestLinks.StartAsync(B);
        a.Knows(b);
        var payloads = new byte[3][];
        var rng = new Random(11);
        for (var i = 0; i < payloads.Length; i++)
        {
            payloads[i] = new byte[2 * 1024 * 1024 + i];
            rng.NextBytes(payloads[i]);
            a.Links.Send(B, DataChannel.PubSub, payloads[i]);
        }
        await Eventually.True(() => b.CountFrom(A) == 3, "three large frames");
        var got = b.Received.Select(f => f.Payload).ToArray();
        for (var i = 0; i < payloads.Length; i++)
            Assert.True(payloads[i].AsSpan().SequenceEqual(got[i]), $"frame {i} differs");
    }

    [Fact]
    public async Task Frames_of_the_largest_size_keep_flowing_after_the_receiver_was_held_up()
    {
        // While the handler holds the reader loop, the receive pipe fills to its pause threshold and
        // stops reading the socket; TCP then stalls the sender. All of it must resume once released.
        const int max = 256 * 1024;
        static DataLinkOptions Tweak(DataLinkOptions o) => new()
        {
            NodeId = o.NodeId, ClusterId = o.ClusterId, BindAddress = o.BindAddress, MaxFrameBytes = max,
        };
        await using var a = await TestLinks.StartAsync(A, tweak: Tweak);
        await using var b = await TestLinks.StartAsync(B, tweak: Tweak);
        using var gate = new ManualResetEventSlim(false);
        var got = new System.Collections.Concurrent.ConcurrentQueue<byte[]>();
        b.Links.SetHandler(DataChannel.HandOff, (_, _, p) =>
        {
            if (got.IsEmpty)
                gate.Wait(TimeSpan.FromSeconds(30)); // hold the reader loop on the first frame
            got.Enqueue(p.ToArray());
        });
        a.Knows(b);
        var frames = new byte[12][];
        for (var i = 0; i < frames.Length; i++)
        {
            frames[i] = new byte[max];
            new Random(i).NextBytes(frames[i]);
            a.Links.Send(B, DataChannel.HandOff, frames[i]);
        }
        await Eventually.True(() => a.Links.GetPeers().Single(p => p.NodeId == B).FramesSent == frames.Length, "every frame written to the link");
        gate.Set();
        await Eventually.True(() => got.Count == frames.Length, "every frame delivered");
        var received = got.ToArray();
        for (var i = 0; i < frames.Length; i++)
            Assert.True(frames[i].AsSpan().SequenceEqual(received[i]), $"frame {i} differs");
        Assert.Equal(0, a.Links.GetPeers().Single(p => p.NodeId == B).FramesDropped);
    }

    [Fact]
    public async Task Three_nodes_form_a_mesh()
    {
        await using var a = await TestLinks.StartAsync(A);
        await using var b = await TestLinks.StartAsync(B);
        await using var c = await TestLinks.StartAsync(C);
        a.Knows(b, c);
        b.Knows(a, c);
        c.Knows(a, b);
        var all = new[] { a, b, c };
        foreach (var from in all)
            foreach (var to in all)
                if (from != to)
                    from.SendSeq(to.Id, 0, 300);
        await Eventually.True(() => all.All(n => all.Where(o => o != n).All(o => n.CountFrom(o.Id) == 300)), "300 frames on every directed pair");
        foreach (var n in all)
            foreach (var o in all)
                if (n != o)
                    Assert.Equal(Enumerable.Range(0, 300), n.SequenceFrom(o.Id));
    }

    [Fact]
    public async Task Restarted_peer_is_reconnected_whichever_side_restarts()
    {
        await using var a = await TestLinks.StartAsync(A);
        var b = await TestLinks.StartAsync(B);
        var bPort = b.Port;
        a.Knows(b);
        b.Knows(a);
        a.SendText(B, DataChannel.PubSub, "hello-1");
        await Eventually.True(() => b.Got(A, DataChannel.PubSub, "hello-1"), "first frame");

        // The accepting side (higher id) restarts on the same port: the dialer redials.
        await b.DisposeAsync();
        await Eventually.True(() => !a.ConnectedTo(B), "a notices b went away");
        await using var b2 = await TestLinks.StartAsync(B, port: bPort);
        b2.Knows(a);
        await Eventually.True(() => a.ConnectedTo(B), "a reconnects to restarted b");
        a.SendText(B, DataChannel.PubSub, "hello-2");
        b2.SendText(A, DataChannel.PubSub, "back");
        await Eventually.True(() => b2.Got(A, DataChannel.PubSub, "hello-2") && a.Got(B, DataChannel.PubSub, "back"), "traffic after restart");

        // The dialing side restarts: the acceptor takes the new connection in place of the dead one.
        var aPort = a.Port;
        await a.DisposeAsync();
        await using var a2 = await TestLinks.StartAsync(A, port: aPort);
        a2.Knows(b2);
        a2.SendText(B, DataChannel.PubSub, "from-a2");
        await Eventually.True(() => b2.Got(A, DataChannel.PubSub, "from-a2"), "b receives from restarted a");
        b2.SendText(A, DataChannel.PubSub, "to-a2");
        await Eventually.True(() => a2.Got(B, DataChannel.PubSub, "to-a2"), "restarted a receives from b");
    }

    [Fact]
    public async Task Stranger_sending_garbage_is_disconnected_and_the_links_keep_working()
    {
        await using var a = await TestLinks.StartAsync(A);
        await using var b = await TestLinks.StartAsync(B);
        a.Knows(b);
        b.Knows(a);
        using (var stranger = await RawConnectAsync(b.Port))
        {
            await stranger.SendAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray());
            await AssertClosedByPeerAsync(stranger);
        }
        await Eventually.True(() => b.Log.Contains("refused"), "refusal logged");
        a.SendText(B, DataChannel.HandOff, "still-works");
        b.SendText(A, DataChannel.HandOff, "both-ways");
        await Eventually.True(() => b.Got(A, DataChannel.HandOff, "still-works") && a.Got(B, DataChannel.HandOff, "both-ways"), "real peers still talk");
    }

    [Fact]
    public async Task Oversized_length_prefix_after_a_good_handshake_closes_the_connection()
    {
        await using var b = await TestLinks.StartAsync(B, tweak: o => new DataLinkOptions
        {
            NodeId = o.NodeId, ClusterId = o.ClusterId, BindAddress = o.BindAddress, MaxFrameBytes = 4096,
        });
        using var raw = await RawConnectAsync(b.Port);
        // A well-behaved handshake as a lower id ("node-0" < "node-b"), so the bus accepts it...
        await raw.SendAsync(Frame(DataChannel.Handshake, new DataLinkHandshake("node-0", "test-cluster").ToPayload()));
        var reply = await ReadHandshakeReplyAsync(raw);
        Assert.Equal(B, reply.NodeId);
        await raw.SendAsync(Frame(DataChannel.PubSub, "ok"u8.ToArray()));
        await Eventually.True(() => b.Got("node-0", DataChannel.PubSub, "ok"), "frame under the limit delivered");
        // ...then a header announcing more than the limit.
        var header = new byte[5];
        BinaryPrimitives.WriteUInt32BigEndian(header, 4097);
        header[4] = (byte)DataChannel.PubSub;
        await raw.SendAsync(header);
        await AssertClosedByPeerAsync(raw);
        await Eventually.True(() => b.Log.Contains("exceeds the limit"), "protocol error logged");
    }

    [Fact]
    public async Task Oversized_handshake_length_is_refused()
    {
        await using var b = await TestLinks.StartAsync(B);
        using var raw = await RawConnectAsync(b.Port);
        var header = new byte[5];
        BinaryPrimitives.WriteUInt32BigEndian(header, 100_000);
        await raw.SendAsync(header);
        await AssertClosedByPeerAsync(raw);
    }

    [Fact]
    public async Task Silent_connection_is_closed_after_the_handshake_timeout()
    {
        await using var b = await TestLinks.StartAsync(B, tweak: o => new DataLinkOptions
        {
            NodeId = o.NodeId, ClusterId = o.ClusterId, BindAddress = o.BindAddress,
            HandshakeTimeout = TimeSpan.FromMilliseconds(200),
        });
        using var raw = await RawConnectAsync(b.Port);
        await AssertClosedByPeerAsync(raw);
        await Eventually.True(() => b.Log.Contains("handshake timed out"), "timeout logged");
    }

    [Fact]
    public async Task Node_of_another_cluster_is_refused()
    {
        await using var a = await TestLinks.StartAsync(A, cluster: "other-cluster");
        await using var b = await TestLinks.StartAsync(B);
        a.Knows(b);
        b.Knows(a);
        a.SendText(B, DataChannel.PubSub, "should-not-arrive");
        await Eventually.True(() => b.Log.Contains("belongs to cluster 'other-cluster'"), "b refuses a");
        Assert.False(a.ConnectedTo(B));
        Assert.False(b.ConnectedTo(A));
        Assert.Empty(b.Received);

        // A raw client with the wrong cluster id gets no handshake reply, only a close.
        using var raw = await RawConnectAsync(b.Port);
        await raw.SendAsync(Frame(DataChannel.Handshake, new DataLinkHandshake("node-0", "nope").ToPayload()));
        await AssertClosedByPeerAsync(raw);
    }

    [Fact]
    public async Task Higher_id_dialing_in_is_refused()
    {
        await using var b = await TestLinks.StartAsync(B);
        using var raw = await RawConnectAsync(b.Port);
        await raw.SendAsync(Frame(DataChannel.Handshake, new DataLinkHandshake("node-z", "test-cluster").ToPayload()));
        await AssertClosedByPeerAsync(raw);
        await Eventually.True(() => b.Log.Contains("only the lower id of a pair dials"), "refusal logged");
    }

    [Fact]
    public async Task SetLinkBlocked_cuts_and_restores_traffic_both_ways()
    {
        await using var a = await TestLinks.StartAsync(A);
        await using var b = await TestLinks.StartAsync(B);
        a.Knows(b);
        b.Knows(a);
        a.SendText(B, DataChannel.PubSub, "before");
        await Eventually.True(() => b.Got(A, DataChannel.PubSub, "before"), "link up");

        a.Links.SetLinkBlocked(B, true);
        for (var i = 0; i < 50; i++)
        {
            a.SendText(B, DataChannel.PubSub, "cut-" + i); // dropped at a's send
            b.SendText(A, DataChannel.PubSub, "cut-" + i); // dropped at a's receive
        }
        // b cannot tell a's drops from silence, but b→a frames reach a's socket: wait until a has read them all.
        await Eventually.True(() => a.Links.GetPeers().Single(p => p.NodeId == B).FramesDropped >= 100, "a dropped 50 out and 50 in");
        Assert.True(a.Links.GetPeers().Single(p => p.NodeId == B).Blocked);

        a.Links.SetLinkBlocked(B, false);
        a.SendText(B, DataChannel.PubSub, "after");
        b.SendText(A, DataChannel.PubSub, "after");
        await Eventually.True(() => b.Got(A, DataChannel.PubSub, "after") && a.Got(B, DataChannel.PubSub, "after"), "traffic restored");
        // Frames on a link arrive in order, so had any cut frame got through it would be here by now.
        Assert.DoesNotContain(b.Received, f => System.Text.Encoding.UTF8.GetString(f.Payload).StartsWith("cut-"));
        Assert.DoesNotContain(a.Received, f => System.Text.Encoding.UTF8.GetString(f.Payload).StartsWith("cut-"));
    }

    [Fact]
    public async Task Queue_over_its_bound_drops_and_counts_then_flushes_on_connect()
    {
        await using var a = await TestLinks.StartAsync(A, tweak: o => new DataLinkOptions
        {
            NodeId = o.NodeId, ClusterId = o.ClusterId, BindAddress = o.BindAddress, MaxQueuedBytesPerPeer = 10 * 105,
        });
        await using var b = await TestLinks.StartAsync(B);
        // b's address is unknown to a, so nothing can be written yet: 10 frames fit, 15 are dropped.
        a.SendSeq(B, 0, 25, padding: 96);
        var peer = a.Links.GetPeers().Single(p => p.NodeId == B);
        Assert.Equal(15, peer.FramesDropped);
        Assert.Equal(10 * 105, peer.QueuedBytes);
        Assert.False(peer.Connected);
        a.Knows(b);
        await Eventually.True(() => b.CountFrom(A) == 10, "queued frames delivered after connect");
        Assert.Equal(Enumerable.Range(0, 10), b.SequenceFrom(A));
        Assert.Equal(0, a.Links.GetPeers().Single(p => p.NodeId == B).QueuedBytes);
    }

    [Fact]
    public async Task RemovePeer_closes_the_link()
    {
        await using var a = await TestLinks.StartAsync(A);
        await using var b = await TestLinks.StartAsync(B);
        a.Knows(b);
        b.Knows(a);
        a.SendText(B, DataChannel.PubSub, "x");
        await Eventually.True(() => b.ConnectedTo(A), "connected");
        a.Links.RemovePeer(B);
        Assert.DoesNotContain(a.Links.GetPeers(), p => p.NodeId == B);
        await Eventually.True(() => !b.ConnectedTo(A), "b sees the link closed");
    }

    private static byte[] Frame(DataChannel channel, byte[] payload)
    {
        var w = new ArrayBufferWriter<byte>();
        DataFrameCodec.Write(w, channel, payload);
        return w.WrittenSpan.ToArray();
    }

    private static async Task<Socket> RawConnectAsync(int port)
    {
        var s = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await s.ConnectAsync(IPAddress.Loopback, port);
        return s;
    }

    private static async Task<DataLinkHandshake> ReadHandshakeReplyAsync(Socket s)
    {
        var buffer = new byte[1024];
        var have = 0;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            var n = await s.ReceiveAsync(buffer.AsMemory(have), cts.Token);
            Assert.True(n > 0, "connection closed before the handshake reply");
            have += n;
            var seq = new ReadOnlySequence<byte>(buffer, 0, have);
            if (DataFrameCodec.TryRead(ref seq, DataLinkHandshake.MaxSize, out var ch, out var payload))
            {
                Assert.Equal(DataChannel.Handshake, ch);
                return DataLinkHandshake.Parse(payload);
            }
        }
    }

    /// <summary>Reads until the bus closes the socket; fails if it stays open for 10 s.</summary>
    private static async Task AssertClosedByPeerAsync(Socket s)
    {
        var buffer = new byte[4096];
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            while (await s.ReceiveAsync(buffer, cts.Token) > 0)
            {
            }
        }
        catch (SocketException)
        {
            // A reset is a close too.
        }
        catch (OperationCanceledException)
        {
            Assert.Fail("the bus did not close the connection");
        }
    }
}
