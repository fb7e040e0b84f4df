namespace QuorumCache.Node.Config;

/// <summary>
/// A configuration problem that must stop the node from starting: a file that cannot be read or
/// parsed, a key without a value, an unknown setting, a value of the wrong type or a bad
/// command-line option. The message always says where the problem is: <c>file: ...</c>,
/// <c>environment variable X: ...</c> or <c>command line option --x: ...</c>, and names the key
/// when there is one.
/// </summary>
public sealed class ConfigException : Exception
{
    public ConfigException(string message, string? file = null, string? key = null, Exception? inner = null)
        : base(message, inner)
    {
        File = file;
        Key = key;
    }

    /// <summary>The file the problem is in, as it was named to the parser; null when not from a file.</summary>
    public string? File { get; }

    /// <summary>The setting's dotted path when known (e.g. <c>quorumcache.node.port</c>).</summary>
    public string? Key { get; }

    /// <summary>A problem with a setting whose value came from <paramref name="origin"/>: <c>origin: message</c>.</summary>
    internal static ConfigException AtOrigin(ConfigOrigin origin, string message, string? key = null)
        => new($"{origin}: {message}", origin.File, key);
}
