using System.Diagnostics;
using System.Text;
using QuorumCache.Resp;

namespace QuorumCache.MultiNode.Harness;

/// <summary>How a <see cref="TestCluster"/> starts its nodes.</summary>
public sealed record ClusterOptions
{
    /// <summary>Role names of the initial nodes; the first one forms the cluster, the others join it.</summary>
    public IReadOnlyList<string> Names { get; init; } = new[] { "A", "B", "C" };
    /// <summary>Adds <c>--set testing.enable-fault-injection=on</c> so link cuts work.</summary>
    public bool FaultInjection { get; init; } = true;
    /// <summary>Extra node arguments, e.g. "--set", "cluster.failure-detector.threshold=8".</summary>
    public IReadOnlyList<string> ExtraArgs { get; init; } = Array.Empty<string>();
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>Bound on formation: all slots assigned, balanced, no hand-offs, one map everywhere.</summary>
    public TimeSpan ReadyTimeout { get; init; } = TimeSpan.FromSeconds(90);
}

/// <summary>
/// N real node processes on loopback, each with its own data directory and log under one temp
/// root. Disposing kills whatever still runs and checks that no process of this cluster remains.
/// </summary>
public sealed class TestCluster : IAsyncDisposable
{
    private readonly List<NodeProcess> _nodes = new();
    private readonly ClusterOptions _options;
    private readonly (string FileName, string[] Prefix) _launch;
    private bool _disposed;

    private TestCluster(string root, ClusterOptions options, (string, string[]) launch)
    {
        Root = root;
        _options = options;
        _launch = launch;
    }

    /// <summary>Folder holding every node's data directory and log.</summary>
    public string Root { get; }
    /// <summary>Keep <see cref="Root"/> after disposal (set when a spec failed, or QC_KEEP_DATA=1).</summary>
    public bool KeepArtifacts { get; set; } = Environment.GetEnvironmentVariable("QC_KEEP_DATA") == "1";
    public IReadOnlyList<NodeProcess> Nodes => _nodes;
    public IEnumerable<NodeProcess> Running => _nodes.Where(n => n.State == NodeState.Running);
    public NodeProcess this[string name] => _nodes.Find(n => n.Name == name) ?? throw new KeyNotFoundException($"no node named {name}");

    /// <summary>Builds the node if needed, starts the nodes, and waits until the cluster is ready.</summary>
    public static async Task<TestCluster> StartAsync(ClusterOptions? options = null, CancellationToken ct = default)
    {
        options ??= new ClusterOptions();
        if (options.Names.Count == 0) throw new ArgumentException("a cluster needs at least one node");
        var launch = await NodeBuild.EnsureBuiltAsync(ct).ConfigureAwait(false);
        ProcessReaper.SweepOrphans();
        var root = Path.Combine(Path.GetTempPath(),
            $"{ProcessReaper.DataRootPrefix}{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}");
        Directory.CreateDirectory(root);
        var cluster = new TestCluster(root, options, launch);
        try
        {
            var seed = cluster.Create(options.Names[0], join: null);
            await seed.StartAsync(options.StartTimeout, ct).ConfigureAwait(false);
            var joiners = options.Names.Skip(1).Select(n => cluster.Create(n, seed.Endpoint)).ToList();
            await Task.WhenAll(joiners.Select(j => j.StartAsync(options.StartTimeout, ct))).ConfigureAwait(false);
            await cluster.WaitReadyAsync(options.ReadyTimeout, ct).ConfigureAwait(false);
            return cluster;
        }
        catch (Exception e)
        {
            cluster.KeepArtifacts = true;
            var report = cluster.Report();
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw new InvalidOperationException($"cluster of {options.Names.Count} did not start: {e.Message}\n{report}", e);
        }
    }

    private NodeProcess Create(string name, string? join)
    {
        if (_nodes.Exists(n => n.Name == name)) throw new ArgumentException($"duplicate node name {name}");
        var extra = new List<string>(_options.ExtraArgs);
        if (_options.FaultInjection) { extra.Add("--set"); extra.Add("testing.enable-fault-injection=on"); }
        var node = new NodeProcess(name, PortAllocator.Next(), Path.Combine(Root, name), join, _launch, extra);
        _nodes.Add(node);
        return node;
    }

