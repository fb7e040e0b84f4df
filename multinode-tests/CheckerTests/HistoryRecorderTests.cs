using QuorumCache.MultiNode.Checker;

namespace QuorumCache.MultiNode.CheckerTests;

public class HistoryRecorderTests
{
    /// <summary>A manual clock: a tick is a millisecond, advanced by the test.</summary>
    private sealed class ManualClock : TimeProvider
    {
        public long Now = 1_000;
        public override long TimestampFrequency => 1000;
        public override long GetTimestamp() => Now;
    }

    [Fact]
    public void RecordsTimesOutcomesAndOpenOpsAsUnknown()
    {
        var clock = new ManualClock();
        var rec = new HistoryRecorder(clock);
        clock.Now = 1_005;
        var w = rec.Invoke(3, OperationKind.Write, "k1", "7");
        clock.Now = 1_007;
        var r = rec.Invoke(4, OperationKind.Read, "k1");
        clock.Now = 1_010;
        rec.Ok(w);
        var open = rec.Invoke(5, OperationKind.Write, "k1", "8");
        clock.Now = 1_012;
        rec.Ok(r, "7");
        Assert.Throws<InvalidOperationException>(() => rec.Ok(r, "7"));

        var h = rec.Snapshot();
        Assert.Equal(3, h.Count);
        Assert.Equal(new[] { 0, 1, 2 }, h.Operations.Select(o => o.Id));
        Assert.Equal((1_005L, 1_010L, Outcome.Ok), (h.Operations[0].InvokeTicks, h.Operations[0].CompleteTicks!.Value, h.Operations[0].Outcome));
        Assert.Equal("7", h.Operations[1].Output);
        Assert.Equal(Outcome.Unknown, h.Operations[2].Outcome);
        Assert.Null(h.Operations[2].CompleteTicks);

        string text = h.ToString();
        Assert.Contains("[5.000..10.000] p3 write k1 = 7 -> ok\n", text);
        Assert.Contains("[7.000..12.000] p4 read k1 -> ok: 7\n", text);
        Assert.Contains("[10.000..?] p5 write k1 = 8 -> unknown (never completed)\n", text);
        Assert.Equal(open.Id, h.Operations[2].Id);
    }

    [Fact]
    public async Task IsSafeUnderConcurrentUse()
    {
        var rec = new HistoryRecorder();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(p => Task.Run(() =>
        {
            for (int i = 0; i < 500; i++)
            {
                var h = rec.Invoke(p, OperationKind.Write, "k" + (i % 3), $"{p}-{i}");
                if (i % 7 == 0) rec.Unknown(h, "timeout"); else rec.Ok(h);
            }
        })));
        var hist = rec.Snapshot();
        Assert.Equal(4000, hist.Count);
        Assert.Equal(Enumerable.Range(0, 4000), hist.Operations.Select(o => o.Id));
        Assert.All(hist.Operations, o => Assert.True(o.CompleteTicks >= o.InvokeTicks));
        Assert.Equal(8 * 72, hist.Operations.Count(o => o.Outcome == Outcome.Unknown));
    }

    [Fact]
    public void JsonLinesRoundTrip()
    {
        var b = new HistoryBuilder()
            .Write(1, "k", "a b\"c", 0, 1)
            .Read(2, "k", null, 2, 3)
            .Cas(3, "k", "x", "y", 4, null, Outcome.Unknown)
            .Add(4, OperationKind.ReadSet, "s", 5, 6, Outcome.Ok, elements: new[] { "e1", "e,2" })
            .Add(5, OperationKind.Incr, "c", 7, 8, Outcome.Fail, value: "-3");
        var h = b.Build();
        string json = HistoryJson.ToJsonLines(h);
        Assert.Equal(h.Count + 1, json.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        var back = HistoryJson.Parse(json);
        Assert.Equal(h.TicksPerSecond, back.TicksPerSecond);
        Assert.Equal(h.ToString(), back.ToString());
        for (int i = 0; i < h.Count; i++)
        {
            var (x, y) = (h.Operations[i], back.Operations[i]);
            Assert.Equal((x.Id, x.Process, x.Key, x.Kind, x.Value, x.Expected, x.Output, x.InvokeTicks, x.CompleteTicks, x.Outcome),
                         (y.Id, y.Process, y.Key, y.Kind, y.Value, y.Expected, y.Output, y.InvokeTicks, y.CompleteTicks, y.Outcome));
            Assert.Equal(x.Elements, y.Elements);
        }
        Assert.Contains("write k = \"a b\\\"c\" -> ok", h.ToString());
        Assert.Contains("read-set s -> ok: 2 elements {e1, \"e,2\"}", h.ToString());
    }
}
