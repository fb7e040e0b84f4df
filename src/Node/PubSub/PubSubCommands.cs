using QuorumCache.Node.Commands;
using QuorumCache.Node.Server;
using static QuorumCache.Node.Commands.CommandFlags;

namespace QuorumCache.Node.Messaging;

/// <summary>
/// SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE, SSUBSCRIBE, SUNSUBSCRIBE, PUBLISH, SPUBLISH
/// and PUBSUB. Handlers run on the calling client's connection thread, holding its output lock.
/// Shard commands name their channels as keys, so the dispatcher enforces CROSSSLOT and MOVED.
/// </summary>
public static partial class PubSubCommands
{
    [ThreadStatic] private static List<byte[]>? t_selfFrames;

    public static void Register(CommandTable t)
    {
        const CommandFlags sub = PubSub | NoScript | Loading | Stale | SubscriberOk;
        t.Add("monitor", 1, Admin | NoScript | Loading | Stale, 0, 0, 0, Monitor, "server", "admin", "slow", "dangerous");
        t.Add("subscribe", -2, sub, 0, 0, 0, ctx => Subscribe(ctx, SubscriptionKind.Channel), "pubsub", "pubsub", "slow");
        t.Add("psubscribe", -2, sub, 0, 0, 0, ctx => Subscribe(ctx, SubscriptionKind.Pattern), "pubsub", "pubsub", "slow");
        t.Add("ssubscribe", -2, sub, 1, -1, 1, ctx => Subscribe(ctx, SubscriptionKind.Shard), "pubsub", "pubsub", "slow");
        t.Add("unsubscribe", -1, sub, 0, 0, 0, ctx => Unsubscribe(ctx, SubscriptionKind.Channel), "pubsub", "pubsub", "slow");
        t.Add("punsubscribe", -1, sub, 0, 0, 0, ctx => Unsubscribe(ctx, SubscriptionKind.Pattern), "pubsub", "pubsub", "slow");
        t.Add("sunsubscribe", -1, sub, 1, -1, 1, ctx => Unsubscribe(ctx, SubscriptionKind.Shard), "pubsub", "pubsub", "slow");
        t.Add("publish", 3, PubSub | Loading | Stale | Fast, 0, 0, 0, ctx => Publish(ctx, shard: false), "pubsub", "pubsub", "fast");
        t.Add("spublish", 3, PubSub | Loading | Stale | Fast, 1, 1, 1, ctx => Publish(ctx, shard: true), "pubsub", "pubsub", "fast");
        t.Add(new CommandDef
        {
            Name = "pubsub", Arity = -2, Flags = None, Handler = PubSubInfo, Group = "pubsub", Categories = ["slow"],
            Subcommands = ["channels", "help", "numpat", "numsub", "shardchannels", "shardnumsub"],
            Summary = "A container for Pub/Sub commands", Since = "2.8.0",
        });
    }

    private static PubSubHub Hub(CommandContext ctx) => ctx.Server.PubSub;

    private static ReadOnlySpan<byte> KindWord(SubscriptionKind kind, bool subscribe) => kind switch
    {
        SubscriptionKind.Channel => subscribe ? "subscribe"u8 : "unsubscribe"u8,
        SubscriptionKind.Pattern => subscribe ? "psubscribe"u8 : "punsubscribe"u8,
        _ => subscribe ? "ssubscribe"u8 : "sunsubscribe"u8,
    };

    /// <summary>The count a confirmation carries: shard subscriptions count apart from the others, as in Redis 7.</summary>
    private static int CountFor(ClientSession s, SubscriptionKind kind) =>
        kind == SubscriptionKind.Shard ? s.ShardChannels.Count : s.Channels.Count + s.Patterns.Count;

    private static void Subscribe(CommandContext ctx, SubscriptionKind kind)
    {
        var hub = Hub(ctx);
        var s = ctx.Session;
        var a = ctx.Args;
        for (var i = 1; i < a.Count; i++)
        {
            hub.Subscribe(s, kind, a[i]);
            PubSubFrames.Confirmation(ctx.Reply, KindWord(kind, true), a[i], false, CountFor(s, kind));
        }
    }

    private static void Unsubscribe(CommandContext ctx, SubscriptionKind kind)
    {
        var hub = Hub(ctx);
        var s = ctx.Session;
        var a = ctx.Args;
        List<byte[]> names;
        if (a.Count > 1)
        {
            names = new List<byte[]>(a.Count - 1);
            for (var i = 1; i < a.Count; i++) names.Add(a.ToArray(i));
        }
        else names = PubSubHub.NamesOf(s, kind);

        if (names.Count == 0)
        {
            PubSubFrames.Confirmation(ctx.Reply, KindWord(kind, false), default, true, CountFor(s, kind));
            return;
        }
        hub.StopDelivery(s, kind, names);
        var set = PubSubHub.SetOf(s, kind);
        foreach (var name in names)
        {
            set.Remove(PubSubHub.Name(name));
            PubSubFrames.Confirmation(ctx.Reply, KindWord(kind, false), name, false, CountFor(s, kind));
        }
    }

    private static void Publish(CommandContext ctx, bool shard)
    {
        var hub = Hub(ctx);
        var self = t_selfFrames ??= [];
        self.Clear();
        var n = shard
            ? hub.ShardPublish(ctx.Args[1], ctx.Args[2], ctx.Session, self)
            : hub.Publish(ctx.Args[1], ctx.Args[2], ctx.Session, self);
        ctx.Reply.WriteInteger(n);
        if (self.Count > 0)
        {
            hub.DeliverToSelf(ctx.Session, self, ctx.InExec);
            self.Clear();
        }
    }

    /// <summary>MONITOR: this connection receives a line for every command the node runs, until RESET or close.</summary>
    private static void Monitor(CommandContext ctx)
    {
        ctx.Server.PubSub.AddMonitor(ctx.Session);
        ctx.Reply.WriteOk();
    }
}
