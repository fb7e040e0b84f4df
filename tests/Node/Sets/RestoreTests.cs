using QuorumCache.Node.Config;
using System.Buffers;
using System.Text;
using QuorumCache.Cluster.Slots;
using QuorumCache.Node.Hosting;
using QuorumCache.Node.Server;
using QuorumCache.Node.Storage;
using QuorumCache.Tests.Infrastructure;

namespace QuorumCache.Tests.Node.Sets;

/// <summary>WriteRestore of hashes and sets: a dumped slot replayed on an empty server has the same contents, order and encodings.</summary>
public class RestoreTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    [Fact]
    public async Task DumpedHashesAndSetsRebuildIdentically()
    {
        await using var c = await node.ConnectAsync();
        var t = NodeFixture.Key();
        var keys = new List<string>();
        async Task Make(string name, params string[][] cmds)
        {
            keys.Add(t + name);
            foreach (var cmd in cmds) Reply.AssertNotError(await c.Run([cmd[0], t + name, .. cmd[1..]]));
        }
        string[] Many(string cmd, int n, Func<int, string[]> item) => [cmd, .. Enumerable.Range(0, n).SelectMany(item)];
        await Make("hsmall", ["HSET", "b", "1", "a", "2"], ["HDEL", "b"], ["HSET", "b", "3"]);
        await Make("hbig", Many("HSET", 300, i => ["f" + i, "v" + i]));
        await Make("hshrunk", Many("HSET", 200, i => ["f" + i, "v"]), Many("HDEL", 195, i => ["f" + i]));
        await Make("ints", ["SADD", "5", "1", "3"]);
        await Make("lp", ["SADD", "1", "x", "5"], ["SREM", "5"], ["SADD", "5"]);
        await Make("sbig", Many("SADD", 1000, i => ["m" + i]));
        await Make("sshrunk", Many("SADD", 600, i => [i.ToString()]), Many("SREM", 590, i => [i.ToString()]));
        await Make("sshrunk2", Many("SADD", 200, i => ["m" + i]), Many("SREM", 190, i => ["m" + i]));

        var slot = HashSlot.Of(Encoding.UTF8.GetBytes(t));
        var store = node.Server.Keyspace[slot];
        byte[] dump;
        lock (store.Gate) dump = SlotDumper.Dump(store, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        var fresh = new NodeServer(NodeOptionsLoader.Defaults());
        fresh.Internal.Replay(new ReadOnlySequence<byte>(dump));
        foreach (var k in keys)
        {
            var ours = Stored.Value(node.Server, k) as RedisObject;
            var rebuilt = Stored.Value(fresh, k) as RedisObject;
            Assert.NotNull(rebuilt);
            Assert.Equal(ours!.EncodingName, rebuilt!.EncodingName);
            var cmd = ours.TypeName == "hash" ? "HGETALL" : "SMEMBERS";
            var live = Reply.Strings(await c.Run(cmd, k));
            var again = ours.TypeName == "hash" ? Stored.HashPairs(fresh, k) : Stored.SetMembers(fresh, k);
            var liveSorted = ours.TypeName == "hash"
                ? Enumerable.Range(0, live.Length / 2).Select(i => live[2 * i] + "=" + live[2 * i + 1]).Order(StringComparer.Ordinal).ToArray()
                : live.Order(StringComparer.Ordinal).ToArray();
            Assert.Equal(liveSorted, again);
        }
    }
}
