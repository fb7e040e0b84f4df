using QuorumCache.Cluster.Slots;
using QuorumCache.MultiNode.Checker;
using QuorumCache.MultiNode.Harness;

namespace QuorumCache.MultiNode.Specs;

internal static class SpecHelpers
{
    /// <summary>Only the operations on keys <paramref name="keep"/> accepts.</summary>
    public static History Filter(History h, Func<string, bool> keep)
    {
        var ops = new List<Operation>();
        foreach (var op in h.Operations) if (keep(op.Key)) ops.Add(op with { Id = ops.Count });
        return new History(ops, h.TicksPerSecond, h.OriginTicks);
    }

    /// <summary>The slots <paramref name="owner"/> holds in <paramref name="observer"/>'s map.</summary>
    public static async Task<HashSet<int>> SlotsOfAsync(NodeProcess owner, NodeProcess observer)
    {
        var line = (await TestCluster.NodesSeenByAsync(observer)).First(l => l.Id == owner.NodeId);
        var set = new HashSet<int>();
        foreach (var (s, e) in line.Slots) for (int i = s; i <= e; i++) set.Add(i);
        return set;
    }

    public static bool KeyIn(HashSet<int> slots, string key) => slots.Contains(HashSlot.Of(key));

    /// <summary>Writes a history next to the cluster's logs and returns the path (for failure messages).</summary>
    public static string SaveHistory(Scenario s, History h, string name)
    {
        var dir = s.Cluster.Root;
        var path = Path.Combine(dir, $"{name}-seed{s.Seed}.jsonl");
        File.WriteAllText(path, HistoryJson.ToJsonLines(h));
        s.Cluster.KeepArtifacts = true;
        return path;
    }

    /// <summary>Asserts the history is linearizable; on failure saves it and says where.</summary>
    public static void AssertLinearizable(Scenario s, History h, string name)
    {
        var report = LinearizabilityChecker.Check(h);
        s.Log($"{name}: {h.Count} ops, verdict {report.Verdict}");
        if (!report.IsLinearizable)
        {
            var path = SaveHistory(s, h, name);
            Assert.Fail($"{name} history is not linearizable ({report.Verdict}); history saved to {path}\n{report.Describe()}");
        }
    }

    /// <summary>Cancels <paramref name="stop"/> and waits (bounded) for the workload tasks to end.</summary>
    public static async Task StopAsync(CancellationTokenSource stop, params Task[] workloads)
    {
        stop.Cancel();
        await Task.WhenAll(workloads).WaitAsync(TimeSpan.FromSeconds(20));
    }
}
