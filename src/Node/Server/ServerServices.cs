using Microsoft.Extensions.Logging;

namespace QuorumCache.Node.Server;

/// <summary>Installs the server's long-lived services (pub/sub, blocking, cluster) on a new server.</summary>
public static class ServerServices
{
    public static void Install(NodeServer server, ILoggerFactory loggers)
    {
        _ = loggers;
        foreach (var install in Installers) install(server);
        Messaging.PubSubHub.Install(server, loggers);
    }

    /// <summary>Each feature area adds its installer here.</summary>
    private static readonly Action<NodeServer>[] Installers =
    [
        Blocking.BlockingHub.Install,
    ];
}
