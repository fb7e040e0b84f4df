using System.Diagnostics;
using QuorumCache.Resp;

namespace QuorumCache.MultiNode.Harness;

/// <summary>Lifecycle state of a node process as the harness drove it.</summary>
public enum NodeState { NotStarted, Running, Paused, Stopped, Killed }

/// <summary>
/// One real node process: its ports, data directory and log, plus the faults the harness can
/// inflict on it (kill -9, SIGSTOP/SIGCONT, SIGTERM, restart with the same data directory).
/// Stdout and stderr go to <see cref="LogPath"/> and a ring of recent lines for failure reports.
/// </summary>
public sealed class NodeProcess : IAsyncDisposable
{
    private const int TailCapacity = 2000;
    private readonly object _logGate = new();
    private readonly Queue<string> _tail = new();
    private readonly string[] _nodeArgs;
    private readonly (string FileName, string[] Prefix) _launch;
    private StreamWriter? _log;
    private Process? _process;
    private volatile int _pid;
    private volatile bool _expectingExit;

    /// <summary>Exit codes of this node's runs so far, in order.</summary>
    public System.Collections.Concurrent.ConcurrentBag<int> ExitCodes { get; } = new();
    private RespClient? _admin;
    private readonly SemaphoreSlim _adminGate = new(1, 1);

    internal NodeProcess(string name, int port, string dataDir, string? join,
        (string FileName, string[] Prefix) launch, IReadOnlyList<string> extraArgs)
    {
        Name = name;
        Port = port;
        BusPort = port + 10000;
        DataPort = port + 20000;
        DataDir = dataDir;
        Join = join;
        LogPath = dataDir + ".log";
        _launch = launch;
        var args = new List<string> { "--port", port.ToString(), "--data-dir", dataDir, "--bus-port", BusPort.ToString(), "--data-port", DataPort.ToString() };
        if (join is not null) { args.Add("--join"); args.Add(join); }
        args.AddRange(extraArgs);
        _nodeArgs = args.ToArray();
    }

    /// <summary>The role name the spec gave this node (e.g. "A", "joiner").</summary>
    public string Name { get; }
    public int Port { get; }
    public int BusPort { get; }
    public int DataPort { get; }
    public string DataDir { get; }
    public string? Join { get; }
    public string LogPath { get; }
    public string Endpoint => $"127.0.0.1:{Port}";
    public NodeState State { get; private set; } = NodeState.NotStarted;
    /// <summary>The 40-hex node id, known once the node has answered CLUSTER MYID.</summary>
    public string? NodeId { get; private set; }
    public int Pid => _process is { } p ? SafePid(p) : 0;
    public int Starts { get; private set; }

    /// <summary>The command line the node runs with (after the program).</summary>
    public IReadOnlyList<string> Arguments => _nodeArgs;

    /// <summary>Starts the process and waits until it answers PING and CLUSTER MYID.</summary>
    public async Task StartAsync(TimeSpan timeout, CancellationToken ct = default)
    {
        if (State is NodeState.Running or NodeState.Paused) throw new InvalidOperationException($"{Name} is already running");
        Directory.CreateDirectory(DataDir);
        _expectingExit = false;
        lock (_logGate)
        {
            _log ??= new StreamWriter(new FileStream(LogPath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
            WriteLogLine($"===== harness: start #{Starts + 1}: {string.Join(' ', _nodeArgs)}");
        }
        var psi = new ProcessStartInfo(_launch.FileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(DataDir)!,
        };
        foreach (var a in _launch.Prefix) psi.ArgumentList.Add(a);
        foreach (var a in _nodeArgs) psi.ArgumentList.Add(a);
        psi.Environment["DOTNET_gcServer"] = "0";
        psi.Environment["DOTNET_TieredCompilation"] = "1";
        var p = new Process { StartInfo = psi, EnableRaisingEvents = true };
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) WriteLogLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) WriteLogLine("[stderr] " + e.Data); };
        p.Exited += (_, _) =>
        {
            int code;
            try { code = p.ExitCode; } catch (InvalidOperationException) { return; }
            ExitCodes.Add(code);
            WriteLogLine($"===== harness: process exited with code {code}{(code == 137 ? " (SIGKILL)" : "")}"
                + (_expectingExit ? "" : " UNEXPECTEDLY (the harness did not stop it)"));
        };
        if (!p.Start()) throw new InvalidOperationException($"cannot start {Name}");
        ProcessReaper.Register(p.Id, DataDir);
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        _process = p;
        _pid = p.Id;
        Starts++;
        State = NodeState.Running;

