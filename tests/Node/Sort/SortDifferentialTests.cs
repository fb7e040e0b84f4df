using QuorumCache.Tests.Infrastructure;

namespace QuorumCache.Tests.Node.Sort;

/// <summary>SORT and SORT_RO replies against a real redis-server: numeric and ALPHA order, DESC, LIMIT, BY, GET, errors.</summary>
public class SortDifferentialTests(NodeFixture node, RedisServerFixture redis) : IClassFixture<NodeFixture>, IClassFixture<RedisServerFixture>
{
    private Task Both(Func<Differential, string, Task> s) => SortData.Both(node, redis, s);

    [Fact]
    public Task NumericSortOfListsSetsAndSortedSets() => Both(async (d, t) =>
    {
        await d.Same("RPUSH", t + "l", "3", "1", "2", "10", "-5", "2.5", "1e2", "-0", "0", "3");
        await d.Same("SORT", t + "l");
        await d.Same("SORT", t + "l", "DESC");
        await d.Same("SORT", t + "l", "ASC");
        await d.Same("SORT_RO", t + "l", "desc");
        await d.Same("SADD", t + "s", "5", "3", "100", "-1", "7");
        await d.Same("SORT", t + "s");
        await d.Same("SORT", t + "s", "DESC");
        await d.Same("SADD", t + "hs", "5", "3.5", "x1", "x2");
        await d.Same("SREM", t + "hs", "x1", "x2");
        await d.Same("SORT", t + "hs");
        await d.Same("ZADD", t + "z", "1", "30", "2", "20", "3", "10", "4", "-1");
        await d.Same("SORT", t + "z");
        await d.Same("SORT", t + "z", "DESC");
        await d.Same("OBJECT", "ENCODING", t + "z");
        await d.Same("SORT", t + "missing");
        await d.Same("SORT_RO", t + "missing", "LIMIT", "0", "1");
        await d.Same("RPUSH", t + "ties", "1.0", "1", "01", "1e0", "2", "0x10", " 7", "", "inf", "-inf");
        await d.Same("SORT", t + "ties");
        await d.Same("SORT", t + "ties", "DESC");
    });

    [Fact]
    public Task AlphaIsByteOrder() => Both(async (d, t) =>
    {
        await d.Same("RPUSH", t + "l", "banana", "Apple", "apple", "10", "9", "äpfel", "", "b", "ba", "Z");
        await d.Same("SORT", t + "l", "ALPHA");
        await d.Same("SORT", t + "l", "ALPHA", "DESC");
        await d.Same("SORT", t + "l");
        await d.Same("SADD", t + "s", "c", "a", "b", "aa");
        await d.Same("SORT", t + "s", "alpha");
        await d.Same("ZADD", t + "z", "3", "a", "2", "b", "1", "c");
        await d.Same("SORT", t + "z", "ALPHA", "DESC");
    });

    [Fact]
    public Task Limits() => Both(async (d, t) =>
    {
        await d.Same("RPUSH", t + "l", "5", "4", "3", "2", "1", "0");
        string[][] limits = [["0", "2"], ["1", "3"], ["4", "10"], ["6", "1"], ["100", "2"], ["-3", "2"], ["2", "-1"], ["2", "0"], ["0", "-5"],
            ["9223372036854775807", "9223372036854775807"], ["-9223372036854775808", "9223372036854775807"]];
        foreach (var l in limits)
        {
            await d.Same("SORT", t + "l", "LIMIT", l[0], l[1]);
            await d.Same("SORT", t + "l", "LIMIT", l[0], l[1], "DESC", "ALPHA");
            await d.Same("SORT", t + "l", "BY", "nosort", "LIMIT", l[0], l[1]);
            await d.Same("SORT", t + "l", "BY", "nosort", "LIMIT", l[0], l[1], "DESC");
        }
        await d.Same("SORT", t + "missing", "LIMIT", "1", "1");
    });

