namespace QuorumCache.Resp;

/// <summary>
/// Malformed input on a RESP stream. The message is the text after "ERR " that Redis sends
/// (for example "Protocol error: invalid bulk length"); the connection must be closed after it.
/// </summary>
public sealed class RespProtocolException(string message) : Exception(message);
