using QuorumCache.Node.Config;
using System.Buffers;
using System.Text;
using QuorumCache.Node.Commands;
using QuorumCache.Node.Hosting;
using QuorumCache.Node.Server;
using QuorumCache.Node.Storage.Types;
using QuorumCache.Resp;
using QuorumCache.Tests.Infrastructure;

namespace QuorumCache.Tests.Node.Lists;

/// <summary>A <see cref="RecordingNode"/> shared by a class, with keyspace dumps for comparing replays.</summary>
public sealed class RecordingNodeFixture : RecordingNode
{
    /// <summary>Every key of a server rendered as text (lists element by element), sorted by key.</summary>
    public static SortedDictionary<string, string> Dump(NodeServer server)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var store in server.Keyspace.Slots)
        {
            lock (store.Gate)
            {
                if (store.Count == 0) continue;
                foreach (var (key, value) in store)
                {
                    result[Encoding.UTF8.GetString(key)] = value switch
                    {
                        RedisList l => "list:" + string.Join("|", Enumerable.Range(0, l.Count).Select(i => Encoding.UTF8.GetString(l[i]))),
                        byte[] s => "string:" + Encoding.UTF8.GetString(s),
                        var o => o.GetType().Name,
                    };
                }
            }
        }
        return result;
    }

    /// <summary>Replays everything recorded on a fresh server and returns its keyspace.</summary>
    public SortedDictionary<string, string> Replayed()
    {
        var fresh = new NodeServer(NodeOptionsLoader.Defaults());
        fresh.Internal.Replay(new ReadOnlySequence<byte>(Recorder.Bytes()));
        return Dump(fresh);
    }
}
