using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using QuorumCache.Resp;

namespace QuorumCache.Tests.Infrastructure;

/// <summary>
/// A real redis-server (Debian package, installed by .ci/run) on a free loopback port, for
/// differential tests: send the same commands to it and to our node and compare the replies.
/// </summary>
public sealed class RedisServerFixture : IAsyncLifetime
{
    private Process? _process;
    public int Port { get; private set; }

    public async Task InitializeAsync()
    {
        Port = FreePort();
        var psi = new ProcessStartInfo("redis-server", $"--port {Port} --bind 127.0.0.1 --save \"\" --appendonly no --enable-debug-command yes")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        _process = Process.Start(psi) ?? throw new InvalidOperationException("redis-server did not start (is the redis-server package installed?)");
        _process.OutputDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        for (var i = 0; i < 200; i++)
        {
            try
            {
                await using var c = await ConnectAsync();
                if ((await c.ExecuteAsync("PING")).Text == "PONG") return;
            }
            catch (SocketException)
            {
            }
            await Task.Delay(25);
        }
        throw new InvalidOperationException("redis-server did not answer PING");
    }

    public Task<RespClient> ConnectAsync() => RespClient.ConnectAsync("127.0.0.1", Port);

    public Task DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            _process.WaitForExit(5000);
        }
        _process?.Dispose();
        return Task.CompletedTask;
    }

    public static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }
}

/// <summary>Runs the same commands against our node and a real Redis and compares replies.</summary>
public sealed class Differential(RespClient ours, RespClient redis)
{
    /// <summary>Sends one command to both; asserts identical replies (type and content); returns ours.</summary>
    public async Task<RespValue> Same(params string[] args)
    {
        var a = await ours.ExecuteAsync(args);
        var b = await redis.ExecuteAsync(args);
        Assert.True(Render(a) == Render(b), $"{string.Join(' ', args)}\n  ours:  {Render(a)}\n  redis: {Render(b)}");
        return a;
    }

    /// <summary>
    /// As <see cref="Same"/>, but numbers compare by value: for replies with scores, whose text is "%.17g" in
    /// Redis 7.0 and the shortest round-trip form here (7.2's).
    /// </summary>
    public async Task<RespValue> SameByValue(params string[] args)
    {
        var a = await ours.ExecuteAsync(args);
        var b = await redis.ExecuteAsync(args);
        Assert.True(RenderByValue(a) == RenderByValue(b), $"{string.Join(' ', args)}\n  ours:  {Render(a)}\n  redis: {Render(b)}");
        return a;
    }

    /// <summary>
    /// Runs <paramref name="scenario"/> on fresh connections to our node and to Redis, in RESP2 and then in
    /// RESP3 (HELLO 3 on both); a failure says which protocol it happened in.
    /// </summary>
    public static async Task InBothProtocols(NodeFixture node, RedisServerFixture redis, Func<Differential, Task> scenario)
    {
        foreach (var proto in new[] { 2, 3 })
        {
            await using var a = await node.ConnectAsync();
            await using var b = await redis.ConnectAsync();
            if (proto == 3)
            {
                Reply.AssertNotError(await a.Run("HELLO", "3"));
                Reply.AssertNotError(await b.Run("HELLO", "3"));
            }
            try
            {
                await scenario(new Differential(a, b));
            }
            catch (Exception e)
            {
                throw new Xunit.Sdk.XunitException($"RESP{proto}: {e.Message}");
            }
        }
    }

    /// <summary>
    /// Asserts that COMMAND INFO's first seven fields (name, arity, flags, first key, last key, step,
    /// categories) are the same for every command named; the failure lists every command that differs.
    /// </summary>
    public async Task SameCommandInfo(IEnumerable<string> commands)
    {
        var bad = new List<string>();
        foreach (var c in commands)
        {
            var a = string.Join("|", (await ours.ExecuteAsync("COMMAND", "INFO", c))[0].Items!.Take(7).Select(Render));
            var b = string.Join("|", (await redis.ExecuteAsync("COMMAND", "INFO", c))[0].Items!.Take(7).Select(Render));
            if (a != b) bad.Add(c + "\n ours " + a + "\n redis " + b);
        }
        Assert.True(bad.Count == 0, string.Join("\n", bad));
    }

    private static string RenderByValue(RespValue v) => v.Type switch
    {
        RespType.Array or RespType.Set or RespType.Map or RespType.Push =>
            "[" + string.Join(", ", v.Items!.Select(RenderByValue)) + "]",
        RespType.Null => "nil",
        _ when double.TryParse(v.Text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d) =>
            d.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        _ => $"{(char)v.Type}{v.Text}",
    };

    public static string Render(RespValue v) => v.Type switch
    {
        RespType.Array or RespType.Set or RespType.Map or RespType.Push =>
            $"{(char)v.Type}[" + string.Join(", ", v.Items!.Select(Render)) + "]",
        RespType.Null => "nil",
        _ => $"{(char)v.Type}{v.Text}",
    };
}
