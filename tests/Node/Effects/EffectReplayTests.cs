using QuorumCache.Node.Config;
using System.Buffers;
using System.Text;
using QuorumCache.Node.Commands;
using QuorumCache.Node.Hosting;
using QuorumCache.Node.Server;
using QuorumCache.Node.Storage;
using QuorumCache.Resp;
using QuorumCache.Tests.Infrastructure;

namespace QuorumCache.Tests.Node.Effects;

/// <summary>
/// The effects a node records for its writes must rebuild exactly the same keyspace when replayed in
/// order on an empty node: that is what replication and hand-offs ship. A seeded random mix of every
/// write command (expiry, random pops and float increments included) runs on one server; its effects
/// are replayed on another; the canonical dumps of both must be equal.
/// </summary>
public class EffectReplayTests
{
    private static ClientSession Session(NodeServer server) =>
        new(1, new DiscardingPipeWriter(), server, "test", "test") { Authenticated = true };

    private static void Run(NodeServer server, ClientSession s, CommandBuffer buf, params string[] args)
    {
        buf.Clear();
        foreach (var a in args) buf.Add(a);
        server.Dispatcher.Execute(s, buf);
        s.Writer.Commit();
    }

    /// <summary>Every slot's keys as rebuild commands, in key order: equal dumps mean equal data.</summary>
    private static string Dump(NodeServer server)
    {
        var sb = new StringBuilder();
        foreach (var slot in server.Keyspace.Slots)
        {
            if (slot.Count == 0) continue;
            lock (slot.Gate) sb.Append(slot.Slot).Append(':').Append(Encoding.UTF8.GetString(SlotDumper.Dump(slot, 0))).Append('\n');
        }
        return sb.ToString();
    }

