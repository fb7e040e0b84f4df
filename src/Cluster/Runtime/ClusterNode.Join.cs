using Microsoft.Extensions.Logging;
using QuorumCache.Cluster.Map;
using QuorumCache.Resp;

namespace QuorumCache.Cluster.Runtime;

/// <summary>
/// Joining. A new node asks any member, over the member's client port, with
/// <c>CLUSTER QC-JOIN id host port bus-port data-port</c>; the member answers with the cluster id and
/// the members it knows. The new node then joins Akka.Cluster through their bus ports, and once Akka
/// has made it Up the coordinator adds it to the map.
/// </summary>
public sealed partial class ClusterNode
{
    private async Task<(string ClusterId, List<Member> Peers)> JoinViaSeedsAsync(CancellationToken ct)
    {
        var delay = TimeSpan.FromMilliseconds(200);
        while (true)
        {
            foreach (var seed in _options.Join)
            {
                ct.ThrowIfCancellationRequested();
                var (host, port) = ParseEndpoint(seed);
                try
                {
                    await using var client = await RespClient.ConnectAsync(host, port, ct).ConfigureAwait(false);
                    var reply = await client.ExecuteAsync("CLUSTER", "QC-JOIN", MyId, _options.Host, _options.Port.ToString())
                        .WaitAsync(TimeSpan.FromSeconds(5), ct).ConfigureAwait(false);
                    if (!reply.IsError && reply.Count >= 1 && reply[0].Text is { Length: > 0 } clusterId)
                    {
                        LogJoined(_log, seed, clusterId);
                        var peers = new List<Member>();
                        for (var i = 1; i < reply.Count; i++)
                        {
                            var p = reply[i];
                            if (p.Count >= 5 && int.TryParse(p[2].Text, out var cp) && int.TryParse(p[3].Text, out var bp) && int.TryParse(p[4].Text, out var dp))
                                peers.Add(new Member(p[0].Text!, p[1].Text!, cp, bp, dp, MemberState.Up));
                        }
                        return (clusterId, peers);
                    }
                    LogJoinRefused(_log, seed, reply.Text ?? reply.ToString());
                }
                catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or TimeoutException or RespProtocolException)
                {
                    LogJoinFailed(_log, seed, ex.Message);
                }
            }
            await Task.Delay(delay, ct).ConfigureAwait(false);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 2000));
        }
    }

    public static (string Host, int Port) ParseEndpoint(string endpoint)
    {
        var i = endpoint.LastIndexOf(':');
        if (i <= 0 || !int.TryParse(endpoint.AsSpan(i + 1), out var port) || port is <= 0 or > 65535)
            throw new ArgumentException($"'{endpoint}' is not host:port");
        return (endpoint[..i], port);
    }

    /// <summary>
    /// A node asked to join through this member (CLUSTER QC-JOIN). Returns the cluster id to answer
    /// with, or null when this node is not in a cluster yet. The coordinator adds the node to the map
    /// once Akka.Cluster has made it Up.
    /// </summary>
    public string? AdmitJoin() => Map.IsBootstrapped ? Map.ClusterId : null;

    [LoggerMessage(Level = LogLevel.Information, Message = "join request accepted by {Seed}: cluster {ClusterId}")]
    private static partial void LogJoined(ILogger logger, string seed, string clusterId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "join via {Seed} refused: {Reply}; retrying")]
    private static partial void LogJoinRefused(ILogger logger, string seed, string reply);

    [LoggerMessage(Level = LogLevel.Warning, Message = "join via {Seed} failed: {Error}; retrying")]
    private static partial void LogJoinFailed(ILogger logger, string seed, string error);
}
