using System.Buffers;
using System.Net.Sockets;
using System.Text;
using QuorumCache.Node.Commands;
using QuorumCache.Resp;
using QuorumCache.Tests.Infrastructure;

namespace QuorumCache.Tests.Node.Core;

/// <summary>
/// Every command in the table, with random and boundary arguments, against keys of every type: each
/// call must get a well-formed reply (never the dispatcher's internal-error reply), the connection
/// must stay open, and the node must answer the next command. Seeded; the failing command line and
/// the seed are in the message.
/// </summary>
public class CommandFuzzTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    /// <summary>Fixed for CI; QC_FUZZ_SEED=N explores another sequence.</summary>
    private static readonly int Seed = int.TryParse(Environment.GetEnvironmentVariable("QC_FUZZ_SEED"), out var s) ? s : 15_2026;
    private const int CasesPerCommand = 150;

    /// <summary>Commands left out, each for a reason that is not "it might fail".</summary>
    private static readonly Dictionary<string, string> Skipped = new(StringComparer.OrdinalIgnoreCase)
    {
        ["shutdown"] = "stops the node (its refusal inside MULTI is tested in CommandSafetyTests)",
        ["monitor"] = "streams every later command to this connection",
        ["quit"] = "closes the connection by design",
    };

    /// <summary>Subcommands left out of the fuzz: they change the node's cluster or configuration for good.</summary>
    private static readonly HashSet<string> SkippedSubcommands = new(StringComparer.OrdinalIgnoreCase)
    {
        "cluster|addslots", "cluster|addslotsrange", "cluster|delslots", "cluster|delslotsrange", "cluster|failover",
        "cluster|forget", "cluster|meet", "cluster|reset", "cluster|setslot", "cluster|replicate", "cluster|bumpepoch",
        "cluster|flushslots", "cluster|set-config-epoch", "cluster|saveconfig",
        "config|set", "config|rewrite", "client|pause", "client|kill", "debug|sleep", "debug|segfault", "debug|panic",
        "debug|restart", "debug|crash-and-recover",
    };

    private static readonly string[] Keys =
        ["{f}str", "{f}int", "{f}list", "{f}hash", "{f}set", "{f}intset", "{f}zset", "{f}none", "{f}big", "{f}hll", "{f}hlldense", "{f}hllbad"];

    private static readonly string[] Numbers =
    [
        "0", "1", "-1", "2", "3", "10", "-10", "100", "1000000", "2147483647", "2147483648", "-2147483649",
        "4294967296", "9223372036854775807", "-9223372036854775808", "9223372036854775808", "18446744073709551615",
        "1.5", "-0.5", "1e308", "1e400", "-1e400", "inf", "-inf", "+inf", "nan", "0x10", "(1", "(-inf", "[a", "(a",
    ];

    /// <summary>Timeouts for blocking commands: none blocks for more than a moment.</summary>
    private static readonly string[] BlockingNumbers = ["0.01", "0.02", "-1", "-0.01", "abc", "1e400", "nan", "1"];

    private static readonly string[] Words =
    [
        "", " ", "abc", "-", "+", "*", "?", "\\", "[", "]", "\0", "\u00ff", "{f}", "a*b?[c-d]",
        "NX", "XX", "GT", "LT", "CH", "INCR", "EX", "PX", "EXAT", "PXAT", "KEEPTTL", "GET", "PERSIST", "WITHSCORES",
        "WITHSCORE", "LIMIT", "COUNT", "MATCH", "TYPE", "BYSCORE", "BYLEX", "REV", "LEFT", "RIGHT", "BEFORE", "AFTER",
        "RANK", "MAXLEN", "IDX", "MINMATCHLEN", "WITHMATCHLEN", "LEN", "AGGREGATE", "SUM", "MIN", "MAX", "WEIGHTS",
        "STORE", "ASYNC", "SYNC", "ID", "ADDR", "LADDR", "USER", "SKIPME", "NOVALUE", "REPLACE", "DB", "ABSTTL",
        "IDLETIME", "FREQ", "WITHVALUES", "HELP", "NOSAVE", "SAVE", "ON", "OFF", "YES", "NO", "ALL", "string",
        "list", "hash", "set", "zset", "none",
        "BIT", "BYTE", "AND", "OR", "XOR", "NOT", "SET", "INCRBY", "OVERFLOW", "WRAP", "SAT", "FAIL",
        "u8", "i64", "u63", "i1", "u1", "#1", "#-1", "#9223372036854775807",
        "GETREG", "DECODE", "ENCODING", "TODENSE",
        "FROMMEMBER", "FROMLONLAT", "BYRADIUS", "BYBOX", "WITHDIST", "WITHCOORD", "WITHHASH", "STOREDIST", "ANY", "ASC",
        "DESC", "m", "km", "ft", "mi",
    ];

    [Fact]
    public async Task NoCommandWithAnyArgumentsBreaksTheConnectionOrTheNode()
    {
        var rng = new Random(Seed);
        var commands = node.Server.Commands.All.Where(d => !Skipped.ContainsKey(d.Name)).OrderBy(d => d.Name, StringComparer.Ordinal).ToList();
        Assert.True(commands.Count > 150, $"only {commands.Count} commands in the table");
        var faultsBefore = node.Server.Stats.CommandFaults;
        var conn = await FuzzConnection.OpenAsync(node.Port);
        try
        {
            var cases = 0;
            foreach (var def in commands)
            {
                for (var i = 0; i < CasesPerCommand; i++)
                {
                    var args = Generate(rng, def);
                    if (args.Length > 1 && SkippedSubcommands.Contains(def.Name + "|" + args[1])) continue;
                    await conn.ResetKeysAsync();
                    var outcome = await conn.RunAsync(args);
                    var line = $"seed {Seed}: {string.Join(' ', args.Select(Show))}";
                    Assert.True(outcome.Error is null, $"{line}\n  {outcome.Error}");
                    if (outcome.Closed)
                    {
                        // Closing on purpose is legitimate only for the commands that say so.
                        Assert.True(def.Name is "reset" or "client", $"{line}\n  the server closed the connection");
                        await conn.DisposeAsync();
                        conn = await FuzzConnection.OpenAsync(node.Port);
                    }
                    cases++;
                }
            }
            Assert.Equal(faultsBefore, node.Server.Stats.CommandFaults);
            Assert.True(cases > commands.Count * CasesPerCommand / 2, $"only {cases} cases ran");
        }
        finally
        {
            await conn.DisposeAsync();
        }
    }

    private static string Show(string a) => a.Length > 24 ? $"<{a.Length} bytes>" : a.Length == 0 ? "\"\"" : a;

    private static string[] Generate(Random rng, CommandDef def)
    {
        var blocking = (def.Flags & CommandFlags.Blocking) != 0;
        var n = rng.Next(0, 9);
        if (def.Arity > 0 && rng.Next(3) > 0) n = def.Arity - 1; // mostly the right count, sometimes not
        else if (def.Arity < 0 && rng.Next(3) > 0) n = Math.Max(n, -def.Arity - 1);
        var args = new string[n + 1];
        args[0] = def.Name;
        for (var i = 1; i <= n; i++)
        {
            if (i == 1 && def.Subcommands.Length > 0 && rng.Next(4) > 0)
            {
                var sub = def.Subcommands[rng.Next(def.Subcommands.Length)];
                args[i] = sub.Contains('|') ? sub[(sub.IndexOf('|') + 1)..] : sub;
                continue;
            }
            var isKeyPosition = i >= def.FirstKey && def.FirstKey > 0 && (def.LastKey < 0 || i <= def.LastKey);
            args[i] = rng.Next(10) switch
            {
                < 4 when isKeyPosition || def.Keys is not null => Keys[rng.Next(Keys.Length)],
                < 2 => Keys[rng.Next(Keys.Length)],
                < 6 => blocking ? BlockingNumbers[rng.Next(BlockingNumbers.Length)] : Numbers[rng.Next(Numbers.Length)],
                < 9 => Words[rng.Next(Words.Length)],
                _ => rng.Next(2) == 0 ? new string('x', rng.Next(1, 3000)) : blocking ? "2" : rng.Next(-5, 20).ToString(),
            };
        }
        return args;
    }

    /// <summary>
    /// A raw connection that sends one command followed by RESET and a PING with a fresh token, and
    /// reads every reply until that token comes back: whatever the command did to the connection
    /// (MULTI, SUBSCRIBE, HELLO 3, CLIENT REPLY OFF) is undone, and the reply stream is parsed whole.
    /// </summary>
    private sealed class FuzzConnection : IAsyncDisposable
    {
        private readonly Socket _socket;
        private readonly byte[] _buffer = new byte[1 << 20];
        private int _filled;
        private long _token;

        private FuzzConnection(Socket socket) => _socket = socket;

        public static async Task<FuzzConnection> OpenAsync(int port)
        {
            var s = new Socket(SocketType.Stream, ProtocolType.Tcp);
            await s.ConnectAsync("127.0.0.1", port);
            return new FuzzConnection(s);
        }

        /// <summary>Gives each key of <see cref="Keys"/> its type again (a fuzzed DEL or FLUSHALL may have removed it).</summary>
        public async Task ResetKeysAsync()
        {
            var setup = new List<string[]>
            {
                new[] { "DEL" }.Concat(Keys).ToArray(),
                new[] { "SET", "{f}str", "hello world" },
                new[] { "SET", "{f}int", "42" },
                new[] { "RPUSH", "{f}list", "a", "b", "c", "1", "2" },
                new[] { "HSET", "{f}hash", "f1", "v1", "f2", "2", "f3", "1.5" },
                new[] { "SADD", "{f}set", "a", "b", "c" },
                new[] { "SADD", "{f}intset", "1", "2", "3" },
                new[] { "ZADD", "{f}zset", "1", "a", "2", "b", "2", "c", "-inf", "d" },
                new[] { "SET", "{f}big", new string('z', 5000) },
                new[] { "PFADD", "{f}hll", "a", "b", "c" },
                new[] { "PFADD", "{f}hlldense", "a" },
                new[] { "PFDEBUG", "TODENSE", "{f}hlldense" },
                // A sparse HLL whose one XZERO covers 100 registers of 16384: corrupt.
                new[] { "SET", "{f}hllbad", "HYLL\u0001\0\0\0\0\0\0\0\0\0\0\0@c" },
            };
            var bytes = new List<byte>();
            foreach (var c in setup) bytes.AddRange(Encode(c));
            await _socket.SendAsync(bytes.ToArray());
            var replies = await ReadAsync(setup.Count);
            if (replies.Closed || replies.Values.Any(v => v.IsError))
                throw new InvalidOperationException("setting the keys up failed: " + string.Join(", ", replies.Values));
        }

        public async Task<(string? Error, bool Closed)> RunAsync(string[] args)
        {
            var token = "fuzz-" + Interlocked.Increment(ref _token);
            var bytes = Encode(args).Concat(Encode(["RESET"])).Concat(Encode(["PING", token])).ToArray();
            await _socket.SendAsync(bytes);
            var values = new List<RespValue>();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            while (true)
            {
                var r = await ReadAsync(1, cts.Token);
                if (r.Closed) return (null, true);
                if (r.Error is not null) return (r.Error, false);
                var v = r.Values[0];
                values.Add(v);
                if (v.IsError && v.Text!.StartsWith("ERR internal error", StringComparison.Ordinal))
                    return ("the handler threw: " + v.Text, false);
                if (v.Type == RespType.BulkString && v.Text == token && values.Count >= 2 && values[^2].Text == "RESET")
                    return (null, false);
            }
        }

        private async Task<(List<RespValue> Values, bool Closed, string? Error)> ReadAsync(int count, CancellationToken ct = default)
        {
            var values = new List<RespValue>();
            while (true)
            {
                var seq = new ReadOnlySequence<byte>(_buffer, 0, _filled);
                var reader = new SequenceReader<byte>(seq);
                try
                {
                    while (values.Count < count && RespReplyReader.TryRead(ref reader, out var v)) values.Add(v);
                }
                catch (RespProtocolException ex)
                {
                    return (values, false, "malformed reply stream: " + ex.Message);
                }
                var used = (int)reader.Consumed;
                Buffer.BlockCopy(_buffer, used, _buffer, 0, _filled - used);
                _filled -= used;
                if (values.Count == count) return (values, false, null);
                if (_filled == _buffer.Length) return (values, false, "a reply larger than 1 MB");
                int n;
                try
                {
                    n = await _socket.ReceiveAsync(_buffer.AsMemory(_filled), SocketFlags.None, ct);
                }
                catch (OperationCanceledException)
                {
                    return (values, false, "no reply within 30 s");
                }
                catch (SocketException)
                {
                    n = 0;
                }
                if (n == 0) return (values, true, null);
                _filled += n;
            }
        }

        private static byte[] Encode(string[] args)
        {
            var sb = new StringBuilder();
            sb.Append('*').Append(args.Length).Append("\r\n");
            foreach (var a in args)
            {
                var b = Encoding.UTF8.GetByteCount(a);
                sb.Append('$').Append(b).Append("\r\n").Append(a).Append("\r\n");
            }
            return Encoding.UTF8.GetBytes(sb.ToString());
        }

        public ValueTask DisposeAsync()
        {
            _socket.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
