using QuorumCache.MultiNode.Harness;
using QuorumCache.Resp;
using Xunit.Abstractions;

namespace QuorumCache.MultiNode.Specs;

/// <summary>
/// Pub/sub across the shared cluster, as Redis Cluster behaves: a PUBLISH on any node reaches the
/// channel and pattern subscribers of every node, in the publisher's order, and its reply counts the
/// publishing node's own receivers.
/// </summary>
[Collection(SharedClusterCollection.Name)]
public sealed class PubSubSpecs(SharedClusterFixture fixture, ITestOutputHelper output)
{
    private const int Messages = 200;
    private static readonly TimeSpan FrameWait = TimeSpan.FromSeconds(20);

    [Fact]
    public Task Publish_on_one_node_reaches_subscribers_on_every_node_in_order() =>
        Scenario.RunAsync("cross-node PUBLISH", output, async s =>
        {
            var channel = $"news{s.Seed}";
            var pattern = $"news{s.Seed}*";
            var (a, b, c) = (s.Role("A"), s.Role("B"), s.Role("C"));
            await using var onB = await RespClient.ConnectAsync("127.0.0.1", b.Port);
            await using var onC = await RespClient.ConnectAsync("127.0.0.1", c.Port);
            await s.StepAsync("B subscribes (RESP3: channel and pattern), C subscribes (RESP2: channel)", TimeSpan.FromSeconds(20), async _ =>
            {
                Assert.False((await onB.ExecuteAsync("HELLO", "3")).IsError);
                await onB.SendWithoutReplyAsync("SUBSCRIBE", channel);
                await onB.SendWithoutReplyAsync("PSUBSCRIBE", pattern);
                AssertFrame(await onB.NextPushAsync(FrameWait), "subscribe", channel, "1");
                AssertFrame(await onB.NextPushAsync(FrameWait), "psubscribe", pattern, "2");
                onC.SubscriberMode = true;
                await onC.SendWithoutReplyAsync("SUBSCRIBE", channel);
                AssertFrame(await onC.NextPushAsync(FrameWait), "subscribe", channel, "1");
            });

            await using var pubA = await RespClient.ConnectAsync("127.0.0.1", a.Port);
            await s.StepAsync($"A publishes {Messages} messages: each reply counts A's receivers (none)", TimeSpan.FromSeconds(20), async _ =>
            {
                var replies = await pubA.PipelineAsync(Enumerable.Range(0, Messages).Select(i => new[] { "PUBLISH", channel, $"a{i}" }));
                Assert.All(replies, r => Assert.Equal(0, r.Integer));
            });
            await s.StepAsync("B gets each as message and pmessage, C as message, in A's order", TimeSpan.FromSeconds(60), async _ =>
            {
                for (var i = 0; i < Messages; i++)
                {
                    AssertFrame(await onB.NextPushAsync(FrameWait), "message", channel, $"a{i}");
                    AssertFrame(await onB.NextPushAsync(FrameWait), "pmessage", pattern, channel, $"a{i}");
                    AssertFrame(await onC.NextPushAsync(FrameWait), "message", channel, $"a{i}");
                }
            });

            await using var pubB = await RespClient.ConnectAsync("127.0.0.1", b.Port);
            await s.StepAsync("B publishes: its reply counts its own two receptions; C gets it too", TimeSpan.FromSeconds(20), async _ =>
            {
                Assert.Equal(2, (await pubB.ExecuteAsync("PUBLISH", channel, "from-b")).Integer);
                AssertFrame(await onB.NextPushAsync(FrameWait), "message", channel, "from-b");
                AssertFrame(await onB.NextPushAsync(FrameWait), "pmessage", pattern, channel, "from-b");
                AssertFrame(await onC.NextPushAsync(FrameWait), "message", channel, "from-b");
            });

            await s.StepAsync("after UNSUBSCRIBE on C, a publish from A reaches B only", TimeSpan.FromSeconds(20), async _ =>
            {
                await onC.SendWithoutReplyAsync("UNSUBSCRIBE", channel);
                AssertFrame(await onC.NextPushAsync(FrameWait), "unsubscribe", channel, "0");
                Assert.Equal(0, (await pubA.ExecuteAsync("PUBLISH", channel, "last")).Integer);
                AssertFrame(await onB.NextPushAsync(FrameWait), "message", channel, "last");
                AssertFrame(await onB.NextPushAsync(FrameWait), "pmessage", pattern, channel, "last");
                // C is no longer subscribed: a PING in RESP2 subscriber mode answers ["pong", ""], nothing came before it.
                await onC.SendWithoutReplyAsync("PING");
                var next = await onC.NextPushAsync(FrameWait);
                Assert.True(Render(next) == "pong|" || next.Text == "PONG", $"C got {Render(next)} after unsubscribing");
            });
        }, fixture.Cluster);

    private static string Render(RespValue v) =>
        v.Type is RespType.Array or RespType.Push ? string.Join('|', Enumerable.Range(0, v.Count).Select(i => v[i].Text ?? v[i].Integer.ToString())) : v.ToString()!;

    private static void AssertFrame(RespValue v, params string[] parts) => Assert.Equal(string.Join('|', parts), Render(v));
}
