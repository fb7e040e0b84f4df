using System.Diagnostics;

namespace QuorumCache.MultiNode.Harness;

/// <summary>
/// Builds the node (Release) once per test run, before the first cluster starts, and says how to
/// launch it. <c>QC_NODE_BINARY</c> (a path to QuorumCache.Node or QuorumCache.Node.dll) skips the build.
/// </summary>
public static class NodeBuild
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static (string FileName, string[] Prefix)? _launch;

    /// <summary>Program to run and the arguments that come before the node's own.</summary>
    public static async Task<(string FileName, string[] Prefix)> EnsureBuiltAsync(CancellationToken ct = default)
    {
        if (_launch is { } done) return done;
        await Gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_launch is { } again) return again;
            var given = Environment.GetEnvironmentVariable("QC_NODE_BINARY");
            if (string.IsNullOrEmpty(given))
            {
                await BuildAsync(ct).ConfigureAwait(false);
                given = Path.Combine(RepoPaths.NodeOutput, "QuorumCache.Node");
                if (!File.Exists(given)) given += ".dll";
            }
            if (!File.Exists(given)) throw new FileNotFoundException($"node binary not found: {given}");
            _launch = given.EndsWith(".dll", StringComparison.Ordinal)
                ? ("dotnet", new[] { given })
                : (given, Array.Empty<string>());
            return _launch.Value;
        }
        finally
        {
            Gate.Release();
        }
    }

    private static async Task BuildAsync(CancellationToken ct)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepoPaths.Root,
        };
        foreach (var a in new[] { "build", RepoPaths.NodeProject, "-c", "Release", "-nologo", "-v", "q",
                     "--disable-build-servers", "-p:UseSharedCompilation=false" })
            psi.ArgumentList.Add(a);
        // The test host may run under `dotnet test`, whose MSBuild variables would confuse a nested build.
        foreach (var key in psi.Environment.Keys.ToArray())
            if (key.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || key == "MSBUILD_EXE_PATH")
                psi.Environment.Remove(key);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("cannot start dotnet build");
        var stdout = p.StandardOutput.ReadToEndAsync(ct);
        var stderr = p.StandardError.ReadToEndAsync(ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromMinutes(5));
        try
        {
            await p.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            try { p.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            throw new TimeoutException("dotnet build src/Node -c Release took more than 5 minutes");
        }
        if (p.ExitCode != 0)
            throw new InvalidOperationException(
                $"dotnet build src/Node -c Release failed ({p.ExitCode}):\n{await stdout}\n{await stderr}");
    }
}
