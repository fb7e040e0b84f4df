using Microsoft.Extensions.Configuration;

namespace QuorumCache.Node.Config;

/// <summary>
/// Builds the node's configuration in precedence order (later wins):
/// defaults file (<c>hocon/node.conf</c>) &lt; user file (<c>--config</c>) &lt; environment
/// (<c>QUORUMCACHE_*</c>) &lt; command line; then rejects any key that the defaults file does not
/// define (<see cref="KnownKeys"/>). Every problem is a <see cref="ConfigException"/> with its origin.
/// Typical use in Program.cs:
/// <code>
/// var args = NodeCommandLine.Parse(argv);            // ConfigException on a bad option
/// var config = NodeConfigLoader.Load(Path.Combine(AppContext.BaseDirectory, "node.conf"), args);
/// int port = config.GetInt("quorumcache.node.port", 1, 65535);
/// </code>
/// </summary>
public static class NodeConfigLoader
{
    /// <param name="defaultsPath">The defaults file; every known setting is defined there.</param>
    /// <param name="args">The parsed command line.</param>
    /// <param name="environment">Environment variables to use instead of the process's (tests), for the
    /// <c>QUORUMCACHE_*</c> settings.</param>
    public static TypedConfig Load(string defaultsPath, NodeArguments args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var builder = new ConfigurationBuilder();
        builder.AddHoconFile(defaultsPath, optional: false);
        if (args.ConfigFile is not null)
        {
            builder.AddHoconFile(args.ConfigFile, optional: false);
        }
        builder.AddQuorumCacheEnvironment(environment);
        builder.Add(new NodeArgumentsSource { Arguments = args });
        var root = builder.Build();
        var defaults = ((HoconConfigurationProvider)root.Providers.First()).Document!;
        KnownKeys.FromDocument(defaults).RejectUnknown(root);
        return new TypedConfig(root);
    }
}
