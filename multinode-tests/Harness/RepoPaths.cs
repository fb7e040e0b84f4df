namespace QuorumCache.MultiNode.Harness;

/// <summary>Locations in the repository, found by walking up from the test assembly to Cluster.sln.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> RootLazy = new(FindRoot);

    public static string Root => RootLazy.Value;
    public static string NodeProject => Path.Combine(Root, "src", "Node");
    public static string NodeOutput => Path.Combine(NodeProject, "bin", "Release", "net10.0");
    public static string ClientScripts => Path.Combine(Root, "multinode-tests", "Clients");
    public static string ClientModules => Path.Combine(Root, "multinode-tests", ".clients", "node_modules");

    private static string FindRoot()
    {
        var env = Environment.GetEnvironmentVariable("QC_REPO_ROOT");
        if (!string.IsNullOrEmpty(env)) return env;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Cluster.sln"))) return dir.FullName;
        throw new InvalidOperationException($"cannot find Cluster.sln above {AppContext.BaseDirectory}; set QC_REPO_ROOT");
    }
}
