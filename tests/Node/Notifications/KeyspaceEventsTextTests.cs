using QuorumCache.Node.Notifications;

namespace QuorumCache.Tests.Node.Notifications;

/// <summary>The setting's letters, parsed and formatted as redis-server 7.0 does (expected strings taken from it).</summary>
public class KeyspaceEventsTextTests
{
    [Theory]
    [InlineData("KEA", "AKE")]
    [InlineData("A", "A")]
    [InlineData("KA", "AK")]
    [InlineData("n", "n")]
    [InlineData("Kn", "nK")]
    [InlineData("m", "m")]
    [InlineData("AKEmn", "AKEm")] // n is on, but A hides it
    [InlineData("gn", "gn")]
    [InlineData("$lshzxetd", "$lshzxetd")]
    [InlineData("g$lshzxetdn", "A")]
    [InlineData("Ex", "xE")]
    [InlineData("KEAd", "AKE")]
    [InlineData("", "")]
    [InlineData("EK$g", "g$KE")]
    public void FormatsAsRedis(string set, string get)
    {
        Assert.True(KeyspaceEventsText.TryParse(set, out var flags));
        Assert.Equal(get, KeyspaceEventsText.Format(flags));
    }

    [Theory]
    [InlineData("KEB")]
    [InlineData("a")]
    [InlineData(" K")]
    [InlineData("KE$ ")]
    public void RejectsUnknownLetters(string set) => Assert.False(KeyspaceEventsText.TryParse(set, out _));

    [Fact]
    public void AllExcludesNewAndKeyMiss()
    {
        Assert.Equal(KeyspaceEvents.None, KeyspaceEvents.All & (KeyspaceEvents.New | KeyspaceEvents.KeyMiss | KeyspaceEvents.Keyspace | KeyspaceEvents.Keyevent));
        Assert.True(KeyspaceEventsText.TryParse("AKEmn", out var f));
        Assert.Equal(KeyspaceEvents.New, f & KeyspaceEvents.New);
    }

    [Fact]
    public void NothingIsActiveWithoutKOrE()
    {
        Assert.True(KeyspaceEventsText.TryParse("A", out var f));
        Assert.Equal(KeyspaceEvents.None, KeyspaceEventsText.ActiveClasses(f));
        Assert.True(KeyspaceEventsText.TryParse("K$", out f));
        Assert.Equal(KeyspaceEvents.String, KeyspaceEventsText.ActiveClasses(f));
    }
}
