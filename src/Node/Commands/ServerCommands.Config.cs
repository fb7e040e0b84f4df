using QuorumCache.Node.Config;
using QuorumCache.Node.Notifications;
using QuorumCache.Node.Storage;
using static QuorumCache.Node.Commands.CommandFlags;

namespace QuorumCache.Node.Commands;

/// <summary>CONFIG GET/SET/RESETSTAT/REWRITE over the settings that exist on this node.</summary>
public static partial class ServerCommands
{
    private sealed record Setting(string Name, Func<NodeOptions, string> Get, Func<NodeOptions, string, string?>? Set);

    private static readonly Setting[] Settings =
    [
        new("port", o => o.Port.ToString(), null),
        new("bind", o => o.Bind, null),
        new("dir", o => Path.GetFullPath(o.DataDir), null),
        new("databases", _ => "1", null),
        new("cluster-enabled", _ => "yes", null),
        new("cluster-port", o => o.EffectiveBusPort.ToString(), null),
        new("requirepass", o => o.RequirePass ?? "", (o, v) => { o.RequirePass = v.Length == 0 ? null : v; return null; }),
        new("maxclients", o => o.MaxClients.ToString(), (o, v) => SetInt(v, 1, 1_000_000, x => o.MaxClients = x)),
        new("proto-max-bulk-len", o => o.ProtoMaxBulkLen.ToString(), (o, v) => SetLong(v, 1024 * 1024, long.MaxValue, x => o.ProtoMaxBulkLen = x)),
        new("timeout", o => o.IdleTimeoutSeconds.ToString(), (o, v) => SetInt(v, 0, int.MaxValue, x => o.IdleTimeoutSeconds = x)),
        new("hz", o => o.Hz.ToString(), (o, v) => SetInt(v, 1, 500, x => o.Hz = x)),
        new("slowlog-log-slower-than", o => o.SlowlogLogSlowerThan.ToString(), (o, v) => SetLong(v, long.MinValue, long.MaxValue, x => o.SlowlogLogSlowerThan = x)),
        new("slowlog-max-len", o => o.SlowlogMaxLen.ToString(), (o, v) => SetInt(v, 0, int.MaxValue, x => o.SlowlogMaxLen = x)),
        new("active-expire-effort", o => o.ActiveExpireEffort.ToString(), (o, v) => SetInt(v, 1, 10, x => o.ActiveExpireEffort = x)),
        new("notify-keyspace-events", o => KeyspaceEventsText.Format(o.NotifyKeyspaceEvents), (o, v) =>
            KeyspaceEventsText.TryParse(v, out var f) ? Apply(() => o.NotifyKeyspaceEvents = f) : "Invalid event class character. Use 'Ag$lshzxeKEtmdn'."),
        // Encoding thresholds: each Redis 7.0 name and its old "ziplist" alias share one value.
        Count("zset-max-listpack-entries", o => o.ZSetMaxListpackEntries, (o, x) => o.ZSetMaxListpackEntries = x),
        Count("zset-max-ziplist-entries", o => o.ZSetMaxListpackEntries, (o, x) => o.ZSetMaxListpackEntries = x),
        Bytes("zset-max-listpack-value", o => o.ZSetMaxListpackValue, (o, x) => o.ZSetMaxListpackValue = x),
        Bytes("zset-max-ziplist-value", o => o.ZSetMaxListpackValue, (o, x) => o.ZSetMaxListpackValue = x),
        Count("hash-max-listpack-entries", o => o.HashMaxListpackEntries, (o, x) => o.HashMaxListpackEntries = x),
        Count("hash-max-ziplist-entries", o => o.HashMaxListpackEntries, (o, x) => o.HashMaxListpackEntries = x),
        Bytes("hash-max-listpack-value", o => o.HashMaxListpackValue, (o, x) => o.HashMaxListpackValue = x),
        Bytes("hash-max-ziplist-value", o => o.HashMaxListpackValue, (o, x) => o.HashMaxListpackValue = x),
        Count("set-max-intset-entries", o => o.SetMaxIntsetEntries, (o, x) => o.SetMaxIntsetEntries = x),
        Count("set-max-listpack-entries", o => o.SetMaxListpackEntries, (o, x) => o.SetMaxListpackEntries = x), // Redis 7.2
        Bytes("set-max-listpack-value", o => o.SetMaxListpackValue, (o, x) => o.SetMaxListpackValue = x),       // Redis 7.2
        new("list-max-listpack-size", o => o.ListMaxListpackSize.ToString(), (o, v) => SetInt(v, int.MinValue, int.MaxValue, x => o.ListMaxListpackSize = x)),
        new("list-max-ziplist-size", o => o.ListMaxListpackSize.ToString(), (o, v) => SetInt(v, int.MinValue, int.MaxValue, x => o.ListMaxListpackSize = x)),
        new("list-compress-depth", o => o.ListCompressDepth.ToString(), (o, v) => SetInt(v, 0, int.MaxValue, x => o.ListCompressDepth = x)),
        Bytes("hll-sparse-max-bytes", o => o.HllSparseMaxBytes, (o, x) => o.HllSparseMaxBytes = x),
        new("maxmemory", _ => "0", null),
        new("maxmemory-policy", _ => "noeviction", null),
        new("appendonly", _ => "no", null),
        new("save", _ => "", null),
        new("client-output-buffer-limit", o => $"normal 0 0 0 slave 0 0 0 pubsub {o.PubSubOutputHardLimit} {o.PubSubOutputSoftLimit} {o.PubSubOutputSoftSeconds}", null),
    ];

