using System.Text;
using QuorumCache.Node.Storage.Types;

namespace QuorumCache.Tests.Node.SortedSets;

public class SkipListTests
{
    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    private static string S(byte[] b) => Encoding.UTF8.GetString(b);

    private static List<string> Walk(SkipList l)
    {
        var r = new List<string>();
        for (var n = l.First; n is not null; n = n.Next) r.Add(S(n.Member));
        return r;
    }

    [Fact]
    public void InsertKeepsScoreThenMemberOrderAndRanks()
    {
        var l = new SkipList();
        l.Insert(2, B("b"));
        l.Insert(1, B("z"));
        l.Insert(2, B("a"));
        l.Insert(-1, B("m"));
        Assert.Equal(["m", "z", "a", "b"], Walk(l));
        Assert.Equal(1, l.GetRank(-1, B("m")));
        Assert.Equal(3, l.GetRank(2, B("a")));
        Assert.Equal(4, l.GetRank(2, B("b")));
        Assert.Equal(0, l.GetRank(2, B("c")));
        Assert.Equal(0, l.GetRank(3, B("b")));
        Assert.Equal("a", S(l.GetByRank(3)!.Member));
        Assert.Null(l.GetByRank(0));
        Assert.Null(l.GetByRank(5));
        Assert.Equal("b", S(l.Last!.Member));
        Assert.Equal("a", S(l.Last!.Backward!.Member));
        l.Validate();
    }

    [Fact]
    public void DeleteUnlinksAndFixesSpans()
    {
        var l = new SkipList();
        for (var i = 0; i < 200; i++) l.Insert(i, B($"m{i:D3}"));
        Assert.True(l.Delete(50, B("m050")));
        Assert.False(l.Delete(50, B("m050")));
        Assert.False(l.Delete(51, B("m050")));
        Assert.True(l.Delete(199, B("m199")));
        Assert.True(l.Delete(0, B("m000")));
        Assert.Equal(197, l.Length);
        Assert.Equal("m198", S(l.Last!.Member));
        Assert.Null(l.First!.Backward);
        Assert.Equal(50, l.GetRank(51, B("m051")));
        Assert.Equal("m051", S(l.GetByRank(50)!.Member));
        l.Validate();
    }

    [Fact]
    public void UpdateScoreInPlaceAndByMoving()
    {
        var l = new SkipList();
        l.Insert(1, B("a"));
        l.Insert(2, B("b"));
        l.Insert(3, B("c"));
        var same = l.GetByRank(2)!;
        Assert.Same(same, l.UpdateScore(2, B("b"), 2.5)); // still between a and c: stays
        Assert.Equal(2, l.GetRank(2.5, B("b")));
        l.UpdateScore(2.5, B("b"), 10);
        Assert.Equal(["a", "c", "b"], Walk(l));
        l.UpdateScore(1, B("a"), 20);
        Assert.Equal(["c", "b", "a"], Walk(l));
        Assert.Equal(3, l.GetRank(20, B("a")));
        l.Validate();
    }

    [Fact]
    public void ScoreRangesFindFirstAndLastWithRanks()
    {
        var l = new SkipList();
        for (var i = 1; i <= 10; i++) l.Insert(i, B($"e{i:D2}"));
        var r = new ScoreRange(3, 7, minExclusive: true, maxExclusive: false);
        Assert.Equal("e04", S(l.FirstInRange(r, out var lo)!.Member));
        Assert.Equal(4, lo);
        Assert.Equal("e07", S(l.LastInRange(r, out var hi)!.Member));
        Assert.Equal(7, hi);
        Assert.Null(l.FirstInRange(new ScoreRange(5, 5, true, false), out _));
        Assert.Null(l.FirstInRange(new ScoreRange(11, double.PositiveInfinity, false, false), out _));
        Assert.Null(l.FirstInRange(new ScoreRange(8, 2, false, false), out _));
        Assert.Equal(10, l.LastInRange(new ScoreRange(double.NegativeInfinity, double.PositiveInfinity, false, false), out _)!.Score);
    }

    [Fact]
    public void LexRangesAndRangeDeletion()
    {
        var l = new SkipList();
        foreach (var m in new[] { "a", "b", "c", "d", "e", "f" }) l.Insert(0, B(m));
        Assert.True(LexRange.TryParse(B("(b"), B("[e"), out var r));
        Assert.Equal("c", S(l.FirstInLexRange(r, out var lo)!.Member));
        Assert.Equal(3, lo);
        Assert.Equal("e", S(l.LastInLexRange(r, out var hi)!.Member));
        Assert.Equal(5, hi);
        var removed = new List<string>();
        Assert.Equal(3, l.DeleteRangeByLex(r, n => removed.Add(S(n.Member))));
        Assert.Equal(["c", "d", "e"], removed);
        Assert.Equal(["a", "b", "f"], Walk(l));
        l.Validate();
        Assert.Equal(2, l.DeleteRangeByRank(1, 2, _ => { }));
        Assert.Equal(["f"], Walk(l));
        Assert.Equal(1, l.DeleteRangeByScore(new ScoreRange(0, 0, false, false), _ => { }));
        Assert.Equal(0, l.Length);
        Assert.Null(l.First);
        Assert.Null(l.Last);
        l.Validate();
    }

    [Fact]
    public void LexRangeParsingFollowsRedis()
    {
        Assert.True(LexRange.TryParse(B("-"), B("+"), out var all));
        Assert.False(all.IsEmpty);
        Assert.True(LexRange.TryParse(B("+"), B("-"), out var none));
        Assert.True(none.IsEmpty);
        Assert.True(LexRange.TryParse(B("-"), B("-"), out var same));
        Assert.True(same.IsEmpty);
        Assert.True(LexRange.TryParse(B("[a"), B("[a"), out var point));
        Assert.False(point.IsEmpty);
        Assert.True(LexRange.TryParse(B("(a"), B("[a"), out var open));
        Assert.True(open.IsEmpty);
        Assert.False(LexRange.TryParse(B("a"), B("+"), out _));
        Assert.False(LexRange.TryParse(B("-x"), B("+"), out _));
        Assert.False(LexRange.TryParse(B(""), B("+"), out _));
    }

    [Fact]
    public void ScoreRangeParsingFollowsStrtod()
    {
        Assert.True(ScoreRange.TryParse(B("(1.5"), B("+inf"), out var r));
        Assert.True(r.MinExclusive);
        Assert.Equal(1.5, r.Min);
        Assert.Equal(double.PositiveInfinity, r.Max);
        Assert.True(ScoreRange.TryParse(B("-inf"), B("(-inf"), out var e));
        Assert.True(e.IsEmpty);
        Assert.True(ScoreRange.TryParse(B(" 5"), B("("), out var sp));
        Assert.Equal(5, sp.Min);
        Assert.Equal(0, sp.Max);
        Assert.False(ScoreRange.TryParse(B("nan"), B("1"), out _));
        Assert.False(ScoreRange.TryParse(B("1 "), B("1"), out _));
        Assert.False(ScoreRange.TryParse(B("abc"), B("1"), out _));
    }
}
