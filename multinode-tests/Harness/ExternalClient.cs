using System.Diagnostics;

namespace QuorumCache.MultiNode.Harness;

/// <summary>What an external client program printed.</summary>
public sealed record ClientRun(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\nstdout: {Trim(Stdout)}\nstderr: {Trim(Stderr)}";
    private static string Trim(string s) => s.Length <= 2000 ? s : s[..2000] + "...";
}

/// <summary>Runs a real client (redis-cli, python, node) to completion, bounded, killing it on timeout.</summary>
public static class ExternalClient
{
    public static async Task<ClientRun> RunAsync(string fileName, IEnumerable<string> args, TimeSpan timeout,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepoPaths.Root,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        if (environment is not null) foreach (var (k, v) in environment) psi.Environment[k] = v;
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {fileName}");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await p.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            try { p.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            throw new TimeoutException($"{fileName} {string.Join(' ', psi.ArgumentList)} ran longer than {timeout.TotalSeconds:0}s; "
                + $"output so far: {(stdout.IsCompleted ? stdout.Result : "")}");
        }
        return new ClientRun(p.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
    }
}
