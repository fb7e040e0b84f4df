namespace QuorumCache.Cluster.DataLink;

/// <summary>Malformed bytes on a data-link connection; the connection is closed, the links carry on.</summary>
public sealed class DataLinkProtocolException(string message) : Exception(message);
