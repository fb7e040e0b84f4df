using System.Globalization;
using QuorumCache.Tests.Infrastructure;
using QuorumCache.Tests.Node.SortedSets;

namespace QuorumCache.Tests.Node.Geo;

/// <summary>Real-world points and seeded random ones for the geo differential tests.</summary>
internal static class GeoData
{
    public static readonly (string Name, double Lon, double Lat)[] Cities =
    [
        ("Palermo", 13.361389, 38.115556), ("Catania", 15.087269, 37.502669), ("Rome", 12.496366, 41.902782),
        ("Milan", 9.189982, 45.464204), ("Naples", 14.268124, 40.851775), ("Paris", 2.352222, 48.856613),
        ("London", -0.127758, 51.507351), ("Berlin", 13.404954, 52.520008), ("Madrid", -3.703790, 40.416775),
        ("Lisbon", -9.139337, 38.722252), ("Oslo", 10.752245, 59.913869), ("Reykjavik", -21.942400, 64.146600),
        ("Moscow", 37.617300, 55.755826), ("Istanbul", 28.978359, 41.008238), ("Cairo", 31.235712, 30.044420),
        ("Nairobi", 36.821946, -1.292066), ("CapeTown", 18.424055, -33.924869), ("Lagos", 3.379206, 6.524379),
        ("Dubai", 55.270783, 25.204849), ("Mumbai", 72.877656, 19.075984), ("Delhi", 77.102490, 28.704059),
        ("Singapore", 103.819836, 1.352083), ("Beijing", 116.407396, 39.904200), ("Shanghai", 121.473701, 31.230416),
        ("Tokyo", 139.650311, 35.676192), ("Seoul", 126.977969, 37.566535), ("Sydney", 151.209296, -33.868820),
        ("Auckland", 174.763332, -36.848460), ("Suva", 178.441895, -18.141600), ("Apia", -171.751990, -13.833330),
        ("Honolulu", -157.858333, 21.306944), ("Anchorage", -149.900278, 61.218056), ("Vancouver", -123.120738, 49.282729),
        ("SanFrancisco", -122.419416, 37.774929), ("LosAngeles", -118.243685, 34.052234), ("Mexico", -99.133208, 19.432608),
        ("NewYork", -74.005941, 40.712784), ("Toronto", -79.383184, 43.653226), ("Bogota", -74.072092, 4.710989),
        ("Lima", -77.042793, -12.046374), ("Santiago", -70.669265, -33.448890), ("BuenosAires", -58.381559, -34.603684),
        ("SaoPaulo", -46.633309, -23.550520), ("Ushuaia", -68.303012, -54.801912), ("Longyearbyen", 15.633333, 78.216667),
        ("McMurdo", 166.668, -77.846), ("NullIsland", 0, 0), ("Edge", 180, 85.05112878), ("Corner", -180, -85.05112878),
    ];

    public static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>GEOADD arguments for all the cities.</summary>
    public static string[] CityArgs(string key)
    {
        var args = new List<string> { "GEOADD", key };
        foreach (var (n, lon, lat) in Cities) args.AddRange([F(lon), F(lat), n]);
        return [.. args];
    }

    /// <summary><paramref name="count"/> points around (lon, lat) within ±spread degrees, clamped to the limits.</summary>
    public static List<(string Name, double Lon, double Lat)> Random(Random rnd, int count, double lon, double lat, double spread)
    {
        var list = new List<(string, double, double)>();
        for (var i = 0; i < count; i++)
        {
            var x = Math.Clamp(lon + (rnd.NextDouble() * 2 - 1) * spread, -180, 180);
            var y = Math.Clamp(lat + (rnd.NextDouble() * 2 - 1) * spread, -85.05112878, 85.05112878);
            list.Add(($"p{i}", Math.Round(x, 6), Math.Round(y, 6)));
        }
        return list;
    }

    public static async Task AddAll(Differential d, string key, List<(string Name, double Lon, double Lat)> points)
    {
        for (var i = 0; i < points.Count; i += 50)
        {
            var args = new List<string> { "GEOADD", key };
            for (var j = i; j < Math.Min(points.Count, i + 50); j++) args.AddRange([F(points[j].Lon), F(points[j].Lat), points[j].Name]);
            await d.Same([.. args]);
        }
    }

    /// <summary>Runs a scenario in RESP2 and RESP3; the key's hash tag is shared by <c>key + suffix</c> keys.</summary>
    public static Task Both(NodeFixture node, RedisServerFixture redis, Func<Differential, string, Task> s) => ZSetDiff.Both(node, redis, s);
}
