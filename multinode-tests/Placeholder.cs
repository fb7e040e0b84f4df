namespace QuorumCache.MultiNode;

public class HarnessPlaceholder
{
    [Fact]
    public void Builds() => Assert.True(typeof(QuorumCache.Cluster.Slots.HashSlot).Assembly.GetName().Name == "QuorumCache.Cluster");
}
