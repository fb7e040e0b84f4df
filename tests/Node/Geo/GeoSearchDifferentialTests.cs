using QuorumCache.Tests.Infrastructure;

namespace QuorumCache.Tests.Node.Geo;

/// <summary>
/// GEOSEARCH, GEOSEARCHSTORE, GEORADIUS, GEORADIUSBYMEMBER and the _RO forms against a real redis-server:
/// cities and seeded random points, several radii and boxes, every option, unsorted replies in Redis's scan
/// order, errors in Redis's order.
/// </summary>
public class GeoSearchDifferentialTests(NodeFixture node, RedisServerFixture redis) : IClassFixture<NodeFixture>, IClassFixture<RedisServerFixture>
{
    private Task Both(Func<Differential, string, Task> s) => GeoData.Both(node, redis, s);

    private static readonly string[][] Shapes =
    [
        ["BYRADIUS", "0", "m"], ["BYRADIUS", "1", "km"], ["BYRADIUS", "50", "km"], ["BYRADIUS", "200", "km"],
        ["BYRADIUS", "500", "mi"], ["BYRADIUS", "1500", "km"], ["BYRADIUS", "6000", "km"], ["BYRADIUS", "30000", "km"],
        ["BYRADIUS", "100000", "ft"], ["BYBOX", "400", "400", "km"], ["BYBOX", "2000", "100", "km"],
        ["BYBOX", "50", "3000", "mi"], ["BYBOX", "0", "0", "m"], ["BYBOX", "20000", "20000", "km"], ["BYBOX", "1e9", "1e9", "ft"],
    ];

    private static readonly string[][] Options =
    [
        [], ["WITHDIST"], ["WITHCOORD", "WITHHASH", "WITHDIST"], ["ASC", "WITHDIST"], ["DESC"], ["COUNT", "3"],
        ["COUNT", "5", "DESC", "WITHDIST"], ["COUNT", "4", "ANY"], ["COUNT", "2", "ANY", "ASC", "WITHCOORD"], ["COUNT", "1000"],
    ];

    [Fact]
    public Task CitiesEveryShapeAndOption() => Both(async (d, k) =>
    {
        await d.Same(GeoData.CityArgs(k));
        foreach (var from in new[] { "Palermo", "Reykjavik", "Sydney", "Suva", "Ushuaia", "Edge", "NullIsland" })
            foreach (var shape in Shapes)
                foreach (var opt in Options)
                    await d.Same(["GEOSEARCH", k, "FROMMEMBER", from, .. shape, .. opt]);
        foreach (var (lon, lat) in new[] { ("15", "37"), ("-179.9", "-17"), ("179.99", "60"), ("0", "85"), ("-70", "-84.9"), ("100", "0") })
            foreach (var shape in Shapes)
                foreach (var opt in Options)
                    await d.Same(["GEOSEARCH", k, "FROMLONLAT", lon, lat, .. shape, .. opt]);
    });

