using System.Diagnostics;
using System.Text;

namespace QuorumCache.Node.Commands;

/// <summary>
/// The INFO text, with Redis's section names and field names where the field exists here.
/// Other parts of the node add sections (cluster, replication) through <see cref="Sections"/>.
/// </summary>
public static class InfoBuilder
{
    /// <summary>Extra sections by lower-case name, appended after the built-in ones.</summary>
    public static readonly Dictionary<string, Func<CommandContext, string>> Sections = new();

    private static readonly string[] Default = ["server", "clients", "memory", "persistence", "stats", "replication", "cpu", "modules", "errorstats", "cluster", "keyspace"];

    public static string Build(CommandContext ctx)
    {
        var a = ctx.Args;
        var wanted = new List<string>();
        for (var i = 1; i < a.Count; i++) wanted.Add(a.GetString(i).ToLowerInvariant());
        IEnumerable<string> names;
        if (wanted.Count == 0 || wanted.Contains("default")) names = Default;
        else if (wanted.Contains("all") || wanted.Contains("everything")) names = Default.Concat(["commandstats", "latencystats"]);
        else names = wanted;
        var sb = new StringBuilder();
        foreach (var name in names.Distinct())
        {
            var body = Section(ctx, name);
            if (body is null) continue;
            if (sb.Length > 0) sb.Append("\r\n");
            sb.Append("# ").Append(char.ToUpperInvariant(name[0])).Append(name.AsSpan(1)).Append("\r\n").Append(body);
        }
        return sb.ToString();
    }

