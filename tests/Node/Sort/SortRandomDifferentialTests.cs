using QuorumCache.Tests.Infrastructure;

namespace QuorumCache.Tests.Node.Sort;

/// <summary>
/// A seeded differential fuzz of SORT/SORT_RO option sequences against redis-server. Every weight is
/// distinct, so no order is left to Redis's unstable qsort; patterns stay in the key's slot.
/// </summary>
public class SortRandomDifferentialTests(NodeFixture node, RedisServerFixture redis) : IClassFixture<NodeFixture>, IClassFixture<RedisServerFixture>
{
    private static readonly string[] Words =
        ["ASC", "DESC", "ALPHA", "LIMIT", "0", "1", "2", "-1", "5", "BY", "GET", "STORE", "asc", "desc", "alpha", "limit", "by", "get", "store", "x"];

    [Fact]
    public Task RandomOptionSequencesMatchRedis()
    {
        var seed = Environment.TickCount;
        return SortData.Both(node, redis, async (d, t) =>
        {
            var rnd = new Random(seed);
            string[] pool = ["3", "-1", "10", "2.5", "a", "b", "c", "007", "x1", "0"];
            await d.Same("RPUSH", t + "nums", "3", "-1", "10", "2.5", "007", "0", "3");
            await d.Same("RPUSH", t + "mixed", "a", "3", "b", "x1", "c", "10");
            await d.Same("SADD", t + "ints", "3", "-1", "10", "0");
            await d.Same("SADD", t + "strs", "b", "a", "x1", "c", "2.5");
            await d.Same("ZADD", t + "z", "5", "a", "1", "b", "3", "c", "2", "10", "4", "-1");
            await d.Same("SET", t + "str", "v");
            for (var i = 0; i < pool.Length; i++)
            {
                await d.Same("SET", t + "w_" + pool[i], ((i * 7) % pool.Length - 4).ToString());
                await d.Same("HSET", t + "h_" + pool[i], "f", (100 - i * 3).ToString());
                if (i % 3 != 0) await d.Same("SET", t + "o_" + pool[i], "O" + pool[i]);
            }
            string[] keys = ["nums", "mixed", "ints", "strs", "z", "str", "missing"];
            string[] by = ["nosort", t + "w_*", t + "h_*->f", t + "const"];
            string[] get = ["#", t + "o_*", t + "h_*->f", t + "h_*->g", t + "w_*"];
            for (var i = 0; i < 300; i++)
            {
                var key = keys[rnd.Next(keys.Length)];
                var args = new List<string> { rnd.Next(4) == 0 ? "SORT_RO" : "SORT", t + key };
                for (var n = rnd.Next(7); n > 0; n--) args.Add(Words[rnd.Next(Words.Length)]);
                // What follows BY/GET/STORE is a pattern or key: keep it in the key's slot and its ties away.
                for (var j = 2; j < args.Count - 1; j++)
                {
                    // (Unsorted, a set of strings comes in its hash table's order, which is Redis's own.)
                    if (args[j].Equals("BY", StringComparison.OrdinalIgnoreCase)) args[++j] = by[rnd.Next(key == "strs" ? 1 : 0, by.Length - (key == "strs" ? 1 : 0))];
                    else if (args[j].Equals("GET", StringComparison.OrdinalIgnoreCase)) args[++j] = get[rnd.Next(get.Length)];
                    else if (args[j].Equals("STORE", StringComparison.OrdinalIgnoreCase)) args[++j] = t + "dst";
                    else if (args[j].Equals("LIMIT", StringComparison.OrdinalIgnoreCase)) j += 2;
                }
                try
                {
                    await d.Same([.. args]);
                    if (args.Contains(t + "dst"))
                    {
                        await d.Same("LRANGE", t + "dst", "0", "-1");
                        await d.Same("OBJECT", "ENCODING", t + "dst");
                    }
                }
                catch (Exception e)
                {
                    throw new Xunit.Sdk.XunitException($"seed {seed}: {e.Message}");
                }
            }
        });
    }
}