    [Fact]
    public Task ByNoSortKeepsListAndSortedSetOrder() => Both(async (d, t) =>
    {
        await d.Same("RPUSH", t + "l", "c", "a", "b", "d");
        await d.Same("SORT", t + "l", "BY", "nosort");
        await d.Same("SORT", t + "l", "BY", "nosort", "DESC");
        await d.Same("SORT", t + "l", "BY", "nosort", "LIMIT", "1", "2", "DESC");
        await d.Same("SORT", t + "l", "BY", t + "constant");
        await d.Same("ZADD", t + "z", "1", "c", "2", "a", "3", "b", "4", "d", "5", "e");
        await d.Same("SORT", t + "z", "BY", "nosort");
        await d.Same("SORT", t + "z", "BY", "nosort", "DESC");
        await d.Same("SORT", t + "z", "BY", "nosort", "LIMIT", "1", "3");
        await d.Same("SORT", t + "z", "BY", "nosort", "DESC", "LIMIT", "1", "3");
        await d.Same("SORT", t + "z", "BY", "nosort", "DESC", "LIMIT", "4", "3");
        await d.Same("SORT", t + "z", "BY", "nosort", "DESC", "LIMIT", "5", "3");
        await d.Same("SADD", t + "s", "3", "1", "2");
        await d.Same("SORT", t + "s", "BY", "nosort");
        await d.Same("SORT", t + "s", "BY", "nosort", "DESC", "LIMIT", "1", "1");
        // Non-numeric elements are not weighed when nothing is sorted.
        await d.Same("SORT", t + "l", "BY", "nosort", "GET", "#");
    });

    [Fact]
    public Task ByWeightsAndGetPatterns() => Both(async (d, t) =>
    {
        await d.Same("RPUSH", t + "l", "a", "b", "c", "d", "e");
        await d.Same("MSET", t + "w_a", "3", t + "w_b", "1", t + "w_c", "2", t + "w_e", "-1");
        await d.Same("MSET", t + "o_a", "A", t + "o_b", "B", t + "o_d", "D");
        await d.Same("SORT", t + "l", "BY", t + "w_*");
        await d.Same("SORT", t + "l", "BY", t + "w_*", "DESC");
        await d.Same("SORT", t + "l", "BY", t + "w_*", "LIMIT", "1", "2");
        await d.Same("SORT", t + "l", "BY", t + "w_*", "GET", t + "o_*");
        await d.Same("SORT", t + "l", "BY", t + "w_*", "GET", "#", "GET", t + "o_*", "GET", t + "w_*");
        await d.Same("SORT", t + "l", "GET", t + "o_*", "ALPHA");
        await d.Same("SORT", t + "l", "GET", t + "nostar", "ALPHA");
        await d.Same("SORT_RO", t + "l", "BY", t + "w_*", "GET", "#", "DESC", "LIMIT", "0", "3");
        await d.Same("SADD", t + "s", "a", "b", "c");
        await d.Same("SORT", t + "s", "BY", t + "w_*", "GET", t + "o_*");
        await d.Same("ZADD", t + "z", "1", "a", "2", "b", "3", "c");
        await d.Same("SORT", t + "z", "BY", t + "w_*", "DESC", "GET", "#");
        // Weights read ALPHA; missing weights sort first.
        await d.Same("MSET", t + "n_a", "zeta", t + "n_b", "alpha", t + "n_c", "Mid");
        await d.Same("SORT", t + "l", "BY", t + "n_*", "ALPHA", "LIMIT", "1", "10");
        await d.Same("SORT", t + "l", "BY", t + "n_*", "ALPHA", "DESC", "LIMIT", "0", "3");
        // A weight or value of another type counts as missing.
        await d.Same("LPUSH", t + "o_c", "x");
        await d.Same("SORT", t + "l", "BY", t + "w_*", "GET", t + "o_*");
        await d.Same("SADD", t + "w_d", "x");
        await d.Same("SORT", t + "l", "BY", t + "w_*", "GET", "#");
    });

