using QuorumCache.Node.Commands;

namespace QuorumCache.Node.Messaging;

/// <summary>PUBSUB CHANNELS, NUMSUB, NUMPAT, SHARDCHANNELS, SHARDNUMSUB, HELP.</summary>
public static partial class PubSubCommands
{
    private static readonly string[] HelpLines =
    [
        "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "CHANNELS [<pattern>]",
        "    Return the currently active channels matching a <pattern> (default: '*').",
        "NUMPAT",
        "    Return number of subscriptions to patterns.",
        "NUMSUB [<channel> ...]",
        "    Return the number of subscribers for the specified channels, excluding",
        "    pattern subscriptions(default: no channels).",
        "SHARDCHANNELS [<pattern>]",
        "    Return the currently active shard level channels matching a <pattern> (default: '*').",
        "SHARDNUMSUB [<shardchannel> ...]",
        "    Return the number of subscribers for the specified shard level channel(s)",
        "HELP",
        "    Prints this help.",
    ];

    private static void PubSubInfo(CommandContext ctx)
    {
        var a = ctx.Args;
        var r = ctx.Reply;
        var sub = a.GetString(1).ToLowerInvariant();
        switch (sub)
        {
            case "help" or "numpat" when a.Count != 2:
                r.WriteError(Errors.WrongArity("pubsub|" + sub));
                return;
            case "help":
                r.WriteSimpleStrings(HelpLines);
                return;
            case "numpat":
                r.WriteInteger(Hub(ctx).PatternCount);
                return;
            case "channels" or "shardchannels" when a.Count is 2 or 3:
            {
                var names = Hub(ctx).ActiveChannels(sub == "shardchannels", a.Count == 3 ? a[2] : default, all: a.Count == 2);
                r.WriteArrayHeader(names.Count);
                foreach (var n in names) r.WriteBulk(n);
                return;
            }
            case "channels" or "shardchannels":
                r.WriteError($"ERR unknown subcommand or wrong number of arguments for '{a.GetString(1)}'. Try PUBSUB HELP.");
                return;
            case "numsub" or "shardnumsub":
            {
                var hub = Hub(ctx);
                var shard = sub == "shardnumsub";
                r.WriteArrayHeader((a.Count - 2) * 2);
                for (var i = 2; i < a.Count; i++)
                {
                    r.WriteBulk(a[i]);
                    r.WriteInteger(hub.SubscriberCount(shard, a[i]));
                }
                return;
            }
            default:
                r.WriteError(Errors.UnknownSubcommand(a.GetString(1), "PUBSUB"));
                return;
        }
    }
}
