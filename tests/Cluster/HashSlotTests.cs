using System.Text;
using QuorumCache.Cluster.Slots;

namespace QuorumCache.Tests.Cluster;

public class HashSlotTests
{
    [Fact]
    public void Crc16XmodemCheckValue() => Assert.Equal(0x31C3, HashSlot.Crc16("123456789"u8));

    [Theory]
    [InlineData("foo", 12182)]
    [InlineData("bar", 5061)]
    [InlineData("hello", 866)]
    [InlineData("", 0)]
    [InlineData("{user1000}.following", 3443)]
    [InlineData("{user1000}.followers", 3443)]
    [InlineData("foo{}{bar}", 8363)]
    [InlineData("foo{{bar}}zap", 4015)]
    [InlineData("foo{bar}{zap}", 5061)]
    public void SlotsMatchRedisCluster(string key, int slot) => Assert.Equal(slot, HashSlot.Of(Encoding.UTF8.GetBytes(key)));
}