    /// <summary>Starts a new node that joins through <paramref name="via"/> (default: the first running node).</summary>
    public async Task<NodeProcess> AddNodeAsync(string name, NodeProcess? via = null, CancellationToken ct = default)
    {
        via ??= Running.First();
        var node = Create(name, via.Endpoint);
        await node.StartAsync(_options.StartTimeout, ct).ConfigureAwait(false);
        return node;
    }

    /// <summary>
    /// Waits until every running node reports: all 16384 slots assigned, no hand-offs in progress
    /// and no rebalance moves pending, every running node a member owning slots, and the same
    /// CLUSTER SLOTS as all the others (seen twice in a row, to skip a lull between rebalance rounds).
    /// </summary>
    public async Task WaitReadyAsync(TimeSpan timeout, CancellationToken ct = default)
    {
        int streak = 0;
        await Poll.UntilAsync($"cluster ready ({string.Join(", ", Running.Select(n => n.Name))})", timeout, async c =>
        {
            var o = await ReadyOnceAsync().ConfigureAwait(false);
            streak = o.Satisfied ? streak + 1 : 0;
            return streak >= 2 ? o : Observation.No(o.Seen);
        }, ct, TimeSpan.FromMilliseconds(300)).ConfigureAwait(false);
    }

    private async Task<Observation> ReadyOnceAsync()
    {
        var running = Running.ToList();
        string? reference = null;
        foreach (var n in running)
        {
            var info = ClusterViews.ParseInfo(await n.CommandAsync("CLUSTER", "INFO").ConfigureAwait(false));
            long assigned = ClusterViews.InfoNumber(info, "cluster_slots_assigned");
            long handingOff = ClusterViews.InfoNumber(info, "cluster_handoffs_in_progress");
            long pending = ClusterViews.InfoNumber(info, "cluster_rebalance_pending_moves");
            if (assigned != 16384 || handingOff > 0 || pending > 0)
                return Observation.No($"{n.Name}: slots_assigned={assigned} handoffs={handingOff} pending_moves={pending}");
            var slots = ClusterViews.CanonicalSlots(await n.CommandAsync("CLUSTER", "SLOTS").ConfigureAwait(false));
            if (reference is null) reference = slots;
            else if (slots != reference) return Observation.No($"{n.Name} has a different CLUSTER SLOTS:\n{slots}vs\n{reference}");
            var members = ClusterViews.ParseNodes(await n.CommandAsync("CLUSTER", "NODES").ConfigureAwait(false));
            foreach (var other in running)
            {
                var line = members.FirstOrDefault(m => m.Id == other.NodeId);
                if (line is null) return Observation.No($"{n.Name} does not list {other.Name} yet");
                if (line.SlotCount == 0) return Observation.No($"{other.Name} owns no slots yet (seen by {n.Name})");
            }
        }
        return Observation.Yes(reference ?? "");
    }

    /// <summary>CLUSTER NODES as <paramref name="observer"/> sees it.</summary>
    public static async Task<IReadOnlyList<NodeLine>> NodesSeenByAsync(NodeProcess observer) =>
        ClusterViews.ParseNodes(await observer.CommandAsync("CLUSTER", "NODES").ConfigureAwait(false));

    public static async Task<IReadOnlyDictionary<string, string>> InfoOfAsync(NodeProcess node) =>
        ClusterViews.ParseInfo(await node.CommandAsync("CLUSTER", "INFO").ConfigureAwait(false));

    /// <summary>The node that owns <paramref name="slot"/> according to <paramref name="observer"/>'s map.</summary>
    public async Task<NodeProcess?> OwnerOfSlotAsync(int slot, NodeProcess observer)
    {
        var lines = await NodesSeenByAsync(observer).ConfigureAwait(false);
        var owner = lines.FirstOrDefault(l => l.OwnsSlot(slot));
        return owner is null ? null : _nodes.Find(n => n.NodeId == owner.Id);
    }

    /// <summary>The node hosting the coordinator (the map's singleton), as <paramref name="observer"/> reports it.</summary>
    public async Task<NodeProcess?> CoordinatorAsync(NodeProcess observer)
    {
        var info = await InfoOfAsync(observer).ConfigureAwait(false);
        return info.TryGetValue("cluster_coordinator", out var id) ? _nodes.Find(n => n.NodeId == id) : null;
    }

    // ---- bus faults (QC-FAULT on both ends) ----------------------------------------------------

