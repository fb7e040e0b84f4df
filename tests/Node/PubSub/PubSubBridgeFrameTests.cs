using System.Text;
using QuorumCache.Node.Clustering;

namespace QuorumCache.Tests.Node.PubSub;

/// <summary>The frame that carries a PUBLISH between nodes: round trip, and refusal of malformed frames.</summary>
public class PubSubBridgeFrameTests
{
    private static byte[] Frame(string channel, byte[] message)
    {
        var c = Encoding.UTF8.GetBytes(channel);
        var frame = new byte[PubSubBridge.FrameLength(c.Length, message.Length)];
        PubSubBridge.Encode(frame, c, message);
        return frame;
    }

    [Theory]
    [InlineData("news", "hello")]
    [InlineData("", "")]
    [InlineData("ch", "")]
    [InlineData("", "only a message")]
    public void RoundTrips(string channel, string message)
    {
        Assert.True(PubSubBridge.TryDecode(Frame(channel, Encoding.UTF8.GetBytes(message)), out var c, out var m));
        Assert.Equal(channel, Encoding.UTF8.GetString(c));
        Assert.Equal(message, Encoding.UTF8.GetString(m));
    }

    [Fact]
    public void BinaryMessagesKeepEveryByte()
    {
        var message = Enumerable.Range(0, 70_000).Select(i => (byte)(i * 31)).ToArray();
        Assert.True(PubSubBridge.TryDecode(Frame("bin\0\r\n", message), out var c, out var m));
        Assert.Equal("bin\0\r\n", Encoding.UTF8.GetString(c));
        Assert.Equal(message, m.ToArray());
    }

    [Fact]
    public void MalformedFramesAreRefused()
    {
        var good = Frame("channel", "message"u8.ToArray());
        Assert.False(PubSubBridge.TryDecode([], out _, out _));
        Assert.False(PubSubBridge.TryDecode(good.AsSpan(0, 4), out _, out _)); // header cut short
        var wrongKind = (byte[])good.Clone();
        wrongKind[0] = 9;
        Assert.False(PubSubBridge.TryDecode(wrongKind, out _, out _));
        var longChannel = (byte[])good.Clone();
        longChannel[1] = 0x7f; // channel length far beyond the frame
        Assert.False(PubSubBridge.TryDecode(longChannel, out _, out _));
        Assert.False(PubSubBridge.TryDecode(good.AsSpan(0, 5 + 6), out _, out _)); // channel itself cut short
        // Every truncation either decodes to a prefix of the message or is refused; none throws.
        for (var n = 0; n <= good.Length; n++) PubSubBridge.TryDecode(good.AsSpan(0, n), out _, out _);
    }
}
