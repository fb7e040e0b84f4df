using System.Diagnostics;
using QuorumCache.Tests.Infrastructure;

namespace QuorumCache.Tests.Node.Core;

/// <summary>The real redis-cli (Debian redis-tools, installed by .ci/run) against the node, as a user would.</summary>
public class RedisCliTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    private async Task<string> Cli(params string[] args)
    {
        var psi = new ProcessStartInfo("redis-cli") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("-p");
        psi.ArgumentList.Add(node.Port.ToString());
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var output = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        return output.TrimEnd('\n');
    }

    [Fact]
    public async Task ReadmeSessionBehavesAsOnRedis()
    {
        var k = NodeFixture.Key("a");
        var n = NodeFixture.Key("n");
        Assert.Equal("OK", await Cli("set", k, "1"));
        Assert.Equal("1", await Cli("get", k));
        Assert.Equal("1", await Cli("expire", k, "10"));
        Assert.Equal("10", await Cli("ttl", k));
        Assert.Equal("1", await Cli("incr", n));
        // Follow the cursor, as a user of SCAN must: one call returns one page.
        var seen = new List<string>();
        var cursor = "0";
        do
        {
            var page = (await Cli("scan", cursor)).Split('\n');
            cursor = page[0];
            seen.AddRange(page.Skip(1));
        } while (cursor != "0");
        Assert.Contains(k, seen);
        Assert.Contains(n, seen);
        Assert.Equal("PONG", await Cli("ping"));
        Assert.StartsWith("ERR unknown command 'nosuch'", await Cli("nosuch"));
    }

    [Fact]
    public async Task PipeModeLoadsKeys()
    {
        var prefix = NodeFixture.Key("pipe");
        var psi = new ProcessStartInfo("redis-cli") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("-p");
        psi.ArgumentList.Add(node.Port.ToString());
        psi.ArgumentList.Add("--pipe");
        using var p = Process.Start(psi)!;
        for (var i = 0; i < 1000; i++)
        {
            var key = prefix + i;
            await p.StandardInput.WriteAsync($"*3\r\n$3\r\nSET\r\n${key.Length}\r\n{key}\r\n$1\r\nv\r\n");
        }
        p.StandardInput.Close();
        var stderr = p.StandardError.ReadToEndAsync();
        var output = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(output.Contains("errors: 0, replies: 1000"), $"redis-cli --pipe exited {p.ExitCode}; stdout: {output}; stderr: {await stderr}");
        await using var c = await node.ConnectAsync();
        Reply.IsBulk(await c.Run("GET", prefix + "999"), "v");
    }
}
