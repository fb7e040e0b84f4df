using QuorumCache.Node.Config;

namespace QuorumCache.Tests.Config;

public class ConfigUnitsTests
{
    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("2s", 2000)]
    [InlineData("1m", 60_000)]
    [InlineData("10 seconds", 10_000)]
    [InlineData("100 milliseconds", 100)]
    [InlineData("250", 250)]
    [InlineData("1.5s", 1500)]
    [InlineData("2h", 7_200_000)]
    [InlineData("1d", 86_400_000)]
    [InlineData("3 MINUTES", 180_000)]
    [InlineData("0", 0)]
    public void Durations(string text, long expectedMs)
    {
        Assert.True(ConfigUnits.TryParseDuration(text, out var d), text);
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), d);
    }

    [Fact]
    public void Sub_millisecond_durations()
    {
        Assert.Equal(TimeSpan.FromTicks(5), ConfigUnits.ParseDuration("500ns"));
        Assert.Equal(TimeSpan.FromTicks(2500), ConfigUnits.ParseDuration("250us"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("s")]
    [InlineData("-5s")]
    [InlineData("5 fortnights")]
    [InlineData("5s5")]
    [InlineData("1.2.3s")]
    [InlineData("99999999999999999999d")]
    public void Bad_durations(string text) => Assert.False(ConfigUnits.TryParseDuration(text, out _), text);

    [Theory]
    [InlineData("1048576", 1048576)]
    [InlineData("100k", 100_000)]
    [InlineData("100kb", 102_400)]
    [InlineData("64MB", 64L * 1024 * 1024)]
    [InlineData("512mb", 512L * 1024 * 1024)]
    [InlineData("64m", 64_000_000)]
    [InlineData("1GiB", 1L << 30)]
    [InlineData("2g", 2_000_000_000)]
    [InlineData("2gb", 2L << 30)]
    [InlineData("3 KiB", 3072)]
    [InlineData("1tb", 1L << 40)]
    [InlineData("10 bytes", 10)]
    public void Sizes_follow_redis_rules(string text, long expected)
    {
        Assert.True(ConfigUnits.TryParseSize(text, out var n), text);
        Assert.Equal(expected, n);
    }

    [Theory]
    [InlineData("")]
    [InlineData("mb")]
    [InlineData("-1")]
    [InlineData("1.5mb")]
    [InlineData("10 parsecs")]
    [InlineData("9999999999tb")]
    public void Bad_sizes(string text) => Assert.False(ConfigUnits.TryParseSize(text, out _), text);
}
