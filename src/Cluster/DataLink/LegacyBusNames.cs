// TEMPORARY: delete this file with the Akka move. The old bus names that
// src/Cluster/Membership/HeartbeatMonitor.cs and the Raft plumbing of Runtime/ClusterNode.cs still
// use; those parts are being replaced by Akka.NET and are deliberately not edited by the data-link change.
global using BusChannel = QuorumCache.Cluster.DataLink.DataChannel;
global using IClusterBus = QuorumCache.Cluster.DataLink.IDataLinks;

namespace QuorumCache.Cluster.Bus
{
    // Empty on purpose: keeps their `using QuorumCache.Cluster.Bus;` compiling.
}
