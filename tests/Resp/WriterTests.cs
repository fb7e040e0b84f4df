using System.Buffers;
using System.Text;
using QuorumCache.Resp;

namespace QuorumCache.Tests.Resp;

public class WriterTests
{
    private static string Write(int protocol, Action<RespWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(16); // small to force many GetMemory calls
        var w = new RespWriter(buffer, protocol);
        write(w);
        w.Commit();
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    [Theory]
    [InlineData(2, "+OK\r\n:0\r\n:-42\r\n:1234567890123\r\n$3\r\nabc\r\n$0\r\n\r\n$-1\r\n*-1\r\n")]
    [InlineData(3, "+OK\r\n:0\r\n:-42\r\n:1234567890123\r\n$3\r\nabc\r\n$0\r\n\r\n_\r\n_\r\n")]
    public void ScalarsAndNulls(int protocol, string expected) =>
        Assert.Equal(expected, Write(protocol, w =>
        {
            w.WriteOk();
            w.WriteInteger(0);
            w.WriteInteger(-42);
            w.WriteInteger(1234567890123);
            w.WriteBulk("abc"u8);
            w.WriteBulk([]);
            w.WriteNull();
            w.WriteNullArray();
        }));

    [Fact]
    public void ErrorsNeverContainNewlines() =>
        Assert.Equal("-ERR bad  thing\r\n", Write(2, w => w.WriteError("ERR bad\r\nthing")));

    [Theory]
    [InlineData(2, "*4\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n:2\r\n*1\r\n:7\r\n*0\r\n")]
    [InlineData(3, "%2\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n:2\r\n~1\r\n:7\r\n>0\r\n")]
    public void Aggregates(int protocol, string expected) =>
        Assert.Equal(expected, Write(protocol, w =>
        {
            w.WriteMapHeader(2);
            w.WriteBulk("a"u8);
            w.WriteInteger(1);
            w.WriteBulk("b"u8);
            w.WriteInteger(2);
            w.WriteSetHeader(1);
            w.WriteInteger(7);
            w.WritePushHeader(0);
        }));

    [Theory]
    [InlineData(2, "$3\r\n1.5\r\n$3\r\ninf\r\n$4\r\n-inf\r\n:1\r\n:0\r\n$5\r\nhello\r\n$5\r\n12345\r\n")]
    [InlineData(3, ",1.5\r\n,inf\r\n,-inf\r\n#t\r\n#f\r\n=9\r\ntxt:hello\r\n(12345\r\n")]
    public void Resp3TypesDegradeInResp2(int protocol, string expected) =>
        Assert.Equal(expected, Write(protocol, w =>
        {
            w.WriteDouble(1.5);
            w.WriteDouble(double.PositiveInfinity);
            w.WriteDouble(double.NegativeInfinity);
            w.WriteBoolean(true);
            w.WriteBoolean(false);
            w.WriteVerbatim("txt", "hello"u8);
            w.WriteBigNumber("12345");
        }));

    [Theory]
    [InlineData(1.1, "1.1")]
    [InlineData(3.0, "3")]
    [InlineData(-0.5, "-0.5")]
    [InlineData(1e20, "1e+20")]
    [InlineData(0.1 + 0.2, "0.30000000000000004")]
    public void DoublesInShortestForm(double d, string expected) => Assert.Equal(expected, RespFormat.FormatDouble(d));

    [Fact]
    public void LargeBulkIsWrittenWhole()
    {
        var value = new string('x', 100_000);
        var text = Write(2, w => w.WriteBulk(Encoding.ASCII.GetBytes(value)));
        Assert.Equal($"$100000\r\n{value}\r\n", text);
    }

    [Fact]
    public void ReplyReaderRoundTripsEveryType()
    {
        var bytes = Encoding.UTF8.GetBytes(Write(3, w =>
        {
            w.WriteArrayHeader(9);
            w.WriteOk();
            w.WriteError("ERR x");
            w.WriteInteger(5);
            w.WriteBulk("b"u8);
            w.WriteNull();
            w.WriteDouble(2.5);
            w.WriteBoolean(true);
            w.WriteMapHeader(1);
            w.WriteBulk("k"u8);
            w.WriteBulk("v"u8);
            w.WriteBigNumber("99");
        }));
        for (var cut = 0; cut <= bytes.Length; cut++)
        {
            var reader = new SequenceReader<byte>(Segments.Split(bytes, cut, cut + 1));
            Assert.True(RespReplyReader.TryRead(ref reader, out var v));
            Assert.Equal(9, v.Count);
            Assert.Equal("OK", v[0].Text);
            Assert.True(v[1].IsError);
            Assert.Equal(5, v[2].Integer);
            Assert.Equal("b", v[3].Text);
            Assert.True(v[4].IsNull);
            Assert.Equal(2.5, v[5].Double);
            Assert.Equal(1, v[6].Integer);
            Assert.Equal(RespType.Map, v[7].Type);
            Assert.Equal("v", v[7][1].Text);
            Assert.Equal("99", v[8].Text);
        }
        // A truncated value consumes nothing.
        var partial = new SequenceReader<byte>(new ReadOnlySequence<byte>(bytes.AsMemory(0, bytes.Length - 1)));
        Assert.False(RespReplyReader.TryRead(ref partial, out _));
        Assert.Equal(0, partial.Consumed);
    }
}
