using QuorumCache.Cluster.Map;
using QuorumCache.Cluster.Runtime;
using QuorumCache.Node.Commands;
using QuorumCache.Resp;

namespace QuorumCache.Node.Clustering;

/// <summary>CLUSTER MEET, FORGET, LINKS, HELP and the internal QC-JOIN.</summary>
public static partial class ClusterCommands
{
    /// <summary>
    /// CLUSTER QC-JOIN id host port: a new node asks to join through this member. The answer is the
    /// cluster id and the members (id, host, port, bus port, data port) whose bus ports it joins Akka through.
    /// </summary>
    private static void QcJoin(CommandContext ctx, ClusterService svc)
    {
        var a = ctx.Args;
        var id = a.GetString(2);
        if (a.Count != 5 || id.Length != 40 || !id.All(Uri.IsHexDigit) || !int.TryParse(a.GetString(4), out _))
        {
            ctx.Reply.WriteError("ERR invalid join request");
            return;
        }
        var clusterId = svc.Node.AdmitJoin();
        if (clusterId is null)
        {
            ctx.Reply.WriteError("TRYAGAIN this node has not joined a cluster yet");
            return;
        }
        var members = svc.Node.Map.Members.Values.ToList();
        ctx.Reply.WriteArrayHeader(1 + members.Count);
        ctx.Reply.WriteBulkString(clusterId);
        foreach (var m in members)
        {
            ctx.Reply.WriteArrayHeader(5);
            ctx.Reply.WriteBulkString(m.Id);
            ctx.Reply.WriteBulkString(m.Host);
            ctx.Reply.WriteBulkString(m.Port.ToString());
            ctx.Reply.WriteBulkString(m.BusPort.ToString());
            ctx.Reply.WriteBulkString(m.DataPort.ToString());
        }
    }

    /// <summary>
    /// CLUSTER MEET ip port: invites the node at ip:port into this cluster. The invited node must be
    /// alone and empty; it then joins through this node, as with --join.
    /// </summary>
    private static void Meet(CommandContext ctx, ClusterService svc)
    {
        var a = ctx.Args;
        if (!int.TryParse(a.GetString(3), out var port) || port is <= 0 or > 65535)
        {
            ctx.Reply.WriteError($"ERR Invalid base port specified: {a.GetString(3)}");
            return;
        }
        if (!System.Net.IPAddress.TryParse(a.GetString(2), out _))
        {
            ctx.Reply.WriteError($"ERR Invalid node address specified: {a.GetString(2)}:{a.GetString(3)}");
            return;
        }
        var me = svc.Node.Me(MemberState.Up);
        var host = a.GetString(2);
        _ = Task.Run(async () =>
        {
            try
            {
                await using var c = await RespClient.ConnectAsync(host, port);
                await c.ExecuteAsync("CLUSTER", "QC-INVITE", me.Host, me.Port.ToString()).WaitAsync(TimeSpan.FromSeconds(5));
            }
            catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or TimeoutException)
            {
                // Like Redis, MEET is asynchronous: a node that cannot be reached simply never appears.
            }
        });
        ctx.Reply.WriteOk();
    }

    private static void Forget(CommandContext ctx, ClusterService svc, ClusterMap map)
    {
        var id = ctx.Args.GetString(2);
        if (id == svc.Node.MyId)
        {
            ctx.Reply.WriteError("ERR I tried hard but I can't forget myself...");
            return;
        }
        if (map.Find(id) is not { } m)
        {
            ctx.Reply.WriteError($"ERR Unknown node {id}");
            return;
        }
        if (m.State != MemberState.Failed)
        {
            ctx.Reply.WriteError("ERR Can't forget a node that is not failed; stop it (it leaves gracefully) or wait until it is marked failed");
            return;
        }
        svc.Node.Propose(new ClusterCommand { Op = ClusterOp.RemoveMember, NodeId = id });
        ctx.Reply.WriteOk();
    }

    private static void Links(CommandContext ctx, ClusterService svc)
    {
        var peers = svc.Node.DataLinks?.GetPeers() ?? [];
        var r = ctx.Reply;
        r.WriteArrayHeader(peers.Count);
        foreach (var p in peers)
        {
            r.WriteMapHeader(6);
            r.WriteBulkString("direction");
            r.WriteBulkString(p.Outbound ? "to" : "from");
            r.WriteBulkString("node");
            r.WriteBulkString(p.NodeId);
            r.WriteBulkString("create-time");
            r.WriteInteger(p.CreatedUnixMs);
            r.WriteBulkString("events");
            r.WriteBulkString(p.Connected ? "rw" : "");
            r.WriteBulkString("send-buffer-allocated");
            r.WriteInteger(p.QueuedBytes);
            r.WriteBulkString("send-buffer-used");
            r.WriteInteger(p.QueuedBytes);
        }
    }

    private static void Help(CommandContext ctx)
    {
        string[] lines =
        [
            "CLUSTER <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
            "COUNTKEYSINSLOT <slot>", "    Return the number of keys in <slot>.",
            "FORGET <node-id>", "    Remove a failed node from the cluster.",
            "GETKEYSINSLOT <slot> <count>", "    Return key names stored by current node in a slot.",
            "INFO", "    Return information about the cluster.",
            "KEYSLOT <key>", "    Return the hash slot for <key>.",
            "LINKS", "    Return information about all network links between this node and its peers.",
            "MEET <ip> <port>", "    Invite a node (alone and empty) into this cluster.",
            "MYID", "    Return the node id.",
            "MYSHARDID", "    Return the node's shard id.",
            "NODES", "    Return cluster configuration seen by node.",
            "SHARDS", "    Return information about slot range mappings and the nodes associated with them.",
            "SLOTS", "    Return information about slots range mappings.",
            "HELP", "    Print this help.",
        ];
        ctx.Reply.WriteSimpleStrings(lines);
    }
}
