namespace QuorumCache.Node.Config;

/// <summary>
/// A configuration problem that must stop the node from starting: a syntax error in a
/// HOCON file, a missing include, an unset required substitution, an unknown setting,
/// a value of the wrong type or a bad command-line option. The message always says
/// where the problem is: <c>file:line: ...</c> for files (the column is appended in
/// parentheses for syntax errors), <c>environment variable X: ...</c> or
/// <c>command line option --x: ...</c> otherwise.
/// </summary>
public sealed class ConfigException : Exception
{
    public ConfigException(string message, string? file = null, int line = 0, int column = 0, string? key = null, Exception? inner = null)
        : base(message, inner)
    {
        File = file;
        Line = line;
        Column = column;
        Key = key;
    }

    /// <summary>The file the problem is in, as it was named to the parser; null when not from a file.</summary>
    public string? File { get; }

    /// <summary>1-based line, 0 when unknown.</summary>
    public int Line { get; }

    /// <summary>1-based column, 0 when unknown.</summary>
    public int Column { get; }

    /// <summary>The setting's dotted path when known (e.g. <c>quorumcache.node.port</c>).</summary>
    public string? Key { get; }

    /// <summary>A syntax error at a position of a file: <c>file:line: message (column c)</c>.</summary>
    internal static ConfigException Syntax(ConfigLocation at, string message, string? key = null)
    {
        string text = at.Column > 0
            ? $"{at.File}:{at.Line}: {message} (column {at.Column})"
            : $"{at.File}:{at.Line}: {message}";
        return new ConfigException(text, at.File, at.Line, at.Column, key);
    }

    /// <summary>A problem with a setting whose value came from <paramref name="origin"/>: <c>origin: message</c>.</summary>
    internal static ConfigException AtOrigin(ConfigOrigin origin, string message, string? key = null)
        => new($"{origin}: {message}", origin.File, origin.Line, origin.Column, key);
}
