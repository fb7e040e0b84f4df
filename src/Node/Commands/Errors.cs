namespace QuorumCache.Node.Commands;

/// <summary>Error replies with Redis 7's exact wording.</summary>
public static class Errors
{
    public const string Syntax = "ERR syntax error";
    public const string NotInteger = "ERR value is not an integer or out of range";
    public const string NotFloat = "ERR value is not a valid float";
    public const string WrongType = "WRONGTYPE Operation against a key holding the wrong kind of value";
    public const string NoSuchKey = "ERR no such key";
    public const string Overflow = "ERR increment or decrement would overflow";
    public const string IncrNanOrInf = "ERR increment would produce NaN or Infinity";
    public const string CrossSlot = "CROSSSLOT Keys in request don't hash to the same slot";
    public const string OutOfRange = "ERR index out of range";
    public const string StringTooLong = "ERR string exceeds maximum allowed size (proto-max-bulk-len)";
    public const string InvalidExpire = "ERR invalid expire time in '{0}' command";
    public const string SelectCluster = "ERR SELECT is not allowed in cluster mode";
    public const string NoAuthSet = "ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?";
    public const string WrongPass = "WRONGPASS invalid username-password pair or user is disabled.";
    public const string NoAuth = "NOAUTH Authentication required.";
    public const string MultiNested = "ERR MULTI calls can not be nested";
    public const string ExecWithoutMulti = "ERR EXEC without MULTI";
    public const string DiscardWithoutMulti = "ERR DISCARD without MULTI";
    public const string NotAllowedInMulti = "ERR Command not allowed inside a transaction";
    public const string WatchInMulti = "ERR WATCH inside MULTI is not allowed";
    public const string ExecAbort = "EXECABORT Transaction discarded because of previous errors.";
    public const string TryAgain = "TRYAGAIN Multiple keys request during rehashing of slot";
    public const string ClusterDownUnserved = "CLUSTERDOWN Hash slot not served";
    public const string ClusterDown = "CLUSTERDOWN The cluster is down";

    public static string InternalError(string command) => $"ERR internal error while running '{command}'; the node logged it";

    public static string WrongArity(string command) => $"ERR wrong number of arguments for '{command}' command";

    public static string UnknownSubcommand(string sub, string command) =>
        $"ERR unknown subcommand '{Truncate(sub)}'. Try {command.ToUpperInvariant()} HELP.";

    public static string UnknownCommand(string name, IEnumerable<string> args)
    {
        var sb = new System.Text.StringBuilder();
        sb.Append("ERR unknown command '").Append(Truncate(name)).Append("', with args beginning with: ");
        foreach (var a in args)
        {
            if (sb.Length > 4096) break;
            sb.Append('\'').Append(Truncate(a)).Append("' ");
        }
        return sb.ToString();
    }

    private static string Truncate(string s) => s.Length > 128 ? s[..128] : s;
}
