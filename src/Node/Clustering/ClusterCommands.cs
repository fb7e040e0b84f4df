using QuorumCache.Node.Storage;
using System.Text;
using QuorumCache.Cluster.Map;
using QuorumCache.Cluster.Slots;
using QuorumCache.Node.Commands;
using static QuorumCache.Node.Commands.CommandFlags;

namespace QuorumCache.Node.Clustering;

/// <summary>
/// CLUSTER SLOTS, SHARDS, NODES, INFO, MYID, MYSHARDID, KEYSLOT, COUNTKEYSINSLOT, GETKEYSINSLOT, MEET,
/// FORGET, LINKS, HELP, in Redis 7's formats, answered from this node's committed map; plus the
/// internal QC-JOIN a joining node sends.
/// </summary>
public static partial class ClusterCommands
{
    public static void Register(CommandTable t) => t.Add(new CommandDef
    {
        Name = "cluster", Arity = -2, Flags = Loading | Stale, Handler = Cluster, Group = "cluster", Categories = ["slow"],
        Subcommands = ["countkeysinslot", "forget", "getkeysinslot", "help", "info", "keyslot", "links", "meet", "myid", "myshardid", "nodes", "shards", "slots"],
    });

    private static void Cluster(CommandContext ctx)
    {
        var a = ctx.Args;
        var sub = a.GetString(1).ToLowerInvariant();
        if (sub == "keyslot")
        {
            if (a.Count != 3) ctx.Reply.WriteError(Errors.WrongArity("cluster|keyslot"));
            else ctx.Reply.WriteInteger(HashSlot.Of(a[2]));
            return;
        }
        var svc = ctx.Server.Cluster;
        if (svc?.Node is null)
        {
            ctx.Reply.WriteError("ERR This instance has cluster support disabled");
            return;
        }
        var node = svc.Node;
        var map = node.Map;
        switch (sub)
        {
            case "myid" when a.Count == 2:
            case "myshardid" when a.Count == 2:
                ctx.Reply.WriteBulkString(node.MyId);
                return;
            case "slots" when a.Count == 2:
                Slots(ctx, map);
                return;
            case "shards" when a.Count == 2:
                Shards(ctx, map, svc);
                return;
            case "nodes" when a.Count == 2:
                ctx.Reply.WriteVerbatim("txt", Encoding.UTF8.GetBytes(NodesText(map, svc)));
                return;
            case "info" when a.Count == 2:
                ctx.Reply.WriteVerbatim("txt", Encoding.UTF8.GetBytes(InfoText(map, svc)));
                return;
            case "countkeysinslot" when a.Count == 3:
                if (!TrySlot(ctx, 2, out var slot)) return;
                ctx.Reply.WriteInteger(ctx.Keyspace[slot].Count);
                return;
            case "getkeysinslot" when a.Count == 4:
            {
                if (!TrySlot(ctx, 2, out var s)) return;
                if (!ArgParse.TryInt64(a[3], out var count) || count < 0)
                {
                    ctx.Reply.WriteError("ERR Invalid number of keys");
                    return;
                }
                var store = ctx.Keyspace[s];
                var keys = new List<byte[]>();
                lock (store.Gate)
                    foreach (var (k, _) in store)
                    {
                        if (keys.Count >= count) break;
                        keys.Add(k);
                    }
                ctx.Reply.WriteArrayHeader(keys.Count);
                foreach (var k in keys) ctx.Reply.WriteBulk(k);
                return;
            }
            case "meet" when a.Count is 4 or 5:
                Meet(ctx, svc);
                return;
            case "forget" when a.Count == 3:
                Forget(ctx, svc, map);
                return;
            case "links" when a.Count == 2:
                Links(ctx, svc);
                return;
            case "qc-invite" when a.Count == 4:
            {
                if (!int.TryParse(a.GetString(3), out var p) || p is <= 0 or > 65535)
                {
                    ctx.Reply.WriteError("ERR invalid port");
                    return;
                }
                var error = svc.AcceptInvite(a.GetString(2), p);
                if (error is null) ctx.Reply.WriteOk();
                else ctx.Reply.WriteError(error);
                return;
            }
            case "qc-fault" when a.Count >= 3:
                Fault(ctx, svc);
                return;
            case "qc-join" when a.Count == 5:
                QcJoin(ctx, svc);
                return;
            case "help" when a.Count == 2:
                Help(ctx);
                return;
        }
        if (sub is "myid" or "myshardid" or "slots" or "shards" or "nodes" or "info" or "countkeysinslot" or "getkeysinslot" or "meet" or "forget" or "links" or "help")
            ctx.Reply.WriteError(Errors.WrongArity("cluster|" + sub));
        else ctx.Reply.WriteError(Errors.UnknownSubcommand(a.GetString(1), "CLUSTER"));
    }

