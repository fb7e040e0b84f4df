using QuorumCache.MultiNode.Harness;

namespace QuorumCache.MultiNode.Specs;

/// <summary>
/// One 3-node cluster (A, B, C) shared by the specs that do not change its topology: formation
/// checks, real clients, checked workloads. Started once, torn down after the collection.
/// </summary>
public sealed class SharedClusterFixture : IAsyncLifetime
{
    private TestCluster? _cluster;
    private Exception? _startFailure;

    public TestCluster Cluster => _cluster ?? throw new InvalidOperationException($"the shared cluster did not start: {_startFailure?.Message}", _startFailure);

    public async Task InitializeAsync()
    {
        try { _cluster = await TestCluster.StartAsync(new ClusterOptions { Names = new[] { "A", "B", "C" } }); }
        catch (Exception e) { _startFailure = e; } // every spec of the collection then fails with the reason
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null) await _cluster.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class SharedClusterCollection : ICollectionFixture<SharedClusterFixture>
{
    public const string Name = "shared 3-node cluster";
}

/// <summary>Expectations that change when replication lands; plumbing stays the same.</summary>
public static class Expectations
{
    /// <summary>
    /// False today: a killed node's slots have no other copy, so their acknowledged writes may be
    /// lost and their histories need not be linearizable. Set QC_EXPECT_REPLICATION=1 (or flip
    /// the default) once replication exists: then zero lost acknowledged writes and every key
    /// linearizable, including the dead node's.
    /// </summary>
    public static bool ExpectReplication { get; } = Environment.GetEnvironmentVariable("QC_EXPECT_REPLICATION") == "1";
}
