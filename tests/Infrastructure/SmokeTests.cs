using QuorumCache.Tests.Infrastructure;

namespace QuorumCache.Tests.Node;

public class SmokeTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    [Fact]
    public async Task SetThenGetOverTcp()
    {
        await using var c = await node.ConnectAsync();
        var k = NodeFixture.Key();
        Reply.IsOk(await c.Run("SET", k, "v"));
        Reply.IsBulk(await c.Run("GET", k), "v");
    }
}
