using System.Globalization;
using Akka.Configuration;
using QuorumCache.Cluster.Runtime;

namespace QuorumCache.Cluster.Actors;

/// <summary>
/// The actor system's configuration, built from the node's typed settings: remoting on the cluster bus
/// port, Akka.Cluster with the Split Brain Resolver, the failure detector's timing, the node's identity
/// as a role, and our message serializer.
/// </summary>
public static class AkkaSettings
{
    public const string SystemName = "quorumcache";
    public const string RolePrefix = "qc-";

    /// <summary>The role that carries a member's node id and ports: <c>qc-{id}-{client port}-{data port}</c>.</summary>
    public static string Role(string nodeId, int port, int dataPort) => $"{RolePrefix}{nodeId}-{port}-{dataPort}";

    public static bool TryParseRole(string role, out string nodeId, out int port, out int dataPort)
    {
        nodeId = "";
        port = dataPort = 0;
        if (!role.StartsWith(RolePrefix, StringComparison.Ordinal)) return false;
        var parts = role[RolePrefix.Length..].Split('-');
        if (parts.Length != 3 || parts[0].Length != 40) return false;
        nodeId = parts[0];
        return int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out port)
               && int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out dataPort);
    }

    /// <summary>The configuration of an actor system on <paramref name="busPort"/> (0 picks one).</summary>
    public static Config Build(ClusterNodeOptions o, string nodeId, int busPort, int dataPort)
    {
        static string D(TimeSpan t) => ((long)t.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) + "ms";
        var fd = o.FailureDetector;
        var adapters = o.EnableFaultInjection ? "applied-adapters = [trttl]" : "";
        // What makes this node itself: never overridden.
        var identity = $$"""
            akka {
              actor {
                provider = cluster
                serializers.quorumcache = "QuorumCache.Cluster.Actors.ClusterMessageSerializer, QuorumCache.Cluster"
                serialization-bindings { "QuorumCache.Cluster.Actors.IClusterMessage, QuorumCache.Cluster" = quorumcache }
              }
              remote.dot-netty.tcp {
                hostname = "{{o.Host}}"
                port = {{busPort}}
                {{adapters}}
              }
              cluster.roles = ["{{Role(nodeId, o.Port, dataPort)}}"]
            }
            """;
        var tuning = $$"""
            akka {
              loglevel = WARNING
              stdout-loglevel = WARNING
              log-dead-letters = off
              log-dead-letters-during-shutdown = off
              remote {
                log-remote-lifecycle-events = off
                # A LAN cluster: give up on a silent peer in seconds, not Akka's default 15 s, and retry
                # a failed peer after 1 s, so a node cut off and healed rejoins quickly.
                handshake-timeout = 3s
                retry-gate-closed-for = 1s
                dot-netty.tcp {
                  connection-timeout = 2s
                  maximum-frame-size = 8MB
                }
              }
              cluster {
                log-info = off
                downing-provider-class = "Akka.Cluster.SBR.SplitBrainResolverProvider, Akka.Cluster"
                split-brain-resolver {
                  active-strategy = {{o.DowningStrategy}}
                  stable-after = {{D(o.DowningStableAfter)}}
                }
                failure-detector {
                  heartbeat-interval = {{D(fd.HeartbeatInterval)}}
                  threshold = {{fd.Threshold.ToString(CultureInfo.InvariantCulture)}}
                  acceptable-heartbeat-pause = {{D(fd.AcceptableHeartbeatPause)}}
                  min-std-deviation = {{D(fd.MinStdDeviation)}}
                }
                gossip-interval = 200ms
                leader-actions-interval = 100ms
                unreachable-nodes-reaper-interval = 100ms
                periodic-tasks-initial-delay = 100ms
                seed-node-timeout = 2s
                retry-unsuccessful-join-after = 1s
                shutdown-after-unsuccessful-join-seed-nodes = off
                run-coordinated-shutdown-when-down = on
                sharding {
                  # Slot groups: placement is ours (SlotGroupAllocation follows the map), so the
                  # coordinator checks for groups to move often and never passivates a group actor.
                  state-store-mode = ddata
                  remember-entities = off
                  passivate-idle-entity-after = off
                  rebalance-interval = 100ms
                  retry-interval = 200ms
                  coordinator-failure-backoff = 1s
                  waiting-for-state-timeout = 2s
                  updating-state-timeout = 2s
                  # A group actor waits for its data hand-off (bounded by the hand-off phase timeout).
                  handoff-timeout = {{D(o.HandOffTimeout + TimeSpan.FromSeconds(10))}}
                  shard-start-timeout = 2s
                  # Plain majorities for the coordinator's state: with Akka's defaults (all of up to
                  # 5 nodes) one unreachable member stalls every allocation until it is removed.
                  distributed-data.majority-min-cap = 1
                  distributed-data.durable.keys = []
                  coordinator-state.write-majority-plus = 0
                  coordinator-state.read-majority-plus = 0
                }
                singleton {
                  hand-over-retry-interval = 200ms
                  min-number-of-hand-over-retries = 10
                }
                singleton-proxy {
                  singleton-identification-interval = 200ms
                  buffer-size = 10000
                }
              }
              coordinated-shutdown {
                exit-clr = off
                run-by-clr-shutdown-hook = off
                terminate-actor-system = on
                phases.cluster-exiting.timeout = 3s
                phases.cluster-leave.timeout = 3s
              }
            }
            """;
        // The configuration's akka { } section overrides the tuning (not the identity).
        var config = ConfigurationFactory.ParseString(identity);
        if (!string.IsNullOrWhiteSpace(o.AkkaOverrides)) config = config.WithFallback(ConfigurationFactory.ParseString(o.AkkaOverrides));
        return config.WithFallback(ConfigurationFactory.ParseString(tuning));
    }
}
