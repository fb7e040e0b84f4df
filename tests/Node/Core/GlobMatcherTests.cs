using System.Text;
using QuorumCache.Node.Storage;
using QuorumCache.Tests.Infrastructure;

namespace QuorumCache.Tests.Node.Core;

/// <summary>
/// The glob matcher of KEYS, SCAN MATCH, PSUBSCRIBE, CLIENT KILL and CONFIG GET: Redis's answers,
/// and no pattern that makes it run for long.
/// </summary>
public class GlobMatcherTests(NodeFixture node, RedisServerFixture redis) : IClassFixture<NodeFixture>, IClassFixture<RedisServerFixture>
{
    private static bool M(string pattern, string text, bool noCase = false) =>
        GlobMatcher.IsMatch(Encoding.Latin1.GetBytes(pattern), Encoding.Latin1.GetBytes(text), noCase);

    [Theory]
    [InlineData("*", "abc", true)]
    [InlineData("a*c", "abbbc", true)]
    [InlineData("a*c", "abbbd", false)]
    [InlineData("a?c", "abc", true)]
    [InlineData("a?c", "ac", false)]
    [InlineData("[abc]x", "bx", true)]
    [InlineData("[^abc]x", "bx", false)]
    [InlineData("[a-c]x", "cx", true)]
    [InlineData("[c-a]x", "bx", true)]
    [InlineData("a\\*", "a*", true)]
    [InlineData("a\\*", "ab", false)]
    [InlineData("[ab", "b", true)]
    [InlineData("ab\\", "ab\\", true)]
    [InlineData("*a*b", "xaxxb", true)]
    [InlineData("*a*b", "xaxxbc", false)]
    [InlineData("**", "", false)]
    [InlineData("", "", true)]
    public void MatchesAsRedis(string pattern, string text, bool expected) => Assert.Equal(expected, M(pattern, text));

    [Fact]
    public void NoCaseFoldsLettersAndRanges()
    {
        Assert.True(M("HELLO*", "hello world", noCase: true));
        Assert.True(M("[A-C]", "b", noCase: true));
        Assert.False(M("HELLO*", "hello world"));
    }

    /// <summary>
    /// The issue's pattern: a recursive matcher tries every split of the text between the stars
    /// (about 10^11 for this one) and never returns; this one answers at once. The generous bound
    /// only tells a hang from an answer; the speed itself is measured in bench/.
    /// </summary>
    [Fact]
    public async Task ManyStarsAgainstALongTextDoNotBacktrackExponentially()
    {
        var pattern = string.Concat(Enumerable.Repeat("a*", 20)) + "b";
        var text = new string('a', 40);
        var work = Task.Run(() => M(pattern, text) || M(pattern + "*" + pattern, new string('a', 5000)));
        Assert.Same(work, await Task.WhenAny(work, Task.Delay(TimeSpan.FromSeconds(30))));
        Assert.False(await work);
    }

    [Fact]
    public async Task KeysWithThePathologicalPatternAnswersAndTheNodeServesOthers()
    {
        await using var c = await node.ConnectAsync();
        await using var other = await node.ConnectAsync();
        var k = NodeFixture.Key(new string('a', 40));
        Reply.IsOk(await c.Run("SET", k, "1"));
        var pattern = "*" + string.Concat(Enumerable.Repeat("a*", 20)) + "b";
        var keys = c.Run("KEYS", pattern);
        var scan = c.Run("SCAN", "0", "MATCH", pattern, "COUNT", "100000");
        var done = Task.WhenAll(keys, scan);
        Assert.Same(done, await Task.WhenAny(done, Task.Delay(TimeSpan.FromSeconds(30))));
        Assert.Equal(0, (await keys).Count);
        Assert.Equal("PONG", (await other.Run("PING")).Text);
    }

    /// <summary>
    /// Random patterns and texts over the matcher's special bytes, matched by redis-server and by us
    /// through SSCAN MATCH on the same set: the same members must come back.
    /// </summary>
    [Fact]
    public async Task RandomPatternsMatchTheSameMembersAsRedis()
    {
        const int seed = 20261202;
        var rng = new Random(seed);
        const string alphabet = "ab*?[]^-\\";
        string Random(int max, string chars)
        {
            var n = rng.Next(max + 1);
            var sb = new StringBuilder(n);
            for (var i = 0; i < n; i++) sb.Append(chars[rng.Next(chars.Length)]);
            return sb.ToString();
        }
        await using var a = await node.ConnectAsync();
        await using var b = await redis.ConnectAsync();
        var set = NodeFixture.Key("globset");
        var members = new HashSet<string> { "" };
        while (members.Count < 300) members.Add(Random(8, "ab[]^-\\*?"));
        foreach (var chunk in members.Chunk(50))
        {
            var args = new[] { "SADD", set }.Concat(chunk).ToArray();
            Reply.AssertNotError(await a.Run(args));
            Reply.AssertNotError(await b.Run(args));
        }
        for (var i = 0; i < 400; i++)
        {
            var pattern = Random(7, alphabet);
            var ours = await ScanAll(a, set, pattern);
            var theirs = await ScanAll(b, set, pattern);
            Assert.True(theirs.SetEquals(ours),
                $"seed {seed}, pattern '{pattern}': only ours [{string.Join(", ", ours.Except(theirs))}], only Redis's [{string.Join(", ", theirs.Except(ours))}]");
        }
    }

    private static async Task<HashSet<string>> ScanAll(QuorumCache.Resp.RespClient c, string key, string pattern)
    {
        var found = new HashSet<string>();
        var cursor = "0";
        for (var calls = 0; calls < 1000; calls++)
        {
            var r = Reply.AssertNotError(await c.Run("SSCAN", key, cursor, "MATCH", pattern, "COUNT", "1000"));
            foreach (var m in r[1].Items!) found.Add(m.Text!);
            cursor = r[0].Text!;
            if (cursor == "0") return found;
        }
        throw new InvalidOperationException("SSCAN did not finish in 1,000 calls");
    }
}
