using QuorumCache.MultiNode.Checker;

namespace QuorumCache.MultiNode.CheckerTests;

public class SetCheckerTests
{
    private static HistoryBuilder AddOp(HistoryBuilder b, string element, long invoke, long? complete, Outcome outcome, string key = "s") =>
        b.Add(1, OperationKind.Add, key, invoke, complete, outcome, value: element);

    private static HistoryBuilder Final(HistoryBuilder b, long invoke, params string[] elements) =>
        b.Add(9, OperationKind.ReadSet, "s", invoke, invoke + 1, Outcome.Ok, elements: elements);

    [Fact]
    public void AllAcknowledgedPresentIsValidAndUnknownPresentAreRecovered()
    {
        var b = new HistoryBuilder();
        AddOp(b, "a", 0, 1, Outcome.Ok);
        AddOp(b, "b", 2, 3, Outcome.Ok);
        AddOp(b, "c", 4, 5, Outcome.Unknown);
        AddOp(b, "d", 6, 7, Outcome.Unknown);
        AddOp(b, "e", 8, 9, Outcome.Fail);
        Final(b, 100, "a", "b", "c");
        var r = SetChecker.Check(b.Build());
        Assert.True(r.Verdict == CheckVerdict.Valid, r.Describe());
        var k = Assert.Single(r.Keys);
        Assert.Equal("c", Assert.Single(k.Recovered).Value);
        Assert.Empty(k.Lost);
        Assert.Equal((5, 2, 2, 1), (k.Attempted, k.Acknowledged, k.UnknownAdds, k.FailedAdds));
    }

    [Fact]
    public void MissingAcknowledgedAddIsLost()
    {
        var b = new HistoryBuilder();
        AddOp(b, "a", 0, 1, Outcome.Ok);
        AddOp(b, "b", 2, 3, Outcome.Ok);
        Final(b, 100, "a");
        var h = b.Build();
        var r = SetChecker.Check(h);
        Assert.Equal(CheckVerdict.Invalid, r.Verdict);
        Assert.Equal("b", Assert.Single(r.Keys[0].Lost).Value);
        Assert.Equal(1, r.LostCount);
        Assert.Contains("LOST: [2.000..3.000] p1 add s = b -> ok", r.Describe());
    }

    [Fact]
    public void AddAcknowledgedAfterTheFinalReadBeganIsNotJudged()
    {
        var b = new HistoryBuilder();
        AddOp(b, "a", 0, 1, Outcome.Ok);
        AddOp(b, "late", 99, 102, Outcome.Ok);
        Final(b, 100, "a");
        var r = SetChecker.Check(b.Build());
        Assert.Equal(CheckVerdict.Valid, r.Verdict);
        Assert.Equal(1, r.Keys[0].ConcurrentWithRead);
    }

    [Fact]
    public void ElementNeverAttemptedIsUnexpected()
    {
        var b = new HistoryBuilder();
        AddOp(b, "a", 0, 1, Outcome.Ok);
        Final(b, 100, "a", "ghost");
        var r = SetChecker.Check(b.Build());
        Assert.Equal(CheckVerdict.Invalid, r.Verdict);
        Assert.Equal("ghost", Assert.Single(r.Keys[0].Unexpected));
        Assert.Contains("UNEXPECTED element never added: ghost", r.Describe());
    }

    [Fact]
    public void FailedAddThatAppearsIsAViolation()
    {
        var b = new HistoryBuilder();
        AddOp(b, "a", 0, 1, Outcome.Fail);
        Final(b, 100, "a");
        var r = SetChecker.Check(b.Build());
        Assert.Equal(CheckVerdict.Invalid, r.Verdict);
        Assert.Single(r.Keys[0].FailedButPresent);
    }

    [Fact]
    public void TheLastAcknowledgedReadIsTheFinalOneAndNoReadIsInconclusive()
    {
        var b = new HistoryBuilder();
        AddOp(b, "a", 0, 1, Outcome.Ok);
        Final(b, 50);              // an early read before... ignored: a later one exists
        Final(b, 100, "a");
        b.Add(9, OperationKind.ReadSet, "s", 200, 300, Outcome.Unknown);   // unknown reads do not count
        AddOp(b, "x", 0, 1, Outcome.Ok, key: "other");
        var r = SetChecker.Check(b.Build());
        Assert.Equal(CheckVerdict.Unknown, r.Verdict);
        Assert.Equal(CheckVerdict.Valid, r.Keys.Single(k => k.Key == "s").Verdict);
        Assert.Equal(100, r.Keys.Single(k => k.Key == "s").FinalRead!.InvokeTicks);
        Assert.Equal(CheckVerdict.Unknown, r.Keys.Single(k => k.Key == "other").Verdict);
    }
}