    private static string[] RandomCommand(Random r, string[] keys, long nowMs)
    {
        string K() => keys[r.Next(keys.Length)];
        string V() => r.Next(4) == 0 ? r.Next(-50, 50).ToString() : "v" + r.Next(30);
        string M() => "m" + r.Next(25);
        string F() => (r.NextDouble() * 10 - 5).ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        return r.Next(50) switch
        {
            40 => ["RPUSH", K(), V(), V()],
            41 => ["LPUSH", K(), V()],
            42 => ["LPOP", K(), r.Next(1, 3).ToString()],
            43 => ["RPOP", K()],
            44 => ["LMOVE", K(), K(), r.Next(2) == 0 ? "LEFT" : "RIGHT", r.Next(2) == 0 ? "LEFT" : "RIGHT"],
            45 => ["LTRIM", K(), r.Next(-3, 2).ToString(), r.Next(-2, 5).ToString()],
            46 => ["LREM", K(), r.Next(-2, 2).ToString(), V()],
            47 => ["LINSERT", K(), r.Next(2) == 0 ? "BEFORE" : "AFTER", V(), V()],
            48 => ["LSET", K(), r.Next(-2, 2).ToString(), V()],
            49 => ["LMPOP", "2", K(), K(), "RIGHT", "COUNT", "2"],
            0 => ["SET", K(), V()],
            1 => ["SET", K(), V(), "PX", r.Next(1, 100000).ToString()],
            2 => ["SET", K(), V(), "NX", "GET"],
            3 => ["INCRBY", K(), r.Next(-5, 5).ToString()],
            4 => ["INCRBYFLOAT", K(), F()],
            5 => ["APPEND", K(), V()],
            6 => ["SETRANGE", K(), r.Next(0, 8).ToString(), V()],
            7 => ["GETEX", K(), "PX", r.Next(1, 100000).ToString()],
            8 => ["GETDEL", K()],
            9 => ["DEL", K()],
            10 => ["EXPIRE", K(), r.Next(-1, 1000).ToString()],
            11 => ["PEXPIREAT", K(), (nowMs + r.Next(-1000, 100000)).ToString()],
            12 => ["PERSIST", K()],
            13 => ["RENAME", K(), K()],
            14 => ["COPY", K(), K(), "REPLACE"],
            15 => ["HSET", K(), M(), V(), M(), V()],
            16 => ["HDEL", K(), M()],
            17 => ["HINCRBY", K(), M(), r.Next(-3, 3).ToString()],
            18 => ["HINCRBYFLOAT", K(), M(), F()],
            19 => ["SADD", K(), M(), M(), r.Next(100).ToString()],
            20 => ["SREM", K(), M()],
            21 => ["SPOP", K(), r.Next(1, 4).ToString()],
            22 => ["SPOP", K()],
            23 => ["SMOVE", K(), K(), M()],
            24 => ["SINTERSTORE", K(), K(), K()],
            25 => ["SUNIONSTORE", K(), K(), K()],
            26 => ["SDIFFSTORE", K(), K(), K()],
            27 => ["ZADD", K(), F(), M(), F(), M()],
            28 => ["ZINCRBY", K(), F(), M()],
            29 => ["ZADD", K(), "INCR", F(), M()],
            30 => ["ZREM", K(), M()],
            31 => ["ZPOPMIN", K(), r.Next(1, 3).ToString()],
            32 => ["ZPOPMAX", K()],
            33 => ["ZUNIONSTORE", K(), "2", K(), K(), "WEIGHTS", "2", "0.5"],
            34 => ["ZINTERSTORE", K(), "2", K(), K(), "AGGREGATE", "MAX"],
            35 => ["ZREMRANGEBYRANK", K(), "0", r.Next(0, 3).ToString()],
            36 => ["ZRANGESTORE", K(), K(), "0", "-1"],
            37 => ["MSET", K(), V(), K(), V()],
            38 => ["FLUSHALL"],
            _ => ["GETSET", K(), V()],
        };
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void ReplayingEffectsRebuildsTheSameKeyspace(int seed)
    {
        var rnd = new Random(seed);
        var source = new NodeServer(NodeOptionsLoader.Defaults());
        var recorder = new EffectRecorder();
        source.Effects = recorder;
        var s = Session(source);
        var buf = new CommandBuffer();
        // All keys share one hash tag (one slot), so multi-key commands are legal.
        var keys = Enumerable.Range(0, 12).Select(i => "{replay}k" + i).ToArray();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        const int operations = 10_000;
        for (var i = 0; i < operations; i++)
        {
            var cmd = RandomCommand(rnd, keys, now);
            if (cmd[0] == "FLUSHALL" && rnd.Next(10) != 0) continue; // rare
            Run(source, s, buf, cmd);
        }
        Assert.True(recorder.Count > operations / 4, $"only {recorder.Count} effects recorded (seed {seed})");

        var replica = new NodeServer(NodeOptionsLoader.Defaults());
        var applied = replica.Internal.Replay(new ReadOnlySequence<byte>(recorder.Bytes()));
        Assert.Equal(recorder.Count, applied);

        var expected = Dump(source);
        var actual = Dump(replica);
        Assert.True(expected == actual, $"seed {seed}: replayed keyspace differs\n--- source\n{Trim(expected)}\n--- replayed\n{Trim(actual)}");
        Assert.NotEmpty(expected);
    }

    private static string Trim(string s) => s.Length > 3000 ? s[..3000] + "..." : s;

    [Fact]
    public void NondeterministicCommandsAreRecordedAsTheirOutcome()
    {
        var source = new NodeServer(NodeOptionsLoader.Defaults());
        var recorder = new EffectRecorder();
        source.Effects = recorder;
        var s = Session(source);
        var buf = new CommandBuffer();
        Run(source, s, buf, "SADD", "{x}s", "a", "b", "c");
        Run(source, s, buf, "SPOP", "{x}s");
        Run(source, s, buf, "SET", "{x}t", "1", "EX", "100");
        Run(source, s, buf, "INCRBYFLOAT", "{x}f", "0.5");
        var text = Encoding.UTF8.GetString(recorder.Bytes());
        Assert.DoesNotContain("SPOP", text);
        Assert.Contains("SREM", text);
        Assert.Contains("PXAT", text);
        Assert.DoesNotContain("INCRBYFLOAT", text);
    }
}
