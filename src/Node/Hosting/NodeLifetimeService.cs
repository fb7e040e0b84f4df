using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using QuorumCache.Cluster.Map;
using QuorumCache.Node.Clustering;
using QuorumCache.Node.Server;
using QuorumCache.Node.Storage;

namespace QuorumCache.Node.Hosting;

/// <summary>
/// Starts the node's background work (active expiry; the cluster once the client port is bound) and
/// stops it: a member of a larger cluster first drains (its slots move away), then leaves.
/// </summary>
public sealed partial class NodeLifetimeService(NodeServer server, IServer http, IHostApplicationLifetime lifetime,
    ILoggerFactory loggers, ILogger<NodeLifetimeService> logger) : IHostedService
{
    private ActiveExpiryCycle? _expiry;
    private readonly CancellationTokenSource _stopMetrics = new();
    private Task? _metrics;
    private ClusterService? _cluster;
    private Task? _clusterStart;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _expiry = new ActiveExpiryCycle(server);
        _expiry.Start();
        _metrics = server.Metrics.RunAsync(server, _stopMetrics.Token);
        lifetime.ApplicationStarted.Register(() => _clusterStart = StartClusterAsync());
        return Task.CompletedTask;
    }

    private async Task StartClusterAsync()
    {
        try
        {
            var address = http.Features.Get<IServerAddressesFeature>()!.Addresses.First();
            var port = new Uri(address).Port;
            _cluster = new ClusterService(server, loggers);
            server.AttachCluster(_cluster);
            await _cluster.StartAsync(port, lifetime.ApplicationStopping);
            LogStarted(logger, server.Options.Bind, port, Environment.ProcessId);
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex)
        {
            LogClusterFailed(logger, ex);
            lifetime.StopApplication();
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_clusterStart is not null)
        {
            try { await _clusterStart.WaitAsync(cancellationToken); } catch (Exception) { }
        }
        if (_cluster?.Node is { } node)
        {
            await DrainAsync(node, _cluster.HandOff.Protocol, cancellationToken);
            await _cluster.DisposeAsync();
        }
        if (_expiry is not null) await _expiry.DisposeAsync();
        await _stopMetrics.CancelAsync();
        if (_metrics is not null) await _metrics;
        LogStopped(logger);
    }

    /// <summary>
    /// Graceful leave: mark this node Leaving, wait until the rebalancer moved its slots away and it was
    /// removed, and until the new owners confirmed the last writes of every slot it handed over.
    /// </summary>
    private async Task DrainAsync(QuorumCache.Cluster.Runtime.ClusterNode node, QuorumCache.Cluster.HandOff.HandOffProtocol handOff, CancellationToken ct)
    {
        var map = node.Map;
        if (map.Members.Count <= 1 || map.Find(node.MyId) is null) return;
        LogDraining(logger, map.SlotsOf(node.MyId).Count);
        var deadline = DateTime.UtcNow + server.Options.DrainTimeout;
        while (DateTime.UtcNow < deadline && !ct.IsCancellationRequested)
        {
            map = node.Map;
            var me = map.Find(node.MyId);
            if (me is null && handOff.OutgoingCount == 0) break;
            if (me is not null && me.State != MemberState.Leaving)
                node.Propose(new ClusterCommand { Op = ClusterOp.SetMemberState, NodeId = node.MyId, State = MemberState.Leaving });
            try { await Task.Delay(200, ct); } catch (OperationCanceledException) { break; }
        }
        LogDrained(logger, node.Map.Find(node.MyId) is null);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "QuorumCache node ready on {Bind}:{Port} (pid {Pid})")]
    private static partial void LogStarted(ILogger logger, string bind, int port, int pid);

    [LoggerMessage(Level = LogLevel.Critical, Message = "the cluster runtime failed to start")]
    private static partial void LogClusterFailed(ILogger logger, Exception ex);

    [LoggerMessage(Level = LogLevel.Information, Message = "leaving the cluster: moving {Slots} slots away first")]
    private static partial void LogDraining(ILogger logger, int slots);

    [LoggerMessage(Level = LogLevel.Information, Message = "drain finished (removed from the map: {Removed})")]
    private static partial void LogDrained(ILogger logger, bool removed);

    [LoggerMessage(Level = LogLevel.Information, Message = "node stopped")]
    private static partial void LogStopped(ILogger logger);
}
