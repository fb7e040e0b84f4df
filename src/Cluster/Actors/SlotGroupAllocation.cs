using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster.Sharding;
using QuorumCache.Cluster.Runtime;

namespace QuorumCache.Cluster.Actors;

/// <summary>
/// Sharding's placement of slot groups, decided by our rebalancer: a group's shard belongs on the node the
/// committed map names as the group's home (<see cref="Map.ClusterMap.GroupHome"/>: its owner, or the target
/// of its hand-off in flight). The shard coordinator asks this node's copy of the map, which every node
/// holds (the coordinator's changes reach every node within a heartbeat). A group whose home has no shard
/// region yet (not joined Sharding, or gone) is left where it is, or given to whoever asks first.
/// </summary>
internal sealed class SlotGroupAllocation(ClusterNode node, Address selfAddress) : IShardAllocationStrategy
{
    public Task<IActorRef> AllocateShard(IActorRef requester, string shardId,
        IImmutableDictionary<IActorRef, IImmutableList<string>> currentShardAllocations)
    {
        var home = HomeOf(shardId);
        if (home is not null)
            foreach (var region in currentShardAllocations.Keys)
                if (home.Equals(AddressOf(region))) return Task.FromResult(region);
        return Task.FromResult(requester);
    }

    public Task<IImmutableSet<string>> Rebalance(IImmutableDictionary<IActorRef, IImmutableList<string>> currentShardAllocations,
        IImmutableSet<string> rebalanceInProgress)
    {
        var regions = currentShardAllocations.Keys.Select(AddressOf).ToHashSet();
        var move = ImmutableHashSet.CreateBuilder<string>();
        foreach (var (region, shards) in currentShardAllocations)
        {
            var at = AddressOf(region);
            foreach (var shard in shards)
            {
                if (rebalanceInProgress.Contains(shard)) continue;
                var home = HomeOf(shard);
                if (home is not null && !home.Equals(at) && regions.Contains(home)) move.Add(shard);
            }
        }
        return Task.FromResult<IImmutableSet<string>>(move.ToImmutable());
    }

    private Address? HomeOf(string shardId) =>
        SlotGroupMessages.TryParse(shardId, out var group) ? node.GroupHomeAddress(group) : null;

    // A local region's path has no host: it is this node's.
    private Address AddressOf(IActorRef region) => region.Path.Address.HasLocalScope ? selfAddress : region.Path.Address;
}
