using QuorumCache.Node.Config;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using QuorumCache.Node;
using QuorumCache.Node.Hosting;
using QuorumCache.Node.Server;
using QuorumCache.Resp;

namespace QuorumCache.Tests.Infrastructure;

/// <summary>
/// A real node listening on a free loopback port, in this process. Tests talk to it over TCP with
/// <see cref="RespClient"/> (or redis-cli). Share one per test class with IClassFixture; use keys
/// unique to the test (see <see cref="Key"/>) because the keyspace is shared.
/// </summary>
public sealed class NodeFixture : IAsyncLifetime
{
    private WebApplication? _app;

    public int Port { get; private set; }
    public NodeServer Server { get; private set; } = null!;
    public NodeOptions Options { get; } = WithFreshPort();

    private static NodeOptions WithFreshPort()
    {
        var o = NodeOptionsLoader.Defaults();
        o.Port = 0;
        o.DataDir = Path.Combine(Path.GetTempPath(), "qc-test-" + Guid.NewGuid().ToString("N"));
        return o;
    }

    public async Task InitializeAsync()
    {
        _app = Program.BuildApp(Options);
        await _app.StartAsync();
        var addresses = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        Port = new Uri(addresses.First()).Port;
        Server = _app.Services.GetRequiredService<NodeServer>();
        // The cluster part starts after the port opens (until then every slot answers CLUSTERDOWN);
        // wait until it serves, until its one-node cluster has committed its first map and until every
        // slot group's actor runs here, so tests see a settled node rather than the bootstrapping one.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (Server.Router.Route(0, isWrite: true, null!).Kind != RouteKind.Local
               || Server.Cluster?.Node is not { Map.IsBootstrapped: true } node
               || node.GroupsHosted != QuorumCache.Cluster.Slots.SlotGroup.Count)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the node did not start serving its slots");
            await Task.Delay(5);
        }
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        try { Directory.Delete(Options.DataDir, recursive: true); } catch (DirectoryNotFoundException) { }
    }

    public Task<RespClient> ConnectAsync() => RespClient.ConnectAsync("127.0.0.1", Port);

    private static int s_keys;

    /// <summary>A key unique in this test run (all unique keys of one call share a hash tag, so one slot).</summary>
    public static string Key(string name = "k") => $"{{t{Interlocked.Increment(ref s_keys)}}}{name}";
}

/// <summary>Small assertion helpers for replies.</summary>
public static class Reply
{
    public static async Task<RespValue> Run(this RespClient c, params string[] args) => await c.ExecuteAsync(args);

    public static void IsOk(RespValue v) => Assert.Equal("OK", AssertNotError(v).Text);

    public static RespValue AssertNotError(RespValue v)
    {
        Assert.False(v.IsError, $"unexpected error reply: {v.Text}");
        return v;
    }

    public static void IsError(RespValue v, string text)
    {
        Assert.True(v.IsError, $"expected error '{text}', got {v}");
        Assert.Equal(text, v.Text);
    }

    public static void IsInt(RespValue v, long expected)
    {
        Assert.Equal(RespType.Integer, AssertNotError(v).Type);
        Assert.Equal(expected, v.Integer);
    }

    public static void IsBulk(RespValue v, string? expected)
    {
        AssertNotError(v);
        if (expected is null) Assert.True(v.IsNull, $"expected nil, got {v}");
        else Assert.Equal(expected, v.Text);
    }

    public static string[] Strings(RespValue v) => AssertNotError(v).Items!.Select(i => i.Text ?? "(nil)").ToArray();
}