    private static string? Section(CommandContext ctx, string name)
    {
        var s = ctx.Server;
        var sb = new StringBuilder();
        void F(string k, object v) => sb.Append(k).Append(':').Append(v).Append("\r\n");
        var uptime = (long)(s.Clock.GetUtcNow() - s.StartTime).TotalSeconds;
        var proc = Process.GetCurrentProcess();
        switch (name)
        {
            case "server":
                F("redis_version", ConnectionCommands.ServerVersion);
                F("redis_git_sha1", "00000000");
                F("redis_git_dirty", 0);
                F("redis_build_id", "quorumcache");
                F("redis_mode", "cluster");
                F("quorumcache_version", typeof(InfoBuilder).Assembly.GetName().Version?.ToString() ?? "0");
                F("os", System.Runtime.InteropServices.RuntimeInformation.OSDescription);
                F("arch_bits", IntPtr.Size * 8);
                F("multiplexing_api", "kestrel-sockets");
                F("runtime", System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription);
                F("process_id", Environment.ProcessId);
                F("run_id", s.RunId);
                F("tcp_port", s.Options.Port);
                F("server_time_usec", (s.Clock.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks / 10);
                F("uptime_in_seconds", uptime);
                F("uptime_in_days", uptime / 86400);
                F("hz", s.Options.Hz);
                F("configured_hz", s.Options.Hz);
                F("executable", Environment.ProcessPath ?? "");
                F("config_file", "");
                break;
            case "clients":
            {
                var all = s.Clients.All.ToList();
                F("connected_clients", all.Count);
                F("cluster_connections", 0);
                F("maxclients", s.Options.MaxClients);
                F("client_recent_max_input_buffer", 0);
                F("client_recent_max_output_buffer", 0);
                F("blocked_clients", all.Count(c => c.PendingBlock is not null));
                F("tracking_clients", 0);
                F("pubsub_clients", all.Count(c => c.SubscriptionCount > 0));
                F("watching_clients", all.Count(c => c.Watched.Count > 0));
                F("clients_in_timeout_table", all.Count(c => c.PendingBlock is not null));
                F("total_watched_keys", all.Sum(c => c.Watched.Count));
                F("total_blocking_keys", 0);
                break;
            }
            case "memory":
            {
                var used = GC.GetTotalMemory(false);
                F("used_memory", used);
                F("used_memory_human", Human(used));
                F("used_memory_rss", proc.WorkingSet64);
                F("used_memory_rss_human", Human(proc.WorkingSet64));
                F("used_memory_peak", proc.PeakWorkingSet64);
                F("used_memory_peak_human", Human(proc.PeakWorkingSet64));
                F("total_system_memory", GC.GetGCMemoryInfo().TotalAvailableMemoryBytes);
                F("maxmemory", 0);
                F("maxmemory_human", "0B");
                F("maxmemory_policy", "noeviction");
                F("mem_allocator", "dotnet-gc");
                F("gc_heap_size", GC.GetGCMemoryInfo().HeapSizeBytes);
                F("gc_collections_gen0", GC.CollectionCount(0));
                F("gc_collections_gen1", GC.CollectionCount(1));
                F("gc_collections_gen2", GC.CollectionCount(2));
                break;
            }
            case "persistence":
                F("loading", 0);
                F("async_loading", 0);
                F("rdb_changes_since_last_save", s.Keyspace.Dirty);
                F("rdb_bgsave_in_progress", 0);
                F("rdb_last_save_time", s.LastSave.ToUnixTimeSeconds());
                F("aof_enabled", 0);
                F("aof_rewrite_in_progress", 0);
                break;
            case "stats":
                F("total_connections_received", Interlocked.Read(ref s.Stats.TotalConnections));
                F("total_commands_processed", s.TotalCommands);
                F("total_net_input_bytes", s.NetInputBytes);
                F("total_net_output_bytes", s.NetOutputBytes);
                F("instantaneous_ops_per_sec", s.Metrics.OpsPerSecond);
                F("instantaneous_input_kbps", s.Metrics.InputKbps.ToString("F2", System.Globalization.CultureInfo.InvariantCulture));
                F("instantaneous_output_kbps", s.Metrics.OutputKbps.ToString("F2", System.Globalization.CultureInfo.InvariantCulture));
                F("rejected_connections", Interlocked.Read(ref s.Stats.RejectedConnections));
                F("expired_keys", Interlocked.Read(ref s.Stats.ExpiredKeys));
                F("expire_cycle_count", Interlocked.Read(ref s.Stats.ExpiredCycles));
                F("evicted_keys", 0);
                F("evicted_clients", Interlocked.Read(ref s.Stats.EvictedClients));
                F("pubsub_channels", s.PubSub.ChannelCount);
                F("pubsub_patterns", s.PubSub.PatternCount);
                F("pubsubshard_channels", s.PubSub.ShardChannelCount);
                F("total_error_replies", s.ErrorStats.Total);
                F("total_protocol_errors", Interlocked.Read(ref s.Stats.ProtocolErrors));
                F("command_faults", Interlocked.Read(ref s.Stats.CommandFaults));
                break;
            case "replication":
                F("role", "master");
                F("connected_slaves", 0);
                F("master_replid", s.RunId);
                F("master_repl_offset", 0);
                break;
            case "cpu":
                F("used_cpu_sys", proc.PrivilegedProcessorTime.TotalSeconds.ToString("F6", System.Globalization.CultureInfo.InvariantCulture));
                F("used_cpu_user", proc.UserProcessorTime.TotalSeconds.ToString("F6", System.Globalization.CultureInfo.InvariantCulture));
                F("available_processors", Environment.ProcessorCount);
                break;
            case "modules":
                break;
            case "errorstats":
                foreach (var (code, count) in s.ErrorStats.Snapshot()) F("errorstat_" + code, "count=" + count);
                break;
            case "commandstats":
                foreach (var def in s.Commands.All.OrderBy(d => d.Name, StringComparer.Ordinal))
                {
                    CommandStatLine(sb, def.Stats);
                    foreach (var sub in def.SubcommandStats) CommandStatLine(sb, sub);
                }
                break;
            case "keyspace":
            {
                var keys = s.Keyspace.Count;
                if (keys > 0) F("db0", $"keys={keys},expires={s.Keyspace.ExpiresCount},avg_ttl={s.Keyspace.AverageTtlMs}");
                break;
            }
            case "cluster":
                F("cluster_enabled", 1);
                break;
            default:
                if (Sections.TryGetValue(name, out var extra)) return extra(ctx);
                return null;
        }
        if (Sections.TryGetValue(name, out var more)) sb.Append(more(ctx));
        return sb.ToString();
    }

    private static void CommandStatLine(StringBuilder sb, CommandStats c)
    {
        long calls = c.Calls, rejected = c.Rejected, failed = c.Failed;
        if (calls == 0 && rejected == 0 && failed == 0) return;
        var usec = c.Microseconds;
        var perCall = calls == 0 ? 0 : (double)usec / calls;
        sb.Append("cmdstat_").Append(c.Name).Append(":calls=").Append(calls).Append(",usec=").Append(usec)
            .Append(",usec_per_call=").Append(perCall.ToString("F2", System.Globalization.CultureInfo.InvariantCulture))
            .Append(",rejected_calls=").Append(rejected).Append(",failed_calls=").Append(failed).Append("\r\n");
    }

    private static string Human(long bytes) => bytes switch
    {
        < 1024 => $"{bytes}B",
        < 1024 * 1024 => $"{bytes / 1024.0:F2}K",
        < 1024L * 1024 * 1024 => $"{bytes / 1024.0 / 1024:F2}M",
        _ => $"{bytes / 1024.0 / 1024 / 1024:F2}G",
    };
}
