namespace QuorumCache.Node.Server;

/// <summary>Counters for INFO stats. Updated with Interlocked where several threads write.</summary>
public sealed class ServerStats
{
    public long TotalConnections;
    public long RejectedConnections;
    public long ExpiredKeys;
    public long ExpiredCycles;
    public long ProtocolErrors;
    public long EvictedClients;
    /// <summary>Commands of connections that have closed; live ones are summed from their sessions.</summary>
    public long CommandsOfClosedClients;
    public long NetInputBytes;
    public long NetOutputBytes;
    public long PubSubMessages;
    /// <summary>Commands whose handler threw (a bug; the client got an error).</summary>
    public long CommandFaults;
}
