using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace QuorumCache.Node.Config;

/// <summary>One setting given on the command line: configuration key, value, and the option that set it.</summary>
public sealed record CommandLineSetting(string Key, string Value, string Option);

/// <summary>The parsed command line of the node.</summary>
public sealed class NodeArguments
{
    /// <summary>The user's config file (<c>--config</c>), or null.</summary>
    public string? ConfigFile { get; init; }

    /// <summary><c>--help</c> or <c>-h</c> was given.</summary>
    public bool ShowHelp { get; init; }

    /// <summary>Settings in command-line order (a later one overrides an earlier one of the same key).</summary>
    public required IReadOnlyList<CommandLineSetting> Settings { get; init; }

    /// <summary>List keys set element by element (<c>--join</c>), so they replace lower lists as a whole.</summary>
    public required IReadOnlySet<string> ListKeys { get; init; }
}

/// <summary>
/// Maps the node's command-line options to configuration keys. This table is the whole map:
/// <code>
/// option                 | configuration key                  | notes
/// -----------------------+------------------------------------+------------------------------------------
/// --config FILE          | (none)                             | user config file, loaded over the defaults
/// --port N               | quorumcache.node.port              | client (RESP) port
/// --bind ADDR            | quorumcache.node.bind              | listen address
/// --bus-port N           | quorumcache.node.bus-port          | cluster bus port (Akka remoting)
/// --data-port N          | quorumcache.node.data-port         | data-link port (hand-off, pub/sub)
/// --data-dir DIR         | quorumcache.node.data-dir          |
/// --join HOST:PORT       | quorumcache.cluster.join.N         | repeatable; a list, replaces file/env lists
/// --set PATH=VALUE       | PATH                               | repeatable; "quorumcache." is prepended
///                        |                                    | when PATH does not start with it
/// --help, -h             | (none)                             | NodeArguments.ShowHelp
/// </code>
/// Every option also accepts <c>--option=value</c>. Anything else is a <see cref="ConfigException"/>
/// (<c>unknown option '--frob'</c>, <c>option '--port' needs a value</c>, <c>unexpected argument 'x'</c>);
/// values are checked for their type later, when the setting is read (see <see cref="TypedConfig"/>).
/// </summary>
public static class NodeCommandLine
{
    public const string RootSegment = "quorumcache";

    private static readonly Dictionary<string, string> s_keyOptions = new(StringComparer.Ordinal)
    {
        ["--port"] = "quorumcache:node:port",
        ["--bind"] = "quorumcache:node:bind",
        ["--bus-port"] = "quorumcache:node:bus-port",
        ["--data-port"] = "quorumcache:node:data-port",
        ["--data-dir"] = "quorumcache:node:data-dir",
    };

    public const string JoinKey = "quorumcache:cluster:join";

    public const string Usage =
        """
        Usage: quorumcache-node [options]
          --config FILE        configuration file (HOCON), over the built-in defaults
          --port N             client port                 (quorumcache.node.port)
          --bind ADDR          listen address              (quorumcache.node.bind)
          --bus-port N         cluster bus port (Akka)     (quorumcache.node.bus-port)
          --data-port N        data-link port              (quorumcache.node.data-port)
          --data-dir DIR       data directory              (quorumcache.node.data-dir)
          --join HOST:PORT     join a cluster via a member (quorumcache.cluster.join; repeatable)
          --set PATH=VALUE     any setting, e.g. --set cluster.replicas=3
          -h, --help           this text
        Environment: QUORUMCACHE_NODE__PORT=7000 sets quorumcache.node.port ('__' between segments, '_' for '-').
        Precedence: defaults < --config file < environment < command line.
        """;

    public static NodeArguments Parse(IReadOnlyList<string> args)
    {
        var settings = new List<CommandLineSetting>();
        var lists = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        string? configFile = null;
        bool help = false;
        int joins = 0;
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (arg is "-h" or "--help")
            {
                help = true;
                continue;
            }
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
            {
                throw new ConfigException($"unexpected argument '{arg}'");
            }
            string option = arg;
            string? inline = null;
            int eq = arg.IndexOf('=');
            if (eq > 0)
            {
                option = arg[..eq];
                inline = arg[(eq + 1)..];
            }
            bool known = option is "--config" or "--join" or "--set" || s_keyOptions.ContainsKey(option);
            if (!known)
            {
                throw new ConfigException($"unknown option '{option}'");
            }
            string value;
            if (inline is not null)
            {
                value = inline;
            }
            else if (i + 1 < args.Count)
            {
                value = args[++i];
            }
            else
            {
                throw new ConfigException($"option '{option}' needs a value");
            }
            switch (option)
            {
                case "--config":
                    configFile = value;
                    break;
                case "--join":
                    lists.Add(JoinKey);
                    settings.Add(new CommandLineSetting(JoinKey + ConfigKeys.Separator + joins.ToString(CultureInfo.InvariantCulture), value, option));
                    joins++;
                    break;
                case "--set":
                    settings.Add(ParseSet(value));
                    break;
                default:
                    settings.Add(new CommandLineSetting(s_keyOptions[option], value, option));
                    break;
            }
        }
        return new NodeArguments { ConfigFile = configFile, ShowHelp = help, Settings = settings, ListKeys = lists };
    }

    private static CommandLineSetting ParseSet(string text)
    {
        int eq = text.IndexOf('=');
        if (eq <= 0)
        {
            throw new ConfigException($"option '--set' expects PATH=VALUE, got '{text}'");
        }
        string path = text[..eq].Trim();
        string value = text[(eq + 1)..];
        foreach (string segment in path.Split('.'))
        {
            if (segment.Length == 0)
            {
                throw new ConfigException($"option '--set': empty segment in path '{path}'");
            }
        }
        if (!path.Equals(RootSegment, StringComparison.OrdinalIgnoreCase)
            && !path.StartsWith(RootSegment + ".", StringComparison.OrdinalIgnoreCase))
        {
            path = RootSegment + "." + path;
        }
        return new CommandLineSetting(ConfigKeys.ToConfigKey(path), value, $"--set {path}");
    }
}

/// <summary>The command-line settings as the highest-precedence configuration source.</summary>
public sealed class NodeArgumentsSource : IConfigurationSource
{
    public required NodeArguments Arguments { get; init; }

    public IConfigurationProvider Build(IConfigurationBuilder builder) => new NodeArgumentsProvider(Arguments);
}

public sealed class NodeArgumentsProvider : ConfigurationProvider, IConfigOriginProvider
{
    private readonly NodeArguments _args;
    private readonly Dictionary<string, ConfigOrigin> _origins = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<KeyValuePair<string, ConfigOrigin>> _ordered = new();

    public NodeArgumentsProvider(NodeArguments args) => _args = args;

    public override void Load()
    {
        var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        _origins.Clear();
        _ordered.Clear();
        foreach (var s in _args.Settings)
        {
            data[s.Key] = s.Value;
            var origin = ConfigOrigin.CommandLine(s.Option);
            _origins[s.Key] = origin;
            _ordered.Add(new KeyValuePair<string, ConfigOrigin>(s.Key, origin));
        }
        Data = data;
    }

    public bool TryGetOrigin(string key, out ConfigOrigin origin) => _origins.TryGetValue(key, out origin);

    public IReadOnlyList<KeyValuePair<string, ConfigOrigin>> Origins => _ordered;

    public bool DefinesList(string key) => _args.ListKeys.Contains(key);

    public override string ToString() => "command line";
}