    private static bool TrySlot(CommandContext ctx, int index, out int slot)
    {
        slot = 0;
        if (!ArgParse.TryInt64(ctx.Args[index], out var v) || v < 0 || v >= HashSlot.Count)
        {
            ctx.Reply.WriteError("ERR Invalid slot");
            return false;
        }
        slot = (int)v;
        return true;
    }

    private static void WriteNode(CommandContext ctx, Member m)
    {
        var r = ctx.Reply;
        r.WriteArrayHeader(4);
        r.WriteBulkString(m.Host);
        r.WriteInteger(m.Port);
        r.WriteBulkString(m.Id);
        r.WriteMapHeader(0);
    }

    private static void Slots(CommandContext ctx, ClusterMap map)
    {
        var ranges = map.Ranges();
        ctx.Reply.WriteArrayHeader(ranges.Count);
        foreach (var (start, end, group) in ranges)
        {
            var replicas = group.Replicas.Select(map.Find).Where(x => x is not null).ToList();
            ctx.Reply.WriteArrayHeader(3 + replicas.Count);
            ctx.Reply.WriteInteger(start);
            ctx.Reply.WriteInteger(end);
            var primary = map.Find(group.Primary) ?? new Member(group.Primary, "", 0, 0, 0, MemberState.Failed);
            WriteNode(ctx, primary);
            foreach (var rep in replicas) WriteNode(ctx, rep!);
        }
    }

    private static string Health(ClusterMap map, Member m, ClusterService svc) =>
        m.State == MemberState.Failed || svc.Node.IsDowned(m.Id) ? "failed"
        : svc.HandOff.Protocol.IncomingCount > 0 && m.Id == svc.Node.MyId ? "loading"
        : "online";

    private static void Shards(CommandContext ctx, ClusterMap map, ClusterService svc)
    {
        var r = ctx.Reply;
        var members = map.Members.Values.ToList();
        r.WriteArrayHeader(members.Count);
        foreach (var m in members)
        {
            var ranges = map.RangesOf(m.Id);
            r.WriteMapHeader(2);
            r.WriteBulkString("slots");
            r.WriteArrayHeader(ranges.Count * 2);
            foreach (var (s, e) in ranges)
            {
                r.WriteInteger(s);
                r.WriteInteger(e);
            }
            r.WriteBulkString("nodes");
            r.WriteArrayHeader(1);
            r.WriteMapHeader(7);
            r.WriteBulkString("id");
            r.WriteBulkString(m.Id);
            r.WriteBulkString("port");
            r.WriteInteger(m.Port);
            r.WriteBulkString("ip");
            r.WriteBulkString(m.Host);
            r.WriteBulkString("endpoint");
            r.WriteBulkString(m.Host);
            r.WriteBulkString("role");
            r.WriteBulkString("master");
            r.WriteBulkString("replication-offset");
            r.WriteInteger(map.Version);
            r.WriteBulkString("health");
            r.WriteBulkString(Health(map, m, svc));
        }
    }

