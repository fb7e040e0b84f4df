using System.Text;
using QuorumCache.Node.Storage.Types;
using Xunit.Abstractions;

namespace QuorumCache.Tests.Node.SortedSets;

/// <summary>
/// Randomized model test: thousands of seeded ZADD/ZREM/ZINCRBY/range removals applied to
/// <see cref="RedisSortedSet"/> and to a plain sorted model; ranks, ranges and counts must agree.
/// </summary>
public class SortedSetModelTests(ITestOutputHelper output)
{
    private sealed class ElementComparer : IComparer<(double Score, string Member)>
    {
        public int Compare((double Score, string Member) x, (double Score, string Member) y)
        {
            var c = x.Score.CompareTo(y.Score);
            if (x.Score == y.Score) c = 0; // -0 and 0 are equal scores, as in Redis
            return c != 0 ? c : Encoding.UTF8.GetBytes(x.Member).AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(y.Member));
        }
    }

    private static readonly double[] Scores = [-3, -1, -0.5, 0, 0.25, 1, 1, 2, 2, 2, 3.5, 7, double.PositiveInfinity, double.NegativeInfinity];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(20240607)]
    public void AgreesWithSortedModel(int seed)
    {
        try
        {
            Run(seed, 4000);
        }
        catch
        {
            output.WriteLine($"model test failed with seed {seed}");
            throw;
        }
    }

    [Fact]
    public void AgreesWithSortedModelOnRandomSeed()
    {
        var seed = Environment.TickCount & 0x7fffffff;
        try
        {
            Run(seed, 3000);
        }
        catch (Exception e)
        {
            throw new Exception($"model test failed with seed {seed}", e);
        }
    }

    private static void Run(int seed, int steps)
    {
        var rnd = new Random(seed);
        var z = new RedisSortedSet();
        var scores = new Dictionary<string, double>();
        var model = new SortedSet<(double Score, string Member)>(new ElementComparer());
        string Member() => "m" + rnd.Next(300).ToString("D3") + (rnd.Next(8) == 0 ? "x" : "");
        double Score() => rnd.Next(4) == 0 ? rnd.Next(-1000, 1000) / 8.0 : Scores[rnd.Next(Scores.Length)];

        for (var step = 0; step < steps; step++)
        {
            var op = rnd.Next(100);
            if (op < 55)
            {
                var m = Member();
                var s = Score();
                var flags = ZAddFlags.None;
                var f = rnd.Next(10);
                if (f == 1) flags = ZAddFlags.Nx;
                else if (f == 2) flags = ZAddFlags.Xx;
                else if (f == 3) flags = ZAddFlags.Gt;
                else if (f == 4) flags = ZAddFlags.Lt | ZAddFlags.Xx;
                else if (f >= 8) flags = ZAddFlags.Incr;
                var outcome = z.Add(s, Encoding.UTF8.GetBytes(m), flags, EncodingLimits.Default, out var newScore);
                var expected = ModelAdd(scores, model, m, s, flags, out var expectedScore);
                Assert.Equal(expected, outcome);
                if (outcome is not ZAddOutcome.Nop and not ZAddOutcome.Nan) Assert.Equal(expectedScore, newScore);
            }
            else if (op < 80)
            {
                var m = Member();
                var had = scores.Remove(m, out var old);
                if (had) model.Remove((old, m));
                Assert.Equal(had, z.Remove(Encoding.UTF8.GetBytes(m)));
            }
            else if (op < 83 && model.Count > 0)
            {
                long start = rnd.Next(model.Count), end = start + rnd.Next(5);
                if (end >= model.Count) end = model.Count - 1;
                var victims = model.Skip((int)start).Take((int)(end - start + 1)).ToList();
                Assert.Equal(victims.Count, z.RemoveRangeByRank(start, end));
                foreach (var v in victims)
                {
                    model.Remove(v);
                    scores.Remove(v.Member);
                }
            }
            else if (op < 85)
            {
                var r = new ScoreRange(Score(), Score(), rnd.Next(2) == 0, rnd.Next(2) == 0);
                var victims = model.Where(e => r.Contains(e.Score)).ToList();
                Assert.Equal(victims.Count, z.RemoveRange(r));
                foreach (var v in victims)
                {
                    model.Remove(v);
                    scores.Remove(v.Member);
                }
            }
            Check(rnd, z, scores, model);
        }
        z.List.Validate();
    }

    private static ZAddOutcome ModelAdd(Dictionary<string, double> scores, SortedSet<(double, string)> model, string m, double s, ZAddFlags flags,
        out double result)
    {
        result = s;
        if (scores.TryGetValue(m, out var cur))
        {
            if ((flags & ZAddFlags.Nx) != 0) return ZAddOutcome.Nop;
            if ((flags & ZAddFlags.Incr) != 0) s += cur;
            if (double.IsNaN(s)) return ZAddOutcome.Nan;
            if (((flags & ZAddFlags.Lt) != 0 && s >= cur) || ((flags & ZAddFlags.Gt) != 0 && s <= cur)) return ZAddOutcome.Nop;
            result = s;
            if (s == cur) return ZAddOutcome.Unchanged;
            model.Remove((cur, m));
            model.Add((s, m));
            scores[m] = s;
            return ZAddOutcome.Updated;
        }
        if ((flags & ZAddFlags.Xx) != 0) return ZAddOutcome.Nop;
        model.Add((s, m));
        scores[m] = s;
        return ZAddOutcome.Added;
    }

    private static void Check(Random rnd, RedisSortedSet z, Dictionary<string, double> scores, SortedSet<(double Score, string Member)> model)
    {
        Assert.Equal(model.Count, z.Count);
        if (model.Count == 0)
        {
            Assert.Null(z.First);
            return;
        }
        var list = model.ToList();
        // ZRANK / ZREVRANK of a random member
        var i = rnd.Next(list.Count);
        var member = Encoding.UTF8.GetBytes(list[i].Member);
        Assert.Equal(i, z.Rank(member, reverse: false, out var sc));
        Assert.Equal(list[i].Score, sc);
        Assert.Equal(list.Count - 1 - i, z.Rank(member, reverse: true, out _));
        // ZRANGE by rank
        var node = z.ByRank(i);
        for (var k = i; k < Math.Min(list.Count, i + 5); k++, node = node!.Next)
        {
            Assert.Equal(list[k].Member, Encoding.UTF8.GetString(node!.Member));
            Assert.Equal(list[k].Score, node.Score);
        }
        // ZCOUNT on a random interval
        var lo = list[rnd.Next(list.Count)].Score;
        var hi = list[rnd.Next(list.Count)].Score;
        var r = new ScoreRange(lo, hi, rnd.Next(3) == 0, rnd.Next(3) == 0);
        Assert.Equal(list.Count(e => r.Contains(e.Score)), z.CountInRange(r));
        var first = z.List.FirstInRange(r, out var firstRank);
        var expectedFirst = list.FindIndex(e => r.Contains(e.Score));
        Assert.Equal(expectedFirst < 0 ? null : list[expectedFirst].Member, first is null ? null : Encoding.UTF8.GetString(first.Member));
        if (first is not null) Assert.Equal(expectedFirst + 1, firstRank);
        // ZRANGEBYLEX over the members sharing one score (the only meaningful lex case)
        var shared = list[rnd.Next(list.Count)].Score;
        var sameScore = list.Where(e => e.Score == shared).Select(e => e.Member).ToList();
        if (sameScore.Count == list.Count)
        {
            var a = sameScore[rnd.Next(sameScore.Count)];
            LexRange.TryParse(Encoding.UTF8.GetBytes("(" + a), "+"u8, out var lr);
            Assert.Equal(sameScore.Count(m => string.CompareOrdinal(m, a) > 0), z.CountInRange(lr));
        }
        Assert.Equal(list[0].Member, Encoding.UTF8.GetString(z.First!.Member));
        Assert.Equal(list[^1].Member, Encoding.UTF8.GetString(z.Last!.Member));
        Assert.Equal(scores.Count, z.Count);
        foreach (var (name, expectedScore) in scores)
        {
            Assert.True(z.TryGetScore(Encoding.UTF8.GetBytes(name), out var got), name);
            Assert.Equal(expectedScore, got);
        }
        var scanned = new Dictionary<string, double>();
        var cursor = 0UL;
        do cursor = z.Scan(cursor, 7, (member, score) => scanned[Encoding.UTF8.GetString(member)] = score);
        while (cursor != 0);
        Assert.Equal(scores.OrderBy(p => p.Key, StringComparer.Ordinal), scanned.OrderBy(p => p.Key, StringComparer.Ordinal));
    }

    [Fact]
    public void LexQueriesAgreeWithModelOnEqualScores()
    {
        const int seed = 77;
        var rnd = new Random(seed);
        var z = new RedisSortedSet();
        var model = new SortedSet<string>(StringComparer.Ordinal);
        for (var step = 0; step < 3000; step++)
        {
            var m = ((char)('a' + rnd.Next(26))).ToString() + rnd.Next(30);
            if (rnd.Next(3) == 0)
            {
                Assert.Equal(model.Remove(m), z.Remove(Encoding.UTF8.GetBytes(m)));
            }
            else
            {
                var outcome = z.Add(0, Encoding.UTF8.GetBytes(m), ZAddFlags.None, EncodingLimits.Default, out _);
                Assert.Equal(model.Add(m) ? ZAddOutcome.Added : ZAddOutcome.Unchanged, outcome);
            }
            var a = ((char)('a' + rnd.Next(26))).ToString();
            var b = ((char)('a' + rnd.Next(26))).ToString();
            var minEx = rnd.Next(2) == 0;
            var maxEx = rnd.Next(2) == 0;
            LexRange.TryParse(Encoding.UTF8.GetBytes((minEx ? "(" : "[") + a), Encoding.UTF8.GetBytes((maxEx ? "(" : "[") + b), out var r);
            var expected = model.Where(x => (minEx ? string.CompareOrdinal(x, a) > 0 : string.CompareOrdinal(x, a) >= 0) &&
                                            (maxEx ? string.CompareOrdinal(x, b) < 0 : string.CompareOrdinal(x, b) <= 0)).ToList();
            Assert.True(expected.Count == z.CountInRange(r), $"seed {seed} step {step} range {r}");
            var firstNode = z.List.FirstInLexRange(r, out _);
            Assert.Equal(expected.FirstOrDefault(), firstNode is null ? null : Encoding.UTF8.GetString(firstNode.Member));
        }
    }
}
