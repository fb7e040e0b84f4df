using QuorumCache.Node.Commands;

namespace QuorumCache.Node.Clustering;

/// <summary>
/// TEST ONLY: CLUSTER QC-FAULT BLOCK-LINK id | UNBLOCK-LINK id | ISOLATE | HEAL cuts or restores this
/// node's data links (<see cref="QuorumCache.Cluster.DataLink.IDataLinks.SetLinkBlocked"/>), for the
/// multi-node tests. Refused unless the node was started with <c>--set testing.enable-fault-injection=on</c>.
/// </summary>
public static partial class ClusterCommands
{
    private static void Fault(CommandContext ctx, ClusterService svc)
    {
        if (!ctx.Server.Options.EnableFaultInjection)
        {
            ctx.Reply.WriteError("ERR fault injection is disabled (test-only: start the node with --set testing.enable-fault-injection=on)");
            return;
        }
        var a = ctx.Args;
        var links = svc.Node.Bus;
        if (links is null)
        {
            ctx.Reply.WriteError("ERR the data links are not running");
            return;
        }
        var action = a.GetString(2).ToLowerInvariant();
        switch (action)
        {
            case "block-link" when a.Count == 4:
                links.SetLinkBlocked(a.GetString(3), true);
                break;
            case "unblock-link" when a.Count == 4:
                links.SetLinkBlocked(a.GetString(3), false);
                break;
            case "isolate" when a.Count == 3:
                foreach (var id in svc.Node.Map.Members.Keys)
                    if (id != svc.Node.MyId) links.SetLinkBlocked(id, true);
                break;
            case "heal" when a.Count == 3:
                foreach (var p in links.GetPeers()) links.SetLinkBlocked(p.NodeId, false);
                break;
            default:
                ctx.Reply.WriteError(Errors.Syntax);
                return;
        }
        ctx.Reply.WriteOk();
    }
}
