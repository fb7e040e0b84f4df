using System.Buffers;
using System.Text;
using QuorumCache.Resp;

namespace QuorumCache.Tests.Resp;

public class CommandReaderTests
{
    private static List<string[]> ReadAll(ReadOnlySequence<byte> seq, RespLimits? limits = null)
    {
        var cmd = new CommandBuffer();
        var result = new List<string[]>();
        var reader = new SequenceReader<byte>(seq);
        while (RespCommandReader.TryRead(ref reader, cmd, limits ?? RespLimits.Default))
            result.Add(Enumerable.Range(0, cmd.Count).Select(cmd.GetString).ToArray());
        return result;
    }

    /// <summary>Feeds the input in two pieces the way a socket would: the first part, then the rest with whatever was not consumed.</summary>
    private static List<string[]> ReadIncrementally(byte[] data, int cut)
    {
        var cmd = new CommandBuffer();
        var result = new List<string[]>();
        var pending = data.AsSpan(0, cut).ToArray();
        var rest = data.AsSpan(cut).ToArray();
        for (var round = 0; round < 2; round++)
        {
            var seq = Segments.Split(pending, pending.Length / 2);
            var reader = new SequenceReader<byte>(seq);
            while (RespCommandReader.TryRead(ref reader, cmd, RespLimits.Default))
                result.Add(Enumerable.Range(0, cmd.Count).Select(cmd.GetString).ToArray());
            pending = seq.Slice(reader.Position).ToArray().Concat(round == 0 ? rest : []).ToArray();
        }
        Assert.Empty(pending);
        return result;
    }

    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public void ReadsMultibulk()
    {
        var cmds = ReadAll(new ReadOnlySequence<byte>(B("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nhello\r\n")));
        Assert.Equal([["SET", "k", "hello"]], cmds);
    }

    [Fact]
    public void ReadsPipelinedCommandsAndEmptyArguments()
    {
        var cmds = ReadAll(new ReadOnlySequence<byte>(B("*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nECHO\r\n$0\r\n\r\n")));
        Assert.Equal([["PING"], ["ECHO", ""]], cmds);
    }

    [Fact]
    public void BinarySafeBulkWithCrlfInside()
    {
        var cmds = ReadAll(new ReadOnlySequence<byte>(B("*2\r\n$4\r\nECHO\r\n$4\r\na\r\nb\r\n")));
        Assert.Equal("a\r\nb", cmds[0][1]);
    }

    [Fact]
    public void SkipsEmptyMultibulkAndBlankInlineLines()
    {
        var cmds = ReadAll(new ReadOnlySequence<byte>(B("*0\r\n*-1\r\n\r\n   \r\nPING\r\n")));
        Assert.Equal([["PING"]], cmds);
    }

    [Theory]
    [InlineData("PING\r\n", new[] { "PING" })]
    [InlineData("PING\n", new[] { "PING" })]
    [InlineData("set a \"hello world\"\r\n", new[] { "set", "a", "hello world" })]
    [InlineData("set a 'it\\'s'\r\n", new[] { "set", "a", "it's" })]
    [InlineData("echo \"\\x41\\n\"\r\n", new[] { "echo", "A\n" })]
    [InlineData("  get   k  \r\n", new[] { "get", "k" })]
    public void ReadsInline(string input, string[] expected) =>
        Assert.Equal([expected], ReadAll(new ReadOnlySequence<byte>(B(input))));

    [Theory]
    [InlineData("set a \"unterminated\r\n")]
    [InlineData("set a \"x\"y\r\n")]
    [InlineData("set a 'x\r\n")]
    public void InlineUnbalancedQuotes(string input)
    {
        var ex = Assert.Throws<RespProtocolException>(() => ReadAll(new ReadOnlySequence<byte>(B(input))));
        Assert.Equal("Protocol error: unbalanced quotes in request", ex.Message);
    }

    public static IEnumerable<object[]> Frames() =>
    [
        ["*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$10\r\n0123456789\r\n*1\r\n$4\r\nPING\r\n"],
        ["GET foo\r\n*2\r\n$3\r\nGET\r\n$3\r\nbar\r\nPING\r\n"],
        ["*2\r\n$4\r\nECHO\r\n$0\r\n\r\n*12\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n$1\r\nf\r\n$1\r\ng\r\n$1\r\nh\r\n$1\r\ni\r\n$1\r\nj\r\n$1\r\nk\r\n$2\r\nlm\r\n"],
    ];

    [Theory]
    [MemberData(nameof(Frames))]
    public void EverySegmentSplitGivesTheSameCommands(string frame)
    {
        var data = B(frame);
        var expected = ReadAll(new ReadOnlySequence<byte>(data));
        Assert.NotEmpty(expected);
        for (var i = 0; i <= data.Length; i++)
            for (var j = i; j <= data.Length; j += 3)
                Assert.Equal(expected, ReadAll(Segments.Split(data, i, j)));
        Assert.Equal(expected, ReadAll(Segments.Bytewise(data)));
    }

    [Theory]
    [MemberData(nameof(Frames))]
    public void EveryArrivalOffsetGivesTheSameCommands(string frame)
    {
        var data = B(frame);
        var expected = ReadAll(new ReadOnlySequence<byte>(data));
        for (var cut = 0; cut <= data.Length; cut++)
            Assert.Equal(expected, ReadIncrementally(data, cut));
    }

