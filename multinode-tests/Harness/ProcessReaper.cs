using System.Collections.Concurrent;

namespace QuorumCache.MultiNode.Harness;

/// <summary>
/// The harness's kill list: every node process it starts is registered here until it has exited,
/// and is killed with SIGKILL when the test host exits (normally or after an unhandled exception),
/// whatever state the spec that started it was left in. Node data directories carry the id of the
/// test host that made them, so <see cref="SweepOrphans"/> can also kill nodes a crashed earlier
/// test host left behind.
/// </summary>
public static class ProcessReaper
{
    private static readonly ConcurrentDictionary<int, string> Live = new();
    private static int _hooked;

    /// <summary>Prefix of every data directory root; followed by the test host's pid and a dash.</summary>
    public const string DataRootPrefix = "qc-multinode-";

    public static void Register(int pid, string description)
    {
        if (Interlocked.Exchange(ref _hooked, 1) == 0)
        {
            AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();
            AppDomain.CurrentDomain.UnhandledException += (_, _) => KillAll();
        }
        Live[pid] = description;
    }

    public static bool IsRegistered(int pid) => Live.ContainsKey(pid);

    /// <summary>True if <paramref name="pid"/> still runs a command line containing <paramref name="marker"/> (its data directory).</summary>
    public static bool IsOurs(int pid, string marker)
    {
        try { return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Contains(marker, StringComparison.Ordinal); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return false; }
    }

    public static void Unregister(int pid) => Live.TryRemove(pid, out _);

    /// <summary>Pids registered and not yet known to have exited.</summary>
    public static IReadOnlyCollection<int> LivePids => Live.Keys.ToArray();

    /// <summary>SIGKILLs (and SIGCONTs, in case they are stopped) every registered process.</summary>
    public static void KillAll()
    {
        foreach (var (pid, marker) in Live)
        {
            // pid_max may be small (32768): never signal a pid that was reused by someone else.
            if (!IsOurs(pid, marker)) continue;
            Posix.Signal(pid, Posix.SIGKILL);
            Posix.Signal(pid, Posix.SIGCONT);
        }
    }

    /// <summary>
    /// Kills node processes whose data directory belongs to a test host that no longer runs
    /// (left behind by a crashed or killed earlier run). Returns how many it killed.
    /// </summary>
    public static int SweepOrphans()
    {
        int killed = 0;
        string[] procs;
        try { procs = Directory.GetDirectories("/proc"); } catch (IOException) { return 0; }
        foreach (var dir in procs)
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            string cmdline;
            try { cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' '); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { continue; }
            if (!cmdline.Contains("QuorumCache.Node", StringComparison.Ordinal)) continue;
            var at = cmdline.IndexOf(DataRootPrefix, StringComparison.Ordinal);
            if (at < 0) continue;
            var rest = cmdline.AsSpan(at + DataRootPrefix.Length);
            var dash = rest.IndexOf('-');
            if (dash <= 0 || !int.TryParse(rest[..dash], out var owner)) continue;
            if (owner == Environment.ProcessId || Posix.IsAlive(owner)) continue;
            if (Posix.Signal(pid, Posix.SIGKILL)) killed++;
        }
        return killed;
    }
}
