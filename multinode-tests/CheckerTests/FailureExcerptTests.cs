using QuorumCache.MultiNode.Checker;
using Xunit.Abstractions;

namespace QuorumCache.MultiNode.CheckerTests;

public class FailureExcerptTests(ITestOutputHelper output)
{
    [Fact]
    public void SearchExcerptNamesTheKeyTheCulpritAndTheConflictingRead()
    {
        var h = new HistoryBuilder()
            .Write(1, "k1", "1", 0, 10)
            .Write(2, "k1", "2", 20, 30)
            .Read(3, "k1", "1", 40, 50)
            .Build();
        var f = Assert.Single(LinearizabilityChecker.Check(h, new LinearizabilityOptions { QuickChecks = false }).Failures);
        output.WriteLine(f.Excerpt);
        Assert.Contains("key k1: NOT linearizable", f.Excerpt);
        Assert.Contains("leaving the register at 1", f.Excerpt);
        Assert.Contains("could not linearize: [20.000..30.000] p2 write k1 = 2 -> ok", f.Excerpt);
        Assert.Contains("it was acknowledged, so it took effect by 30.000; that overwrites 1", f.Excerpt);
        // Marked lines: the prefix numbered in linearization order, the culprit, the read contradicting it.
        Assert.Contains("L1    [0.000..10.000] p1 write k1 = 1 -> ok", f.Excerpt);
        Assert.Contains("!!    [20.000..30.000] p2 write k1 = 2 -> ok", f.Excerpt);
        Assert.Contains(">>    [40.000..50.000] p3 read k1 -> ok: 1", f.Excerpt);
    }

    [Fact]
    public void ExcerptIsASmallWindowEvenInALongHistory()
    {
        var b = new HistoryBuilder();
        long t = 0;
        for (int i = 0; i < 500; i++)
        {
            b.Write(1, "k", "v" + i, t, t + 1);
            b.Read(2, "k", "v" + i, t + 2, t + 3);
            t += 4;
        }
        b.Write(1, "k", "last", t, t + 1);
        b.Read(2, "k", "v499", t + 2, t + 3);   // stale
        var h = b.Build();
        foreach (bool quick in new[] { true, false })
        {
            var f = Assert.Single(LinearizabilityChecker.Check(h, new LinearizabilityOptions { QuickChecks = quick }).Failures);
            output.WriteLine(f.Excerpt);
            Assert.True(f.Window.Count <= 12, $"window has {f.Window.Count} ops");
            Assert.Contains(f.Window, o => o.Id == 1000);
            Assert.Contains(f.Window, o => o.Id == 1001);
            Assert.True(f.Excerpt!.Split('\n').Length < 20, f.Excerpt);
            if (!quick) Assert.Contains("longest linearizable prefix: 1000 ops", f.Excerpt);
        }
    }
    /// <summary>
    /// A history as recorded against a server that acknowledged a SET before storing it (the
    /// acknowledgement raced ahead of replication and the write was then lost in a failover).
    /// This is the history a spec would dump; the checker must reject it and say why in a form
    /// a reader can follow without the rest of the log.
    /// </summary>
    [Fact]
    public void RecordedHistoryFromAServerThatAcksBeforeStoringGivesAReadableExcerpt()
    {
        const string recorded = """
            {"type":"history","ticksPerSecond":1000000,"originTicks":5000000}
            {"id":0,"process":1,"key":"user:42","kind":"write","value":"alice","invoke":5001000,"complete":5003000,"outcome":"ok"}
            {"id":1,"process":2,"key":"user:42","kind":"read","output":"alice","invoke":5004000,"complete":5005000,"outcome":"ok"}
            {"id":2,"process":1,"key":"user:42","kind":"write","value":"bob","invoke":5010000,"complete":5011000,"outcome":"ok"}
            {"id":3,"process":3,"key":"user:7","kind":"write","value":"x","invoke":5010500,"complete":5012000,"outcome":"ok"}
            {"id":4,"process":2,"key":"user:42","kind":"read","invoke":5012000,"complete":5112000,"outcome":"unknown","error":"timeout"}
            {"id":5,"process":4,"key":"user:42","kind":"read","output":"alice","invoke":5150000,"complete":5152000,"outcome":"ok"}
            {"id":6,"process":3,"key":"user:7","kind":"read","output":"x","invoke":5150000,"complete":5151000,"outcome":"ok"}
            """;
        var history = HistoryJson.Parse(recorded);
        var report = LinearizabilityChecker.Check(history);
        string message = report.Describe();
        output.WriteLine(message);

        Assert.Equal(CheckVerdict.Invalid, report.Verdict);
        var f = Assert.Single(report.Failures);
        Assert.Equal("user:42", f.Key);
        Assert.Equal(5, f.Culprit!.Id);
        Assert.Contains(f.Window, o => o.Id == 2);
        Assert.Contains("NOT linearizable: 2 keys, 6 ops checked, 1 keys not linearizable", message);
        Assert.Contains("key user:42: NOT linearizable (4 ops checked; dropped 0 failed ops, 1 unknown reads, 0 unobserved unknown writes): stale read", message);
        Assert.Contains("could not linearize: [150.000..152.000] p4 read user:42 -> ok: alice", message);
        Assert.Contains("src   [1.000..3.000] p1 write user:42 = alice -> ok", message);
        Assert.Contains("new   [10.000..11.000] p1 write user:42 = bob -> ok", message);
        Assert.Contains("!!    [150.000..152.000] p4 read user:42 -> ok: alice", message);
        Assert.Contains("the new write was lost", message);

        // The full search, without the quick checks, blames the same pair of ops.
        var searched = Assert.Single(LinearizabilityChecker.Check(history, new LinearizabilityOptions { QuickChecks = false }).Failures);
        output.WriteLine(searched.Excerpt);
        Assert.Equal(2, searched.Culprit!.Id);
        Assert.Contains("it was acknowledged, so it took effect by 11.000; that overwrites alice", searched.Excerpt);
        Assert.Contains(">>    [150.000..152.000] p4 read user:42 -> ok: alice", searched.Excerpt);
        Assert.DoesNotContain("user:7", f.Excerpt);
    }
}
