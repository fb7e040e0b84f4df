using QuorumCache.Tests.Infrastructure;
using QuorumCache.Tests.Node.Notifications;

namespace QuorumCache.Tests.Node.Geo;

/// <summary>Keyspace events of the geo commands (zadd, georadiusstore, geosearchstore, new, del, keymiss) against redis-server.</summary>
public class GeoNotificationTests(NodeFixture node, RedisServerFixture redis) : IClassFixture<NodeFixture>, IClassFixture<RedisServerFixture>
{
    [Fact]
    public async Task SameEventsAsRedis()
    {
        var k = NodeFixture.Key("g");
        await using var ours = await EventTap.OpenAsync(node.ConnectAsync, "KEAm");
        await using var theirs = await EventTap.OpenAsync(redis.ConnectAsync, "KEAm");
        var d = new Differential(ours.Commands, theirs.Commands);
        await d.Same(GeoData.CityArgs(k));
        await d.Same("GEOADD", k, "NX", "1", "1", "Palermo");
        await d.Same("GEOADD", k, "XX", "1", "1", "Palermo");
        await d.Same("GEOADD", k + "x", "XX", "1", "1", "Palermo");
        await d.Same("GEOPOS", k + "missing", "a");
        await d.Same("GEOHASH", k + "missing", "a");
        await d.Same("GEODIST", k + "missing", "a", "b");
        await d.Same("GEOSEARCH", k + "missing", "FROMLONLAT", "1", "1", "BYRADIUS", "1", "km");
        await d.Same("GEORADIUS", k, "15", "37", "500", "km", "STORE", k + "r");
        await d.Same("GEORADIUS", k, "15", "37", "500", "km", "STOREDIST", k + "r");
        await d.Same("GEOSEARCHSTORE", k + "s", k, "FROMMEMBER", "Rome", "BYRADIUS", "900", "km");
        await d.Same("GEOSEARCHSTORE", k + "s", k, "FROMMEMBER", "Rome", "BYRADIUS", "1", "m");
        await d.Same("GEOSEARCHSTORE", k + "r", k + "missing", "FROMMEMBER", "Rome", "BYRADIUS", "1", "m");
        await d.Same("GEORADIUSBYMEMBER_RO", k, "Rome", "900", "km");
        await d.Same("GEORADIUS", k + "missing", "1", "1", "1", "km");
        await d.Same("GEORADIUSBYMEMBER", k + "missing", "a", "1", "km", "STORE", k + "s");
        var a = await ours.DrainAsync();
        var b = await theirs.DrainAsync();
        Assert.True(a.SequenceEqual(b), $"\n  ours:  {string.Join(" | ", a)}\n  redis: {string.Join(" | ", b)}");
    }
}
