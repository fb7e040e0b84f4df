using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using QuorumCache.Node.Server;

namespace QuorumCache.Node.Hosting;

/// <summary>Builds the node's server object and wires its services together.</summary>
public static class NodeBootstrap
{
    public static NodeServer CreateServer(NodeOptions options, IServiceProvider sp)
    {
        var server = new NodeServer(options, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<NodeServer>>())
        {
            // The client port opens before the cluster part starts: serve no slot until it has.
            Router = StartingRouter.Instance,
        };
        ServerServices.Install(server, sp.GetRequiredService<ILoggerFactory>());
        return server;
    }
}