    private static string? SetInt(string v, int min, int max, Action<int> apply) =>
        ConfigValues.Integer(v, min, max, out var x) ?? Apply(() => apply((int)x));

    private static string? SetLong(string v, long min, long max, Action<long> apply) =>
        ConfigValues.Integer(v, min, max, out var x) ?? Apply(() => apply(x));

    /// <summary>A count setting of 0..LLONG_MAX (Redis's size_t integer configs).</summary>
    private static Setting Count(string name, Func<NodeOptions, long> get, Action<NodeOptions, long> set) =>
        new(name, o => get(o).ToString(), (o, v) => SetLong(v, 0, long.MaxValue, x => set(o, x)));

    /// <summary>A byte-size setting of 0..LLONG_MAX written as a memory value ("64", "1kb").</summary>
    private static Setting Bytes(string name, Func<NodeOptions, long> get, Action<NodeOptions, long> set) =>
        new(name, o => get(o).ToString(), (o, v) => ConfigValues.Memory(v, long.MaxValue, out var x) ?? Apply(() => set(o, x)));

    private static string? Apply(Action a)
    {
        a();
        return null;
    }

    private static void RegisterConfig(CommandTable t) => t.Add(new CommandDef
    {
        Name = "config", Arity = -2, Flags = Admin | NoScript | Loading | Stale, Handler = Config,
        Group = "server", Categories = ["admin", "slow", "dangerous"], Subcommands = ["get", "set", "resetstat", "rewrite", "help"],
    });

    private static void Config(CommandContext ctx)
    {
        var a = ctx.Args;
        var o = ctx.Server.Options;
        if (a.Is(1, "get"u8) && a.Count >= 3)
        {
            var found = new List<Setting>();
            for (var i = 2; i < a.Count; i++)
            {
                var pattern = a.ToArray(i);
                foreach (var s in Settings)
                    if (!found.Contains(s) && GlobMatcher.IsMatch(pattern, System.Text.Encoding.ASCII.GetBytes(s.Name), noCase: true)) found.Add(s);
            }
            ctx.Reply.WriteMapHeader(found.Count);
            foreach (var s in found)
            {
                ctx.Reply.WriteBulkString(s.Name);
                ctx.Reply.WriteBulkString(s.Get(o));
            }
            return;
        }
        if (a.Is(1, "set"u8) && a.Count >= 4 && a.Count % 2 == 0)
        {
            var changes = new List<(Setting S, string V)>();
            for (var i = 2; i < a.Count; i += 2)
            {
                var name = a.GetString(i).ToLowerInvariant();
                var s = Array.Find(Settings, x => x.Name == name);
                if (s is null)
                {
                    ctx.Reply.WriteError($"ERR Unknown option or number of arguments for CONFIG SET - '{a.GetString(i)}'");
                    return;
                }
                if (s.Set is null)
                {
                    ctx.Reply.WriteError($"ERR CONFIG SET failed (possibly related to argument '{name}') - can't set immutable config");
                    return;
                }
                changes.Add((s, a.GetString(i + 1)));
            }
            // All or nothing, as in Redis 7.0: on a bad value, the settings applied before it go back.
            var before = new string[changes.Count];
            for (var i = 0; i < changes.Count; i++) before[i] = changes[i].S.Get(o);
            for (var i = 0; i < changes.Count; i++)
            {
                var (s, v) = changes[i];
                var err = s.Set!(o, v);
                if (err is not null)
                {
                    for (var j = i - 1; j >= 0; j--) changes[j].S.Set!(o, before[j]);
                    ctx.Reply.WriteError($"ERR CONFIG SET failed (possibly related to argument '{s.Name}') - {err}");
                    return;
                }
            }
            ctx.Server.Limits = new Resp.RespLimits { MaxBulkLength = o.ProtoMaxBulkLen };
            ctx.Server.SetNotifyFlags(o.NotifyKeyspaceEvents);
            ctx.Server.Encoding = o.EncodingLimits();
            ctx.Reply.WriteOk();
            return;
        }
        if (a.Is(1, "resetstat"u8) && a.Count == 2)
        {
            foreach (var def in ctx.Server.Commands.All)
            {
                def.Stats.Reset();
                foreach (var sub in def.SubcommandStats) sub.Reset();
            }
            ctx.Server.ErrorStats.Reset();
            var st = ctx.Server.Stats;
            Interlocked.Exchange(ref st.ExpiredKeys, 0);
            Interlocked.Exchange(ref st.ProtocolErrors, 0);
            Interlocked.Exchange(ref st.RejectedConnections, 0);
            ctx.Reply.WriteOk();
            return;
        }
        if (a.Is(1, "rewrite"u8) && a.Count == 2)
        {
            ctx.Reply.WriteError("ERR The server is running without a config file");
            return;
        }
        if (a.Is(1, "get"u8) || a.Is(1, "set"u8))
        {
            ctx.Reply.WriteError(Errors.WrongArity("config|" + a.GetString(1).ToLowerInvariant()));
            return;
        }
        ctx.Reply.WriteError(Errors.UnknownSubcommand(a.GetString(1), "CONFIG"));
    }
}