    [Fact]
    public void IncompleteInputConsumesNothingButCompletedArguments()
    {
        var data = B("*2\r\n$3\r\nGET\r\n$3\r\nfo");
        var cmd = new CommandBuffer();
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(data));
        Assert.False(RespCommandReader.TryRead(ref reader, cmd, RespLimits.Default));
        // The header, the first argument and the second one's length line were taken (kept as
        // state in the buffer); the partial body was not.
        Assert.Equal(B("*2\r\n$3\r\nGET\r\n$3\r\n").Length, reader.Consumed);
        var rest = new SequenceReader<byte>(new ReadOnlySequence<byte>(B("foo\r\n")));
        Assert.True(RespCommandReader.TryRead(ref rest, cmd, RespLimits.Default));
        Assert.Equal("foo", cmd.GetString(1));
    }

    [Theory]
    [InlineData("*2\r\n$3\r\nGET\r\n:1\r\n", "Protocol error: expected '$', got ':'")]
    [InlineData("*x\r\n", "Protocol error: invalid multibulk length")]
    [InlineData("*1048577\r\n", "Protocol error: invalid multibulk length")]
    [InlineData("*1\r\n$-1\r\n", "Protocol error: invalid bulk length")]
    [InlineData("*1\r\n$abc\r\n", "Protocol error: invalid bulk length")]
    [InlineData("*1\r\n$1073741824\r\n", "Protocol error: invalid bulk length")]
    [InlineData("*1\r\n$+3\r\n", "Protocol error: invalid bulk length")]
    [InlineData("*1\r\n$03\r\n", "Protocol error: invalid bulk length")]
    [InlineData("*99999999999999999999999\r\n", "Protocol error: invalid multibulk length")]
    public void MalformedInputIsAProtocolError(string input, string message)
    {
        var data = B(input);
        for (var cut = 0; cut <= data.Length; cut++)
        {
            var ex = Assert.Throws<RespProtocolException>(() => ReadAll(Segments.Split(data, cut)));
            Assert.Equal(message, ex.Message);
        }
    }

    [Fact]
    public void UnterminatedInlineLineBeyondLimitIsRefused()
    {
        var data = new byte[70 * 1024];
        Array.Fill(data, (byte)'a');
        var ex = Assert.Throws<RespProtocolException>(() => ReadAll(new ReadOnlySequence<byte>(data)));
        Assert.Equal("Protocol error: too big inline request", ex.Message);
        // Below the limit it simply waits for more.
        Assert.Empty(ReadAll(new ReadOnlySequence<byte>(data.AsMemory(0, 1000))));
    }

    [Fact]
    public void UnterminatedHeaderBeyondLimitIsRefused()
    {
        var data = B("*1" + new string('1', 70 * 1024));
        Assert.Equal("Protocol error: too big mbulk count string",
            Assert.Throws<RespProtocolException>(() => ReadAll(new ReadOnlySequence<byte>(data))).Message);
        var bulk = B("*1\r\n$" + new string('1', 70 * 1024));
        Assert.Equal("Protocol error: too big bulk count string",
            Assert.Throws<RespProtocolException>(() => ReadAll(new ReadOnlySequence<byte>(bulk))).Message);
    }

    [Fact]
    public void LimitsAreConfigurable()
    {
        var limits = new RespLimits { MaxBulkLength = 4, MaxMultibulkLength = 2 };
        Assert.Throws<RespProtocolException>(() => ReadAll(new ReadOnlySequence<byte>(B("*1\r\n$5\r\nhello\r\n")), limits));
        Assert.Throws<RespProtocolException>(() => ReadAll(new ReadOnlySequence<byte>(B("*3\r\n")), limits));
        Assert.Single(ReadAll(new ReadOnlySequence<byte>(B("*2\r\n$4\r\nabcd\r\n$0\r\n\r\n")), limits));
    }

    [Fact]
    public void LargeBulkAcrossManySegments()
    {
        var value = new string('v', 200_000);
        var data = B($"*2\r\n$4\r\nECHO\r\n${value.Length}\r\n{value}\r\n");
        var cuts = Enumerable.Range(1, 300).Select(i => i * 677).ToArray();
        var cmds = ReadAll(Segments.Split(data, cuts));
        Assert.Equal(value, cmds.Single()[1]);
    }

    [Theory]
    [InlineData("0", 0L)]
    [InlineData("-1", -1L)]
    [InlineData("9223372036854775807", long.MaxValue)]
    [InlineData("-9223372036854775808", long.MinValue)]
    public void ParsesIntegersLikeRedis(string s, long expected)
    {
        Assert.True(RespCommandReader.TryParseInt64(B(s), out var v));
        Assert.Equal(expected, v);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-")]
    [InlineData("+1")]
    [InlineData("01")]
    [InlineData(" 1")]
    [InlineData("1 ")]
    [InlineData("9223372036854775808")]
    [InlineData("-9223372036854775809")]
    [InlineData("1.0")]
    [InlineData("-0")]
    public void RejectsWhatRedisRejects(string s) => Assert.False(RespCommandReader.TryParseInt64(B(s), out _));
}
