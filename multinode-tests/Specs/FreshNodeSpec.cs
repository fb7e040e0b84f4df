using QuorumCache.MultiNode.Harness;
using QuorumCache.Resp;

namespace QuorumCache.MultiNode.Specs;

/// <summary>
/// A node started without --join forms its own cluster and owns every slot: from the moment it answers,
/// commands must run. The loop step that applied its first map entry used to publish the map before the
/// "can serve" flag, and clients that came in at that instant got CLUSTERDOWN (redis-benchmark started
/// right after the first PONG hit it on most starts).
/// </summary>
public sealed class FreshNodeSpec
{
    [Fact]
    public async Task A_new_node_serves_writes_from_its_first_answer()
    {
        var launch = await NodeBuild.EnsureBuiltAsync();
        var root = Path.Combine(Path.GetTempPath(), $"{ProcessReaper.DataRootPrefix}{Environment.ProcessId}-fresh-{Guid.NewGuid().ToString("N")[..8]}");
        try
        {
            for (var attempt = 0; attempt < 4; attempt++)
            {
                await using var node = new NodeProcess($"fresh{attempt}", PortAllocator.Next(), Path.Combine(root, $"n{attempt}"), null, launch, []);
                await node.StartAsync(TimeSpan.FromSeconds(30)); // returns at the first CLUSTER MYID answer
                var clients = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => RespClient.ConnectAsync("127.0.0.1", node.Port)));
                var errors = await Task.WhenAll(clients.Select(async (c, i) =>
                {
                    var replies = await c.PipelineAsync(Enumerable.Range(0, 500).Select(k => new[] { "SET", $"k{i}:{k}", "v" }));
                    return replies.Where(r => r.IsError).Select(r => r.Text!).ToList();
                }));
                foreach (var c in clients) await c.DisposeAsync();
                var all = errors.SelectMany(e => e).ToList();
                Assert.True(all.Count == 0, $"start {attempt}: {all.Count} of 4000 SETs failed, first: {all.FirstOrDefault()}\n{node.LogTail(20)}");
            }
        }
        finally
        {
            try { Directory.Delete(root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
