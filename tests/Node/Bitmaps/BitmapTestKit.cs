using System.Text;
using QuorumCache.Resp;
using QuorumCache.Tests.Infrastructure;

namespace QuorumCache.Tests.Node.Bitmaps;

/// <summary>
/// Both servers side by side for the bitmap tests, with binary-safe arguments (a byte[] is sent as
/// is, a string as UTF-8) and replies compared byte for byte (bulk strings rendered in hex).
/// </summary>
public sealed class BitPair(RespClient ours, RespClient redis) : IAsyncDisposable
{
    public RespClient Ours => ours;
    public RespClient Redis => redis;

    public static async Task<BitPair> Open(NodeFixture node, RedisServerFixture redis, int protocol = 2)
    {
        var a = await node.ConnectAsync();
        var b = await redis.ConnectAsync();
        if (protocol == 3)
        {
            Reply.AssertNotError(await a.Run("HELLO", "3"));
            Reply.AssertNotError(await b.Run("HELLO", "3"));
        }
        return new BitPair(a, b);
    }

    /// <summary>Sends one command to both servers; asserts identical replies; returns ours.</summary>
    public async Task<RespValue> Same(params object[] args)
    {
        var encoded = Encode(args);
        var a = await ours.ExecuteAsync(encoded);
        var b = await redis.ExecuteAsync(encoded);
        var ra = Render(a);
        var rb = Render(b);
        Assert.True(ra == rb, $"{Show(args)}\n  ours:  {ra}\n  redis: {rb}");
        return a;
    }

    /// <summary>Runs a command on both servers without comparing (setup that both must accept).</summary>
    public async Task Both(params object[] args)
    {
        var encoded = Encode(args);
        Reply.AssertNotError(await ours.ExecuteAsync(encoded));
        Reply.AssertNotError(await redis.ExecuteAsync(encoded));
    }

    public static ReadOnlyMemory<byte>[] Encode(object[] args)
    {
        var encoded = new ReadOnlyMemory<byte>[args.Length];
        for (var i = 0; i < args.Length; i++)
            encoded[i] = args[i] switch
            {
                byte[] b => b,
                string s => Encoding.UTF8.GetBytes(s),
                var o => Encoding.UTF8.GetBytes(Convert.ToString(o, System.Globalization.CultureInfo.InvariantCulture)!),
            };
        return encoded;
    }

    public static string Render(RespValue v) => v.Type switch
    {
        RespType.Array or RespType.Set or RespType.Map or RespType.Push =>
            $"{(char)v.Type}[" + string.Join(", ", v.Items!.Select(Render)) + "]",
        RespType.Null => "nil",
        RespType.BulkString => "$" + Convert.ToHexString(v.Bytes!),
        _ => $"{(char)v.Type}{v.Text}",
    };

    public static string Show(object[] args) =>
        string.Join(' ', args.Select(a => a is byte[] b ? "0x" + Convert.ToHexString(b) : Convert.ToString(a, System.Globalization.CultureInfo.InvariantCulture)));

    public async ValueTask DisposeAsync()
    {
        await ours.DisposeAsync();
        await redis.DisposeAsync();
    }
}
