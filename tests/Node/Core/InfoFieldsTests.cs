using QuorumCache.Node.Config;
using System.Diagnostics;
using System.Text.RegularExpressions;
using QuorumCache.Node.Server;
using QuorumCache.Node.Storage;
using QuorumCache.Tests.Infrastructure;

namespace QuorumCache.Tests.Node.Core;

/// <summary>INFO fields that report what happened: pub/sub counts, byte totals, instantaneous rates, avg_ttl.</summary>
public class InfoFieldsTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    private static long Field(string info, string name) =>
        long.Parse(Regex.Match(info, $@"(?m)^{Regex.Escape(name)}:(\d+)").Groups[1].Value);

    [Fact]
    public async Task PubSubCountsFollowSubscriptions()
    {
        await using var c = await node.ConnectAsync();
        await using var sub = await node.ConnectAsync();
        var before = (await c.Run("INFO", "stats")).Text!;
        await sub.Run("SUBSCRIBE", "info-ch-1");
        await sub.Run("PSUBSCRIBE", "info-pat-*");
        var after = (await c.Run("INFO", "stats")).Text!;
        Assert.Equal(Field(before, "pubsub_channels") + 1, Field(after, "pubsub_channels"));
        Assert.Equal(Field(before, "pubsub_patterns") + 1, Field(after, "pubsub_patterns"));
    }

    [Fact]
    public async Task NetworkTotalsCountWhatClientsSendAndReceive()
    {
        await using var c = await node.ConnectAsync();
        var before = (await c.Run("INFO", "stats")).Text!;
        var value = new string('v', 10_000);
        await c.Run("SET", NodeFixture.Key(), value);
        await c.Run("ECHO", value);
        var after = (await c.Run("INFO", "stats")).Text!;
        Assert.True(Field(after, "total_net_input_bytes") - Field(before, "total_net_input_bytes") >= 20_000);
        Assert.True(Field(after, "total_net_output_bytes") - Field(before, "total_net_output_bytes") >= 10_000);
    }

    [Fact]
    public void InstantaneousRatesAreTheMeanOfTheLastSixteenSamples()
    {
        var m = new InstantaneousMetrics();
        var t = Stopwatch.GetTimestamp();
        var tenthOfASecond = Stopwatch.Frequency / 10;
        m.Sample(0, 0, 0, t);
        Assert.Equal(0, m.OpsPerSecond);
        // 16 periods of 100 ms, each with 1,000 commands and 10 KB in, 20 KB out: 10,000 ops/s, 100 and 200 KB/s.
        for (var i = 1; i <= 16; i++) m.Sample(1000L * i, 10_240L * i, 20_480L * i, t + tenthOfASecond * i);
        Assert.Equal(10_000, m.OpsPerSecond);
        Assert.Equal(100, m.InputKbps, 6);
        Assert.Equal(200, m.OutputKbps, 6);
        // Idle for 8 periods: half the window is quiet.
        for (var i = 17; i <= 24; i++) m.Sample(16_000, 163_840, 327_680, t + tenthOfASecond * i);
        Assert.Equal(5_000, m.OpsPerSecond);
    }

    [Fact]
    public async Task AverageTtlEstimatesTheRemainingTtlOfKeysWithOne()
    {
        await using var c = await node.ConnectAsync();
        for (var i = 0; i < 20; i++) await c.Run("SET", NodeFixture.Key("ttl"), "v", "PX", "1000000");
        // One active expiry pass samples them (the node's own cycle may have run too: both see ~1,000 s).
        new ActiveExpiryCycle(node.Server).RunOnce(TimeSpan.FromSeconds(30));
        var avg = long.Parse(Regex.Match((await c.Run("INFO", "keyspace")).Text!, @"avg_ttl=(\d+)").Groups[1].Value);
        Assert.InRange(avg, 1, 1_000_000);
    }
}