    [Fact]
    public Task HashFieldPatterns() => Both(async (d, t) =>
    {
        await d.Same("RPUSH", t + "l", "1", "2", "3", "4");
        await d.Same("HSET", t + "h_1", "w", "30", "name", "one");
        await d.Same("HSET", t + "h_2", "w", "10", "name", "two");
        await d.Same("HSET", t + "h_3", "w", "20");
        await d.Same("SET", t + "h_4", "string");
        await d.Same("SORT", t + "l", "BY", t + "h_*->w");
        await d.Same("SORT", t + "l", "BY", t + "h_*->w", "GET", t + "h_*->name", "GET", "#");
        await d.Same("SORT", t + "l", "BY", t + "h_*->w", "GET", t + "h_*->missing");
        await d.Same("SORT", t + "l", "GET", t + "h_*->");
        await d.Same("SORT", t + "l", "GET", t + "h_*->name->x");
        await d.Same("HSET", t + "h_1->", "x", "y");
        await d.Same("SET", t + "h_1->", "plain");
        await d.Same("SORT", t + "l", "GET", t + "h_*->");
    });

    [Fact]
    public Task WeightsAreReadAsStrtodReadsThem() => Both(async (d, t) =>
    {
        await d.Same("RPUSH", t + "l", "1", "x", "2");
        await d.Same("MSET", t + "w_1", "1", t + "w_2", "2");
        // Redis 7.0 leaves a stale ERANGE in errno after an out-of-range weight, failing later numeric
        // SORTs on the same connection: the out-of-range cases come last.
        string[] values = ["0x1p3", "0x.8", "0X1.8P1", "0x1p-1070", "0x0p-5000", "0x10", "0x1p", "0xg", "0x", "-0x8", "+.5", "5.", ".", "1e", "1e+", "1e-2",
            "\t 3", "inf", "-Infinity", "infinit", "nan", "NaN", "-nan", "1_0", "١", "0.0000000001", "1e-300", "9e307", "1\u0000garbage",
            "1e-310"];
        foreach (var v in values)
        {
            await d.Same("SET", t + "w_x", System.Text.RegularExpressions.Regex.Unescape(v));
            await d.Same("SORT", t + "l", "BY", t + "w_*");
        }
    });

    [Fact]
    public Task Errors() => Both(async (d, t) =>
    {
        await d.Same("RPUSH", t + "l", "1", "x", "2");
        await d.Same("SORT", t + "l");
        await d.Same("SORT", t + "l", "DESC", "LIMIT", "0", "1");
        await d.Same("SORT", t + "l", "ALPHA");
        await d.Same("SORT", t + "l", "STORE", t + "dst");
        await d.Same("EXISTS", t + "dst");
        // Leading white space is read (strtod); this comes before the out-of-range weight because Redis 7.0
        // leaves a stale ERANGE in errno that fails later numeric SORTs on the same connection.
        await d.Same("MSET", t + "w_1", "1", t + "w_x", "  -3.5e1", t + "w_2", "2");
        await d.Same("SORT", t + "l", "BY", t + "w_*");
        await d.Same("SET", t + "w_x", "0x1.8");
        await d.Same("SORT", t + "l", "BY", t + "w_*");
        await d.Same("SET", t + "w_x", "nan");
        await d.Same("SORT", t + "l", "BY", t + "w_*");
        await d.Same("SET", t + "w_x", "1e400");
        await d.Same("SORT", t + "l", "BY", t + "w_*");
        await d.Same("SET", t + "w_x", "3 ");
        await d.Same("SORT", t + "l", "BY", t + "w_*");
        await d.Same("SET", t + "str", "v");
        await d.Same("SORT", t + "str");
        await d.Same("HSET", t + "hash", "f", "v");
        await d.Same("SORT_RO", t + "hash");
        await d.Same("SORT", t + "l", "LIMIT", "0");
        await d.Same("SORT", t + "l", "LIMIT", "a", "1");
        await d.Same("SORT", t + "l", "LIMIT", "0", "1.5");
        await d.Same("SORT", t + "l", "BY");
        await d.Same("SORT", t + "l", "GET");
        await d.Same("SORT", t + "l", "STORE");
        await d.Same("SORT", t + "l", "foo");
        await d.Same("SORT_RO", t + "l", "STORE", t + "dst");
        await d.Same("SORT", t + "str", "foo");
        await d.Same("SORT", t + "str", "LIMIT", "x", "1");
        await d.Same("SORT");
        await d.Same("SORT_RO");
    });
}