        var deadline = DateTime.UtcNow + timeout;
        Exception? last = null;
        while (DateTime.UtcNow < deadline)
        {
            ct.ThrowIfCancellationRequested();
            if (p.HasExited)
            {
                State = NodeState.Stopped;
                ProcessReaper.Unregister(p.Id);
                throw new InvalidOperationException($"{Name} exited with code {p.ExitCode} while starting:\n{LogTail(30)}");
            }
            try
            {
                var id = await CommandAsync(TimeSpan.FromSeconds(2), "CLUSTER", "MYID").ConfigureAwait(false);
                if (!id.IsError && id.Text is { Length: 40 } text)
                {
                    NodeId = text;
                    return;
                }
                last = new InvalidOperationException($"CLUSTER MYID answered {id}");
            }
            catch (Exception e) when (e is IOException or TimeoutException or System.Net.Sockets.SocketException)
            {
                last = e;
            }
            await Task.Delay(100, ct).ConfigureAwait(false);
        }
        throw new TimeoutException($"{Name} did not answer CLUSTER MYID within {timeout.TotalSeconds:0}s ({last?.Message}):\n{LogTail(30)}");
    }

    /// <summary>Crash: SIGKILL, then wait (bounded) until the process is gone.</summary>
    public async Task KillAsync()
    {
        var p = _process ?? throw new InvalidOperationException($"{Name} was never started");
        _expectingExit = true;
        WriteLogLine("===== harness: kill -9");
        Posix.Signal(SafePid(p), Posix.SIGKILL);
        Posix.Signal(SafePid(p), Posix.SIGCONT);
        await WaitExitAsync(p, TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        State = NodeState.Killed;
        await DropAdminAsync().ConfigureAwait(false);
    }

    /// <summary>Freezes the process (SIGSTOP): it holds its sockets but answers nothing.</summary>
    public void Pause()
    {
        if (State != NodeState.Running) throw new InvalidOperationException($"{Name} is {State}, cannot pause");
        WriteLogLine("===== harness: SIGSTOP");
        Posix.Signal(Pid, Posix.SIGSTOP);
        State = NodeState.Paused;
    }

    public void Resume()
    {
        if (State != NodeState.Paused) throw new InvalidOperationException($"{Name} is {State}, cannot resume");
        Posix.Signal(Pid, Posix.SIGCONT);
        WriteLogLine("===== harness: SIGCONT");
        State = NodeState.Running;
    }

    /// <summary>Graceful stop (SIGTERM): the node drains its slots, then exits. Kills it if it overruns.</summary>
    public async Task<int> StopGracefullyAsync(TimeSpan timeout)
    {
        var p = _process ?? throw new InvalidOperationException($"{Name} was never started");
        if (State == NodeState.Paused) Resume();
        _expectingExit = true;
        WriteLogLine("===== harness: SIGTERM");
        Posix.Signal(SafePid(p), Posix.SIGTERM);
        try
        {
            await WaitExitAsync(p, timeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            await KillAsync().ConfigureAwait(false);
            throw new TimeoutException($"{Name} did not exit within {timeout.TotalSeconds:0}s of SIGTERM (killed it)");
        }
        State = NodeState.Stopped;
        await DropAdminAsync().ConfigureAwait(false);
        return p.ExitCode;
    }

    /// <summary>Starts the node again with the same arguments and data directory.</summary>
    public Task RestartAsync(TimeSpan timeout, CancellationToken ct = default)
    {
        if (State is NodeState.Running or NodeState.Paused) throw new InvalidOperationException($"{Name} is still running");
        return StartAsync(timeout, ct);
    }

    /// <summary>Runs one command on this node over the harness's own connection, bounded by a timeout.</summary>
    public async Task<RespValue> CommandAsync(TimeSpan timeout, params string[] args)
    {
        if (!await _adminGate.WaitAsync(timeout).ConfigureAwait(false))
            throw new TimeoutException($"{Name}: admin connection busy");
        try
        {
            using var cts = new CancellationTokenSource(timeout);
            try
            {
                if (_admin is null || _admin.IsClosed)
                {
                    if (_admin is not null) await _admin.DisposeAsync().ConfigureAwait(false);
                    _admin = null;
                    _admin = await RespClient.ConnectAsync("127.0.0.1", Port, cts.Token).ConfigureAwait(false);
                }
                return await _admin.ExecuteAsync(args).WaitAsync(cts.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                await DropAdminLockedAsync().ConfigureAwait(false);
                throw new TimeoutException($"{Name}: no reply to {string.Join(' ', args)} within {timeout.TotalSeconds:0.#}s");
            }
            catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or ObjectDisposedException)
            {
                await DropAdminLockedAsync().ConfigureAwait(false);
                throw new IOException($"{Name}: {string.Join(' ', args)} failed: {e.Message}", e);
            }
        }
        finally
        {
            _adminGate.Release();
        }
    }

    public Task<RespValue> CommandAsync(params string[] args) => CommandAsync(TimeSpan.FromSeconds(5), args);

    /// <summary>
    /// The last <paramref name="lines"/> lines of this node's output (all its runs); runs of lines
    /// that differ only in numbers and ids (one per slot in a hand-off) are folded into one.
    /// </summary>
    public string LogTail(int lines = 40)
    {
        string[] all;
        lock (_logGate) all = _tail.ToArray();
        var folded = new List<string>();
        string? lastShape = null;
        int repeats = 0;
        foreach (var line in all)
        {
            var shape = Shape(line);
            if (shape == lastShape) { repeats++; continue; }
            if (repeats > 0) folded.Add($"    ... {repeats} more like the line above");
            folded.Add(line);
            lastShape = shape;
            repeats = 0;
        }
        if (repeats > 0) folded.Add($"    ... {repeats} more like the line above");
        var from = Math.Max(0, folded.Count - lines);
        return string.Join('\n', folded.GetRange(from, folded.Count - from));
    }

    private static string Shape(string line)
    {
        var at = line.IndexOf(" info: ", StringComparison.Ordinal);
        var body = at >= 0 ? line.AsSpan(at) : line.AsSpan();
        var sb = new System.Text.StringBuilder(body.Length);
        foreach (var ch in body) if (!char.IsAsciiHexDigit(ch)) sb.Append(ch);
        return sb.ToString();
    }

    public bool HasExited => _process is null || _process.HasExited;

    private void WriteLogLine(string line)
    {
        lock (_logGate)
        {
            try { _log?.WriteLine(line); } catch (ObjectDisposedException) { }
            _tail.Enqueue(line);
            while (_tail.Count > TailCapacity) _tail.Dequeue();
        }
    }

    private static async Task WaitExitAsync(Process p, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await p.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"process {SafePid(p)} did not exit within {timeout.TotalSeconds:0}s");
        }
        ProcessReaper.Unregister(SafePid(p));
    }

    private static int SafePid(Process p)
    {
        try { return p.Id; } catch (InvalidOperationException) { return 0; }
    }

    private async Task DropAdminAsync()
    {
        await _adminGate.WaitAsync().ConfigureAwait(false);
        try { await DropAdminLockedAsync().ConfigureAwait(false); } finally { _adminGate.Release(); }
    }

    private async Task DropAdminLockedAsync()
    {
        var a = _admin;
        _admin = null;
        if (a is not null)
        {
            try { await a.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false); }
            catch (Exception) { /* closing a broken connection */ }
        }
    }

    /// <summary>Kills the process if it still runs and closes the log. Safe to call twice.</summary>
    public async ValueTask DisposeAsync()
    {
        var p = _process;
        if (p is not null && !p.HasExited)
        {
            _expectingExit = true;
            Posix.Signal(SafePid(p), Posix.SIGKILL);
            Posix.Signal(SafePid(p), Posix.SIGCONT);
            try { await WaitExitAsync(p, TimeSpan.FromSeconds(10)).ConfigureAwait(false); }
            catch (TimeoutException) { /* reported by the cluster's teardown check */ }
            if (State is NodeState.Running or NodeState.Paused) State = NodeState.Killed;
        }
        else if (p is not null)
        {
            ProcessReaper.Unregister(SafePid(p));
        }
        await DropAdminAsync().ConfigureAwait(false);
        lock (_logGate)
        {
            _log?.Dispose();
            _log = null;
        }
    }

    ~NodeProcess()
    {
        // Finalizer-safe: only a syscall on a pid we started and have not seen exit.
        int pid = _pid;
        if (pid > 0 && ProcessReaper.IsRegistered(pid) && ProcessReaper.IsOurs(pid, DataDir)) Posix.Signal(pid, Posix.SIGKILL);
    }

    public override string ToString() => $"{Name}({Endpoint}, {State}{(NodeId is null ? "" : ", " + NodeId[..8])})";
}