    /// <summary>Cuts the bus link between two nodes in both directions.</summary>
    public Task CutLinkAsync(NodeProcess a, NodeProcess b) => LinkAsync(a, b, "BLOCK-LINK");

    public Task RestoreLinkAsync(NodeProcess a, NodeProcess b) => LinkAsync(a, b, "UNBLOCK-LINK");

    private async Task LinkAsync(NodeProcess a, NodeProcess b, string verb)
    {
        await ExpectOkAsync(a, "CLUSTER", "QC-FAULT", verb, Id(b)).ConfigureAwait(false);
        await ExpectOkAsync(b, "CLUSTER", "QC-FAULT", verb, Id(a)).ConfigureAwait(false);
    }

    /// <summary>Cuts every bus link of <paramref name="node"/>, on its side and on every other running node's side.</summary>
    public async Task IsolateAsync(NodeProcess node)
    {
        await ExpectOkAsync(node, "CLUSTER", "QC-FAULT", "ISOLATE").ConfigureAwait(false);
        foreach (var other in Running)
            if (other != node) await ExpectOkAsync(other, "CLUSTER", "QC-FAULT", "BLOCK-LINK", Id(node)).ConfigureAwait(false);
    }

    /// <summary>Restores every cut bus link on every running node.</summary>
    public async Task HealAsync()
    {
        foreach (var n in Running) await ExpectOkAsync(n, "CLUSTER", "QC-FAULT", "HEAL").ConfigureAwait(false);
    }

    private static string Id(NodeProcess n) => n.NodeId ?? throw new InvalidOperationException($"{n.Name} has no node id yet");

    private static async Task ExpectOkAsync(NodeProcess n, params string[] args)
    {
        var r = await n.CommandAsync(args).ConfigureAwait(false);
        if (r.IsError || r.Text != "OK") throw new InvalidOperationException($"{n.Name}: {string.Join(' ', args)} answered {r}");
    }

    // ---- reporting and teardown ----------------------------------------------------------------

    /// <summary>Every node's state and the tail of its log, for a failure message.</summary>
    public string Report(int linesPerNode = 40)
    {
        var sb = new StringBuilder();
        sb.Append("cluster root: ").Append(Root).Append('\n');
        foreach (var n in _nodes)
        {
            sb.Append("----- ").Append(n).Append(" pid ").Append(n.Pid).Append(", log ").Append(n.LogPath)
              .Append(", last ").Append(linesPerNode).Append(" lines:\n");
            sb.Append(n.LogTail(linesPerNode)).Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>
    /// Kills every node still running, then verifies that none of this cluster's processes is left
    /// (by pid, and by <c>pgrep -f</c> on this cluster's data root); throws if one is.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        var pids = _nodes.Select(n => n.Pid).Where(p => p > 0).ToList();
        await Task.WhenAll(_nodes.Select(n => n.DisposeAsync().AsTask())).ConfigureAwait(false);
        var leftovers = pids.Where(p => Posix.IsAlive(p) && ProcessReaper.IsOurs(p, Root)).ToList();
        leftovers.AddRange(await PgrepAsync(Root).ConfigureAwait(false));
        leftovers = leftovers.Distinct().ToList();
        foreach (var pid in leftovers) Posix.Signal(pid, Posix.SIGKILL);
        if (!KeepArtifacts)
        {
            try { Directory.Delete(Root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
        if (leftovers.Count > 0)
            throw new InvalidOperationException($"node processes survived teardown: {string.Join(", ", leftovers)} (killed now)");
    }

    /// <summary>Pids whose command line contains <paramref name="pattern"/> (pgrep -f), excluding pgrep itself.</summary>
    public static async Task<IReadOnlyList<int>> PgrepAsync(string pattern)
    {
        var psi = new ProcessStartInfo("pgrep") { RedirectStandardOutput = true, UseShellExecute = false };
        psi.ArgumentList.Add("-f");
        psi.ArgumentList.Add(pattern);
        using var p = Process.Start(psi)!;
        var text = await p.StandardOutput.ReadToEndAsync().ConfigureAwait(false);
        await p.WaitForExitAsync().ConfigureAwait(false);
        var result = new List<int>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            if (int.TryParse(line.Trim(), out var pid) && pid != p.Id && pid != Environment.ProcessId) result.Add(pid);
        return result;
    }
}