    /// <summary>The CLUSTER NODES text: one line per member, '\n' after each.</summary>
    public static string NodesText(ClusterMap map, ClusterService svc)
    {
        var node = svc.Node;
        var sb = new StringBuilder();
        var links = node.DataLinks?.GetPeers().ToDictionary(p => p.NodeId, p => p.Connected) ?? [];
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        foreach (var m in map.Members.Values)
        {
            var me = m.Id == node.MyId;
            var flags = me ? "myself,master" : "master";
            if (m.State == MemberState.Failed || node.IsDowned(m.Id)) flags += ",fail";
            else if (!me && !node.IsReachable(m.Id)) flags += ",fail?";
            var epoch = map.EpochOf(m.Id);
            var connected = me || links.GetValueOrDefault(m.Id);
            sb.Append(m.Id).Append(' ').Append(m.Host).Append(':').Append(m.Port).Append('@').Append(m.BusPort)
              .Append(' ').Append(flags).Append(" - 0 ").Append(me ? 0 : now).Append(' ').Append(epoch)
              .Append(' ').Append(connected ? "connected" : "disconnected");
            foreach (var (s, e) in map.RangesOf(m.Id))
            {
                sb.Append(' ').Append(s);
                if (e != s) sb.Append('-').Append(e);
            }
            if (me)
            {
                foreach (var handOff in map.HandOffs.Values)
                {
                    if (handOff.Source == m.Id) sb.Append(" [").Append(handOff.Slot).Append("->-").Append(handOff.Target).Append(']');
                    if (handOff.Target == m.Id) sb.Append(" [").Append(handOff.Slot).Append("-<-").Append(handOff.Source).Append(']');
                }
            }
            sb.Append('\n');
        }
        return sb.ToString();
    }

    public static string InfoText(ClusterMap map, ClusterService svc)
    {
        var node = svc.Node;
        var assigned = map.AssignedSlots;
        var failed = 0;
        var pfail = 0;
        for (var s = 0; s < HashSlot.Count; s++)
        {
            if (map[s] is not { } g) continue;
            var owner = map.Find(g.Primary);
            if (owner?.State == MemberState.Failed || node.IsDowned(g.Primary)) failed++;
            else if (g.Primary != node.MyId && !node.IsReachable(g.Primary)) pfail++;
        }
        var ok = assigned - failed - pfail;
        var state = map.IsBootstrapped && node.CanServe && assigned == HashSlot.Count && failed == 0 ? "ok" : "fail";
        var myEpoch = map.EpochOf(node.MyId);
        var peers = node.DataLinks?.GetPeers() ?? [];
        var sb = new StringBuilder();
        void F(string k, object v) => sb.Append(k).Append(':').Append(v).Append("\r\n");
        F("cluster_state", state);
        F("cluster_slots_assigned", assigned);
        F("cluster_slots_ok", ok);
        F("cluster_slots_pfail", pfail);
        F("cluster_slots_fail", failed);
        F("cluster_known_nodes", map.Members.Count);
        F("cluster_size", map.Members.Values.Count(m => map.SlotsOf(m.Id).Count > 0));
        F("cluster_current_epoch", map.CurrentEpoch);
        F("cluster_my_epoch", myEpoch);
        F("cluster_stats_messages_sent", peers.Sum(p => p.FramesSent));
        F("cluster_stats_messages_received", peers.Sum(p => p.FramesReceived));
        F("total_cluster_links_buffer_limit_exceeded", 0);
        // Our own lines: the control plane and rebalancing progress.
        F("cluster_map_version", map.Version);
        F("cluster_coordinator", node.CoordinatorId ?? "-");
        F("cluster_coordinator_term", node.Term);
        F("cluster_is_coordinator", node.IsCoordinator ? 1 : 0);
        F("cluster_akka_members", node.ReachableMembers);
        F("cluster_can_serve", node.CanServe ? 1 : 0);
        F("cluster_slot_groups_owned", Enumerable.Range(0, QuorumCache.Cluster.Slots.SlotGroup.Count).Count(g => map.GroupHome(g) == node.MyId));
        F("cluster_slot_groups_hosted", node.GroupsHosted);
        F("cluster_handoffs_in_progress", map.HandOffs.Count);
        F("cluster_rebalance_pending_moves", QuorumCache.Cluster.Runtime.Rebalancer.Plan(map).Count);
        F("cluster_handoffs_outgoing", svc.HandOff.Protocol.OutgoingCount);
        F("cluster_handoffs_incoming", svc.HandOff.Protocol.IncomingCount);
        return sb.ToString();
    }
}
