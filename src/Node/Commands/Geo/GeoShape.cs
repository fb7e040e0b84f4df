namespace QuorumCache.Node.Commands.Geo;

/// <summary>
/// A search shape: a circle of <see cref="Radius"/> or an axis-aligned box of <see cref="Width"/> ×
/// <see cref="Height"/> around (<see cref="Lon"/>, <see cref="Lat"/>), sizes in the request's unit,
/// <see cref="ToMeters"/> converting them.
/// </summary>
internal struct GeoShape
{
    public bool IsBox;
    public double Lon, Lat;
    public double Radius, Width, Height;
    public double ToMeters;

    /// <summary>
    /// True when the point is inside the shape, with its distance from the centre in meters. Boxes test
    /// the latitude span first, then the east-west distance along the point's own parallel.
    /// </summary>
    public readonly bool Contains(double lon, double lat, out double distance)
    {
        distance = 0;
        if (!IsBox)
        {
            distance = GeoDistance.Meters(Lon, Lat, lon, lat);
            return distance <= Radius * ToMeters;
        }
        if (GeoDistance.LatitudeMeters(lat, Lat) > Height * ToMeters / 2) return false;
        if (GeoDistance.Meters(lon, lat, Lon, lat) > Width * ToMeters / 2) return false;
        distance = GeoDistance.Meters(Lon, Lat, lon, lat);
        return true;
    }
}

/// <summary>Great-circle distances on Redis's sphere (the haversine formula, radius 6372797.560856 m).</summary>
internal static class GeoDistance
{
    public const double EarthRadius = 6372797.560856;
    private const double DegToRad = Math.PI / 180.0;

    public static double ToRadians(double degrees) => degrees * DegToRad;
    public static double ToDegrees(double radians) => radians / DegToRad;

    /// <summary>The distance along a meridian between two latitudes.</summary>
    public static double LatitudeMeters(double lat1, double lat2) =>
        EarthRadius * Math.Abs(ToRadians(lat2) - ToRadians(lat1));

    public static double Meters(double lon1, double lat1, double lon2, double lat2)
    {
        var v = Math.Sin((ToRadians(lon2) - ToRadians(lon1)) / 2);
        // Same meridian: the cheaper formula (and the one Redis takes there).
        if (v == 0.0) return LatitudeMeters(lat1, lat2);
        var lat1r = ToRadians(lat1);
        var lat2r = ToRadians(lat2);
        var u = Math.Sin((lat2r - lat1r) / 2);
        var a = u * u + Math.Cos(lat1r) * Math.Cos(lat2r) * v * v;
        return 2.0 * EarthRadius * Math.Asin(Math.Sqrt(a));
    }
}
