namespace QuorumCache.Tests.Cluster.DataLink;

/// <summary>Awaits a condition over real sockets by polling; fails with a message after the timeout. Asserts no timing.</summary>
internal static class Eventually
{
    public static async Task True(Func<bool> condition, string what, int timeoutMs = 10_000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"timed out after {timeoutMs} ms waiting for: {what}");
            await Task.Delay(10);
        }
    }
}
