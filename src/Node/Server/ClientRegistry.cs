using System.Collections.Concurrent;

namespace QuorumCache.Node.Server;

/// <summary>Connected clients by id, for CLIENT LIST/KILL, INFO clients and shutdown.</summary>
public sealed class ClientRegistry
{
    private readonly ConcurrentDictionary<long, ClientSession> _clients = new();
    private long _nextId;

    public long NextId() => Interlocked.Increment(ref _nextId);

    public void Add(ClientSession s) => _clients[s.Id] = s;

    public void Remove(ClientSession s) => _clients.TryRemove(s.Id, out _);

    public int Count => _clients.Count;

    public IEnumerable<ClientSession> All => _clients.Values.OrderBy(c => c.Id);

    public ClientSession? Find(long id) => _clients.TryGetValue(id, out var s) ? s : null;
}
