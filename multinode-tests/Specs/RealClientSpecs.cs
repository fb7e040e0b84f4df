using System.Text.Json;
using QuorumCache.MultiNode.Harness;
using Xunit.Abstractions;

namespace QuorumCache.MultiNode.Specs;

/// <summary>
/// Real cluster-aware clients (redis-cli -c, redis-py RedisCluster, ioredis Cluster) each run a
/// workload script from multinode-tests/Clients against the shared cluster; the spec judges what
/// they printed.
/// </summary>
[Collection(SharedClusterCollection.Name)]
public sealed class RealClientSpecs(SharedClusterFixture fixture, ITestOutputHelper output)
{
    private const int Pairs = 500;
    private static readonly TimeSpan ClientTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public Task Redis_cli_in_cluster_mode_sets_and_gets_500_keys() =>
        Scenario.RunAsync("redis-cli -c", output, async s =>
        {
            var prefix = $"cli{s.Seed}";
            var entry = s.Role("B");
            var run = await s.StepAsync($"redis-cli -c runs {Pairs} SET/GET pairs via {entry.Name}", ClientTimeout, _ =>
                ExternalClient.RunAsync(Path.Combine(RepoPaths.ClientScripts, "redis-cli-workload.sh"),
                    new[] { entry.Port.ToString(), Pairs.ToString(), prefix }, ClientTimeout));
            await s.StepAsync("every SET said OK and every GET returned its value", TimeSpan.FromSeconds(5), _ =>
            {
                Assert.True(run.ExitCode == 0, run.ToString());
                var all = run.Stdout.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).ToArray();
                // redis-cli -c announces each redirection it follows: "-> Redirected to slot [n] located at host:port".
                var redirects = all.Count(l => l.StartsWith("-> Redirected to slot", StringComparison.Ordinal));
                Assert.True(redirects > 0, "redis-cli followed no redirection: the keys cannot all live on one node of three");
                var lines = all.Where(l => !l.StartsWith("-> Redirected to slot", StringComparison.Ordinal)).ToArray();
                Assert.True(lines.Length == 2 * Pairs, $"expected {2 * Pairs} reply lines, got {lines.Length}\n{run}");
                for (int i = 0; i < Pairs; i++)
                {
                    Assert.True(lines[2 * i] == "OK", $"SET {prefix}:{i} answered '{lines[2 * i]}'");
                    Assert.True(lines[2 * i + 1] == $"val-{i}", $"GET {prefix}:{i} answered '{lines[2 * i + 1]}'");
                }
                return Task.CompletedTask;
            });
            await AssertKeysSpreadAsync(s, prefix);
        }, fixture.Cluster);

    [Fact]
    public Task Redis_py_RedisCluster_sets_gets_and_increments() =>
        Scenario.RunAsync("redis-py RedisCluster", output, async s =>
        {
            var prefix = $"py{s.Seed}";
            var run = await s.StepAsync("redis-py workload", ClientTimeout, _ =>
                ExternalClient.RunAsync("/usr/bin/python3",
                    new[] { Path.Combine(RepoPaths.ClientScripts, "redispy_workload.py"), s.Role("C").Port.ToString(), Pairs.ToString(), prefix },
                    ClientTimeout));
            await s.StepAsync("redis-py saw every node, every write and every value", TimeSpan.FromSeconds(5), _ =>
            {
                AssertJsonWorkload(run, prefix, s.Cluster);
                return Task.CompletedTask;
            });
        }, fixture.Cluster);

    [Fact]
    public Task Ioredis_Cluster_sets_gets_and_increments() =>
        Scenario.RunAsync("ioredis Cluster", output, async s =>
        {
            var prefix = $"io{s.Seed}";
            var ioredis = Path.Combine(RepoPaths.ClientModules, "ioredis", "package.json");
            Assert.True(File.Exists(ioredis),
                $"ioredis is not installed ({ioredis} missing): run ./test.sh, which installs it (or multinode-tests/install-clients.sh alone)");
            var run = await s.StepAsync("ioredis workload", ClientTimeout, _ =>
                ExternalClient.RunAsync("node",
                    new[] { Path.Combine(RepoPaths.ClientScripts, "ioredis_workload.js"), s.Role("A").Port.ToString(), Pairs.ToString(), prefix },
                    ClientTimeout, new Dictionary<string, string> { ["NODE_PATH"] = RepoPaths.ClientModules }));
            await s.StepAsync("ioredis saw every node, every write and every value", TimeSpan.FromSeconds(5), _ =>
            {
                AssertJsonWorkload(run, prefix, s.Cluster);
                return Task.CompletedTask;
            });
        }, fixture.Cluster);

    /// <summary>Judges the JSON the python and node scripts print.</summary>
    private static void AssertJsonWorkload(ClientRun run, string prefix, TestCluster cluster)
    {
        Assert.True(run.ExitCode == 0, run.ToString());
        var last = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "";
        using var doc = JsonDocument.Parse(last);
        var root = doc.RootElement;
        var errors = root.GetProperty("errors").EnumerateArray().Select(e => e.GetString()).ToArray();
        Assert.True(errors.Length == 0, $"client errors:\n{string.Join('\n', errors.Take(20))}");
        var nodes = root.GetProperty("nodes").EnumerateArray().Select(e => e.GetInt32()).OrderBy(p => p).ToArray();
        Assert.Equal(cluster.Running.Select(n => n.Port).OrderBy(p => p).ToArray(), nodes);
        var sets = root.GetProperty("set_replies").EnumerateArray().ToArray();
        Assert.Equal(Pairs, sets.Length);
        Assert.All(sets, r => Assert.True(r.ValueKind == JsonValueKind.True || r.GetRawText() == "\"OK\"", $"SET replied {r}"));
        var reads = root.GetProperty("reads");
        for (int i = 0; i < Pairs; i++)
        {
            Assert.True(reads.TryGetProperty($"{prefix}:{i}", out var v), $"no read of {prefix}:{i}");
            Assert.Equal($"val-{i}", v.GetString());
        }
        Assert.Equal(Pairs, root.GetProperty("counter").GetInt64());
    }

    /// <summary>The 500 keys landed on every node (so the client really followed the cluster's routing).</summary>
    private static async Task AssertKeysSpreadAsync(Scenario s, string prefix)
    {
        await s.StepAsync("the keys are spread over every node", TimeSpan.FromSeconds(10), async _ =>
        {
            foreach (var n in s.Cluster.Running)
            {
                var lines = await TestCluster.NodesSeenByAsync(n);
                var mine = lines.First(l => l.IsMyself);
                int owned = 0;
                for (int i = 0; i < Pairs; i++)
                    if (mine.OwnsSlot(QuorumCache.Cluster.Slots.HashSlot.Of($"{prefix}:{i}"))) owned++;
                Assert.True(owned > 0, $"{n.Name} owns none of the keys");
                var count = await n.CommandAsync("DBSIZE");
                Assert.True(count.Integer >= owned, $"{n.Name}: DBSIZE {count.Integer} < {owned} keys it owns");
            }
        });
    }
}
