namespace QuorumCache.Cluster.Bus;

/// <summary>Malformed bytes on a bus connection; the connection is closed, the bus carries on.</summary>
public sealed class BusProtocolException(string message) : Exception(message);