    [Fact]
    public Task RandomPointsSeeded()
    {
        var seed = Environment.TickCount;
        return Both(async (d, k) =>
        {
            try
            {
                var rnd = new Random(seed);
                var centres = new[] { (13.0, 42.0, 3.0), (179.5, 10.0, 2.0), (-120.0, 75.0, 8.0), (0.0, 0.0, 0.5), (30.0, -82.0, 4.0), (0.0, 0.0, 180.0) };
                foreach (var (clon, clat, spread) in centres)
                {
                    var key = k + clon + "," + clat;
                    var points = GeoData.Random(rnd, 150, clon, clat, spread);
                    await GeoData.AddAll(d, key, points);
                    await d.SameByValue("ZRANGE", key, "0", "-1", "WITHSCORES");
                    for (var q = 0; q < 12; q++)
                    {
                        var p = points[rnd.Next(points.Count)];
                        var r = (spread * 111 * rnd.NextDouble()).ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);
                        var h = (spread * 111 * rnd.NextDouble()).ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);
                        var opt = Options[rnd.Next(Options.Length)];
                        await d.Same(["GEOSEARCH", key, "FROMMEMBER", p.Name, "BYRADIUS", r, "km", .. opt]);
                        await d.Same(["GEOSEARCH", key, "FROMMEMBER", p.Name, "BYBOX", r, h, "km", .. opt]);
                        var lon = GeoData.F(Math.Round(clon + (rnd.NextDouble() * 2 - 1) * spread, 5) is var x && x > 180 ? 180 : x < -180 ? -180 : x);
                        var lat = GeoData.F(Math.Clamp(Math.Round(clat + (rnd.NextDouble() * 2 - 1) * spread, 5), -85, 85));
                        await d.Same(["GEOSEARCH", key, "FROMLONLAT", lon, lat, "BYRADIUS", r, "km", "WITHDIST", "WITHCOORD", "WITHHASH"]);
                        await d.Same(["GEOSEARCH", key, "FROMLONLAT", lon, lat, "BYBOX", h, r, "km", "ASC", "WITHDIST"]);
                        await d.Same(["GEORADIUS", key, lon, lat, r, "km", "WITHDIST", .. opt.Where(o => o != "WITHDIST")]);
                        await d.Same(["GEORADIUSBYMEMBER_RO", key, p.Name, r, "km", "DESC", "WITHCOORD"]);
                        await d.Same("GEOSEARCHSTORE", key + "dst", key, "FROMLONLAT", lon, lat, "BYRADIUS", r, "km", "STOREDIST");
                        await d.SameByValue("ZRANGE", key + "dst", "0", "-1", "WITHSCORES");
                    }
                }
            }
            catch (Exception e)
            {
                throw new Xunit.Sdk.XunitException($"seed {seed}: {e.Message}");
            }
        });
    }

    [Fact]
    public Task GeoRadiusFamilyAndStore() => Both(async (d, k) =>
    {
        await d.Same(GeoData.CityArgs(k));
        var dst = k + "dst";
        await d.Same("GEORADIUS", k, "15", "37", "200", "km");
        await d.Same("GEORADIUS", k, "15", "37", "2000", "km", "WITHDIST", "WITHCOORD", "WITHHASH", "COUNT", "4", "ASC");
        await d.Same("GEORADIUS_RO", k, "15", "37", "2000", "km", "WITHDIST", "DESC");
        await d.Same("GEORADIUSBYMEMBER", k, "Rome", "1500", "km", "WITHDIST");
        await d.Same("GEORADIUSBYMEMBER_RO", k, "Rome", "1500", "mi", "COUNT", "3", "ANY");
        await d.Same("GEORADIUS", k, "15", "37", "2000", "km", "STORE", dst);
        await d.SameByValue("ZRANGE", dst, "0", "-1", "WITHSCORES");
        await d.Same("GEORADIUS", k, "15", "37", "2000", "km", "STOREDIST", dst, "COUNT", "3", "DESC");
        await d.SameByValue("ZRANGE", dst, "0", "-1", "WITHSCORES");
        await d.Same("GEORADIUSBYMEMBER", k, "Tokyo", "3000", "km", "STORE", dst, "STOREDIST", dst);
        await d.SameByValue("ZRANGE", dst, "0", "-1", "WITHSCORES");
        await d.Same("OBJECT", "ENCODING", dst);
        await d.Same("GEORADIUS", k, "15", "37", "1", "m", "STORE", dst);
        await d.Same("EXISTS", dst);
        await d.Same("SET", dst, "x");
        await d.Same("GEORADIUS", k + "none", "15", "37", "1", "km", "STORE", dst);
        await d.Same("EXISTS", dst);
        await d.Same("GEOSEARCHSTORE", dst, k, "FROMMEMBER", "Paris", "BYBOX", "3000", "3000", "km");
        await d.SameByValue("ZRANGE", dst, "0", "-1", "WITHSCORES");
        await d.Same("GEOSEARCHSTORE", dst, k, "FROMMEMBER", "Paris", "BYBOX", "3000", "3000", "km", "STOREDIST", "COUNT", "2");
        await d.SameByValue("ZRANGE", dst, "0", "-1", "WITHSCORES");
        await d.Same("GEOSEARCHSTORE", dst, k, "FROMMEMBER", "Paris", "BYRADIUS", "1", "m", "STOREDIST");
        await d.Same("GEOSEARCHSTORE", dst, k, "FROMLONLAT", "0", "-60", "BYRADIUS", "1", "m");
        await d.Same("EXISTS", dst);
        await d.Same("GEOSEARCHSTORE", dst, k + "none", "FROMMEMBER", "x", "BYRADIUS", "1", "m");
        await d.Same("GEOSEARCH", k + "none", "FROMMEMBER", "x", "BYRADIUS", "1", "m");
        await d.Same("GEORADIUSBYMEMBER", k + "none", "x", "notanumber", "parsec");
        await d.Same("GEORADIUSBYMEMBER", k + "none", "x", "1", "km", "STORE", dst);
    });

    [Fact]
    public Task SearchErrors() => Both(async (d, k) =>
    {
        await d.Same(GeoData.CityArgs(k));
        var dst = k + "dst";
        string[][] cases =
        [
            ["GEOSEARCH", k, "FROMMEMBER", "missing", "BYRADIUS", "1", "km"],
            ["GEOSEARCH", k, "FROMLONLAT", "200", "0", "BYRADIUS", "1", "km"],
            ["GEOSEARCH", k, "FROMLONLAT", "x", "0", "BYRADIUS", "1", "km"],
            ["GEOSEARCH", k, "FROMLONLAT", "1", "0", "BYRADIUS", "1", "lightyear"],
            ["GEOSEARCH", k, "FROMLONLAT", "1", "0", "BYRADIUS", "-1", "km"],
            ["GEOSEARCH", k, "FROMLONLAT", "1", "0", "BYRADIUS", "far", "km"],
            ["GEOSEARCH", k, "FROMLONLAT", "1", "0", "BYBOX", "1", "-1", "km"],
            ["GEOSEARCH", k, "FROMLONLAT", "1", "0", "BYBOX", "-1", "1", "km"],
            ["GEOSEARCH", k, "FROMLONLAT", "1", "0", "BYBOX", "w", "1", "km"],
            ["GEOSEARCH", k, "FROMLONLAT", "1", "0", "BYBOX", "1", "h", "km"],
            ["GEOSEARCH", k, "FROMLONLAT", "1", "0", "BYBOX", "1", "1", "au"],
            ["GEOSEARCH", k, "FROMLONLAT", "1", "0", "BYBOX", "1", "1"],
            ["GEOSEARCH", k, "FROMLONLAT", "1", "0", "BYRADIUS", "1", "km", "COUNT", "0"],
            ["GEOSEARCH", k, "FROMLONLAT", "1", "0", "BYRADIUS", "1", "km", "COUNT", "-3"],
            ["GEOSEARCH", k, "FROMLONLAT", "1", "0", "BYRADIUS", "1", "km", "COUNT", "x"],
            ["GEOSEARCH", k, "FROMLONLAT", "1", "0", "BYRADIUS", "1", "km", "COUNT"],
            ["GEOSEARCH", k, "FROMLONLAT", "1", "0", "BYRADIUS", "1", "km", "ANY"],
            ["GEOSEARCH", k, "FROMLONLAT", "1", "0", "BYRADIUS", "1", "km", "STORE", dst],
            ["GEOSEARCH", k, "FROMLONLAT", "1", "0", "BYRADIUS", "1", "km", "STOREDIST"],
            ["GEOSEARCH", k, "FROMLONLAT", "1", "0", "FROMMEMBER", "Rome", "BYRADIUS", "1", "km"],
            ["GEOSEARCH", k, "FROMMEMBER", "Rome", "FROMLONLAT", "1", "0", "BYRADIUS", "1", "km"],
            ["GEOSEARCH", k, "FROMMEMBER", "Rome", "BYBOX", "1", "1", "km", "BYRADIUS", "1", "km"],
            ["GEOSEARCH", k, "FROMMEMBER", "Rome", "BYRADIUS", "1", "km", "BYBOX", "1", "1", "km"],
            ["GEOSEARCH", k, "FROMMEMBER", "Rome", "BYRADIUS", "1", "km", "BYRADIUS", "2000", "km"],
            ["geosearch", k, "BYRADIUS", "1", "km", "WITHDIST"],
            ["GeoSearch", k, "FROMMEMBER", "Rome", "WITHDIST", "ASC"],
            ["GEOSEARCH", k, "FROMMEMBER", "Rome", "BYRADIUS", "1", "km", "bogus"],
            ["GEOSEARCH", k, "FROMMEMBER", "Rome", "BYRADIUS", "1"],
            ["GEOSEARCHSTORE", dst, k, "FROMMEMBER", "Rome", "BYRADIUS", "1", "km", "WITHDIST"],
            ["GEOSEARCHSTORE", dst, k, "FROMMEMBER", "Rome", "BYRADIUS", "1", "km", "STORE", dst],
            ["GEOSEARCHSTORE", dst, k, "FROMMEMBER", "Rome", "BYRADIUS", "1", "km", "ANY"],
            ["GEORADIUS", k, "15", "37", "200", "km", "STORE", dst, "WITHCOORD"],
            ["GEORADIUS", k, "15", "37", "200", "km", "STORE"],
            ["GEORADIUS", k, "15", "37", "200", "km", "FROMMEMBER", "Rome"],
            ["GEORADIUS", k, "15", "95", "200", "km"],
            ["GEORADIUS", k, "15", "37", "-200", "km"],
            ["GEORADIUS", k, "15", "37", "200", "yd"],
            ["GEORADIUS", k, "15", "37", "200", "km", "ANY"],
            ["GEORADIUS_RO", k, "15", "37", "200", "km", "STORE", dst],
            ["GEORADIUSBYMEMBER", k, "missing", "200", "km"],
            ["GEORADIUSBYMEMBER", k, "Rome", "x", "km"],
            ["GEORADIUSBYMEMBER_RO", k, "Rome", "200", "km", "STOREDIST", dst],
            ["GEORADIUS", k, "15", "37", "200"],
            ["GEORADIUSBYMEMBER", k, "Rome", "200"],
            ["GEOSEARCHSTORE", dst, k, "FROMMEMBER", "Rome", "BYRADIUS", "1"],
        ];
        foreach (var c in cases) await d.Same(c);
        await d.Same("SET", k + "s", "v");
        await d.Same("GEOSEARCH", k + "s", "FROMLONLAT", "1", "0", "BYRADIUS", "1", "km");
        await d.Same("GEORADIUS", k + "s", "1", "0", "1", "km");
        await d.Same("GEORADIUSBYMEMBER", k + "s", "x", "1", "km");
        await d.Same("GEOSEARCHSTORE", dst, k + "s", "FROMLONLAT", "1", "0", "BYRADIUS", "1", "km");
        await d.Same("GEOSEARCHSTORE", k + "s", k, "FROMLONLAT", "15", "37", "BYRADIUS", "300", "km");
        await d.Same("TYPE", k + "s");
    });
}
