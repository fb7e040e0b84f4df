using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using QuorumCache.Node.Server;
using QuorumCache.Node.Storage;

namespace QuorumCache.Node.Hosting;

/// <summary>Starts the node's background work (active expiry, cluster) and stops it on shutdown.</summary>
public sealed partial class NodeLifetimeService(NodeServer server, IHostApplicationLifetime lifetime, ILogger<NodeLifetimeService> logger) : IHostedService
{
    private ActiveExpiryCycle? _expiry;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        server.RequestShutdown = lifetime.StopApplication;
        _expiry = new ActiveExpiryCycle(server);
        _expiry.Start();
        LogStarted(logger, server.Options.Bind, server.Options.Port, Environment.ProcessId);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_expiry is not null) await _expiry.DisposeAsync();
        LogStopped(logger);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "QuorumCache node ready on {Bind}:{Port} (pid {Pid})")]
    private static partial void LogStarted(ILogger logger, string bind, int port, int pid);

    [LoggerMessage(Level = LogLevel.Information, Message = "node stopped")]
    private static partial void LogStopped(ILogger logger);
}
