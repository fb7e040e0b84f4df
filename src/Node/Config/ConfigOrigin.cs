namespace QuorumCache.Node.Config;

/// <summary>
/// Where a setting's value came from, kept so that errors can cite it: a file (Akka's HOCON parser
/// keeps no line numbers), an environment variable, or a command-line option.
/// </summary>
public readonly record struct ConfigOrigin(string Description, string? File)
{
    public static ConfigOrigin InFile(string path) => new(path, path);

    public static ConfigOrigin EnvironmentVariable(string name) => new($"environment variable {name}", null);

    public static ConfigOrigin CommandLine(string option) => new($"command line option {option}", null);

    /// <summary>A value from a configuration provider that does not track origins.</summary>
    public static ConfigOrigin Unknown(string providerName) => new($"configuration ({providerName})", null);

    public override string ToString() => Description;
}

/// <summary>
/// A configuration provider that can say where each of its keys came from. The HOCON,
/// environment and command-line providers of this folder implement it; the unknown-key
/// check and <see cref="TypedConfig"/> use it.
/// </summary>
public interface IConfigOriginProvider
{
    /// <summary>Origin of a key this provider supplies (keys use ':' separators, case-insensitive).</summary>
    bool TryGetOrigin(string key, out ConfigOrigin origin);

    /// <summary>Every key this provider supplies with its origin, in source order.</summary>
    IReadOnlyList<KeyValuePair<string, ConfigOrigin>> Origins { get; }

    /// <summary>
    /// True when this provider defines <paramref name="key"/> as a list (possibly empty), so a
    /// list from this provider replaces lists of lower providers as a whole.
    /// </summary>
    bool DefinesList(string key);
}
