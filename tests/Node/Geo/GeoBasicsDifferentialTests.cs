using QuorumCache.Tests.Infrastructure;

namespace QuorumCache.Tests.Node.Geo;

/// <summary>GEOADD, GEOPOS, GEOHASH and GEODIST against a real redis-server, RESP2 and RESP3, errors included.</summary>
public class GeoBasicsDifferentialTests(NodeFixture node, RedisServerFixture redis) : IClassFixture<NodeFixture>, IClassFixture<RedisServerFixture>
{
    private Task Both(Func<Differential, string, Task> s) => GeoData.Both(node, redis, s);

    [Fact]
    public Task GeoAddOptionsAndScores() => Both(async (d, k) =>
    {
        await d.Same("GEOADD", k, "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania");
        await d.Same("GEOADD", k, "13.361389", "38.115556", "Palermo");
        await d.Same("GEOADD", k, "CH", "13.361389", "38.115556", "Palermo", "13", "38", "Catania", "1", "1", "new");
        await d.Same("GEOADD", k, "NX", "10", "10", "Palermo", "2", "2", "new2");
        await d.Same("GEOADD", k, "XX", "10", "10", "Palermo", "3", "3", "ghost");
        await d.Same("GEOADD", k, "XX", "CH", "11", "11", "Palermo", "3", "3", "ghost");
        await d.Same("GEOADD", k, "nx", "ch", "12", "12", "Palermo", "4", "4", "new3");
        await d.Same("ZRANGE", k, "0", "-1", "WITHSCORES");
        await d.Same("TYPE", k);
        await d.Same("GEOADD", k + "none", "XX", "1", "1", "a");
        await d.Same("EXISTS", k + "none");
        await d.Same("GEOADD", k, "180", "85.05112878", "ne", "-180", "-85.05112878", "sw", "0", "0", "zero", "-0", "-0", "negzero");
        await d.Same("ZRANGE", k, "0", "-1", "WITHSCORES");
        await d.Same("GEOPOS", k, "ne", "sw", "zero", "negzero");
        await d.Same("GEOHASH", k, "ne", "sw", "zero", "negzero");
        await d.Same("ZREM", k, "Palermo");
        await d.Same("ZCARD", k);
    });

    [Fact]
    public Task GeoAddErrors() => Both(async (d, k) =>
    {
        await d.Same("GEOADD", k, "200", "100", "a");
        await d.Same("GEOADD", k, "180.000001", "0", "a");
        await d.Same("GEOADD", k, "0", "85.05112879", "a");
        await d.Same("GEOADD", k, "0", "-85.05112879", "a");
        await d.Same("GEOADD", k, "inf", "1", "a");
        await d.Same("GEOADD", k, "1", "-inf", "a");
        await d.Same("GEOADD", k, "1e300", "1", "a");
        await d.Same("GEOADD", k, "1e400", "1", "a");
        await d.Same("GEOADD", k, "1", "1e-400", "a");
        await d.Same("GEOADD", k, "1", "0e-400", "a", "1e-310", "-Infinity", "b");
        await d.Same("GEOADD", k, "-1234.5678901", "-99.25", "a");
        await d.Same("GEOADD", k, "abc", "1", "a");
        await d.Same("GEOADD", k, "1", "nan", "a");
        await d.Same("GEOADD", k, "1", " 1", "a");
        await d.Same("GEOADD", k, "1", "2");
        await d.Same("GEOADD", k, "1", "2", "a", "3");
        await d.Same("GEOADD", k, "NX", "XX", "1", "2", "a");
        await d.Same("GEOADD", k, "NX", "CH", "XX");
        await d.Same("GEOADD", k, "NX", "CH", "1");
        await d.Same("GEOADD", k, "GT", "1", "2", "a");
        await d.Same("GEOADD", k, "1", "2", "ok", "500", "2", "bad");
        await d.Same("EXISTS", k);
        await d.Same("SET", k, "string");
        await d.Same("GEOADD", k, "1", "2", "a");
        await d.Same("GEOADD", k, "1", "200", "a");
        await d.Same("GEOPOS", k, "a");
        await d.Same("GEOHASH", k, "a");
        await d.Same("GEODIST", k, "a", "b");
        await d.Same("GEODIST", k, "a", "b", "parsec");
    });

    [Fact]
    public Task GeoPosAndGeoHash() => Both(async (d, k) =>
    {
        await d.Same(GeoData.CityArgs(k));
        var names = GeoData.Cities.Select(c => c.Name).ToArray();
        await d.Same(["GEOPOS", k, .. names, "missing"]);
        await d.Same(["GEOHASH", k, .. names, "missing"]);
        await d.Same("GEOPOS", k);
        await d.Same("GEOHASH", k);
        await d.Same("GEOPOS", k + "none", "a", "b");
        await d.Same("GEOHASH", k + "none", "a");
        // Scores set directly, outside the geohash range, decode as Redis decodes them.
        await d.Same("ZADD", k, "0", "s0", "-1", "neg", "4503599627370495", "max52", "4503599627370496", "over52",
            "1e18", "big", "1.5", "frac", "-1e30", "hugeneg", "1e30", "huge", "inf", "pinf", "-inf", "ninf");
        string[] odd = ["s0", "neg", "max52", "over52", "big", "frac", "hugeneg", "huge", "pinf", "ninf"];
        await d.Same(["GEOPOS", k, .. odd]);
        await d.Same(["GEOHASH", k, .. odd]);
        await d.Same("GEODIST", k, "s0", "max52");
        await d.Same("GEODIST", k, "big", "hugeneg", "km");
    });

    [Fact]
    public Task GeoDistUnitsAndErrors() => Both(async (d, k) =>
    {
        await d.Same(GeoData.CityArgs(k));
        for (var i = 0; i + 1 < GeoData.Cities.Length; i++)
        {
            var (a, b) = (GeoData.Cities[i].Name, GeoData.Cities[(i * 7 + 3) % GeoData.Cities.Length].Name);
            await d.Same("GEODIST", k, a, b);
            await d.Same("GEODIST", k, a, b, new[] { "m", "KM", "ft", "Mi" }[i % 4]);
        }
        await d.Same("GEODIST", k, "Palermo", "Palermo");
        await d.Same("GEODIST", k, "Edge", "Corner", "mi");
        await d.Same("GEODIST", k, "Palermo", "missing");
        await d.Same("GEODIST", k, "missing", "Palermo", "km");
        await d.Same("GEODIST", k + "none", "a", "b");
        await d.Same("GEODIST", k, "Palermo", "Catania", "yards");
        await d.Same("GEODIST", k, "Palermo", "missing", "yards");
        await d.Same("GEODIST", k, "Palermo", "Catania", "km", "extra");
        await d.Same("GEODIST", k, "Palermo");
    });
}
