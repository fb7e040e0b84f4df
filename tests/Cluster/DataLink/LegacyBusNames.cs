// TEMPORARY: delete this file with the Akka move. The old bus names that
// tests/Cluster/Membership/HeartbeatMonitorTests.cs still uses; that test goes with HeartbeatMonitor.
global using BusChannel = QuorumCache.Cluster.DataLink.DataChannel;
global using InMemoryBusNetwork = QuorumCache.Tests.Cluster.DataLink.InMemoryDataLinkNetwork;

namespace QuorumCache.Cluster.Bus
{
    // Empty on purpose: keeps its `using QuorumCache.Cluster.Bus;` compiling.
}
