using System.Runtime.InteropServices;

namespace QuorumCache.MultiNode.Harness;

/// <summary>The few POSIX signals the harness sends to node processes (Linux numbering).</summary>
internal static partial class Posix
{
    public const int SIGKILL = 9;
    public const int SIGTERM = 15;
    public const int SIGCONT = 18;
    public const int SIGSTOP = 19;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SysKill(int pid, int signal);

    /// <summary>Sends a signal; false if the process does not exist (any more).</summary>
    public static bool Signal(int pid, int signal) => pid > 0 && SysKill(pid, signal) == 0;

    /// <summary>True while a process with this id exists and is not a zombie.</summary>
    public static bool IsAlive(int pid)
    {
        if (pid <= 0 || SysKill(pid, 0) != 0) return false;
        try
        {
            // "pid (comm) S ..." : state Z means exited but not reaped yet.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var close = stat.LastIndexOf(')');
            return close < 0 || close + 2 >= stat.Length || stat[close + 2] != 'Z';
        }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return true; }
    }
}
