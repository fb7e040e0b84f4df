namespace QuorumCache.Cluster.DataLink;

/// <summary>Malformed bytes on a bus connection; the connection is closed, the bus carries on.</summary>
public sealed class DataLinkProtocolException(string message) : Exception(message);
