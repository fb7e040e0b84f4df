using QuorumCache.Node.Config;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using QuorumCache.Node.Server;

namespace QuorumCache.Node.Hosting;

/// <summary>Builds the node's server object and wires its services together.</summary>
public static class NodeBootstrap
{
    public static NodeServer CreateServer(NodeOptions options, IServiceProvider sp)
    {
        var lifetime = sp.GetRequiredService<Microsoft.Extensions.Hosting.IHostApplicationLifetime>();
        return new NodeServer(options, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>(), lifetime.StopApplication)
        {
            // The client port opens before the cluster part starts: serve no slot until it has.
            Router = StartingRouter.Instance,
        };
    }
}
