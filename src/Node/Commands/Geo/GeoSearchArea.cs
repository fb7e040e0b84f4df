namespace QuorumCache.Node.Commands.Geo;

/// <summary>
/// The cells a search scans, chosen as Redis chooses them: one cell around the centre at a precision
/// estimated from the search radius, plus its eight neighbours, minus the neighbours the shape's
/// bounding box cannot reach. Scanning the same cells in the same order gives Redis's unsorted order.
/// </summary>
internal static class GeoSearchArea
{
    private const double MercatorMax = 20037726.37;

    /// <summary>
    /// Fills <paramref name="cells"/> (9 entries) in scan order: centre, N, S, E, W, NE, NW, SE, SW;
    /// excluded neighbours are zero cells.
    /// </summary>
    public static void Cells(in GeoShape shape, Span<GeoCell> cells)
    {
        Bounds(shape, out var minLon, out var minLat, out var maxLon, out var maxLat);
        var radius = shape.IsBox
            ? Math.Sqrt(shape.Width / 2 * (shape.Width / 2) + shape.Height / 2 * (shape.Height / 2))
            : shape.Radius;
        radius *= shape.ToMeters;
        var step = EstimateStep(radius, shape.Lat);
        var centre = Encode(shape, step);

        var north = GeoHash.Decode(GeoHash.Move(centre, 0, 1));
        var south = GeoHash.Decode(GeoHash.Move(centre, 0, -1));
        var east = GeoHash.Decode(GeoHash.Move(centre, 1, 0));
        var west = GeoHash.Decode(GeoHash.Move(centre, -1, 0));
        // Near a cell edge a neighbour may not reach the whole box: one step coarser then.
        var decrease = north.LatMax < maxLat || south.LatMin > minLat || east.LonMax < maxLon || west.LonMin > minLon;
        if (step > 1 && decrease)
        {
            step--;
            centre = Encode(shape, step);
        }

        cells[0] = centre;
        cells[1] = GeoHash.Move(centre, 0, 1);
        cells[2] = GeoHash.Move(centre, 0, -1);
        cells[3] = GeoHash.Move(centre, 1, 0);
        cells[4] = GeoHash.Move(centre, -1, 0);
        cells[5] = GeoHash.Move(centre, 1, 1);
        cells[6] = GeoHash.Move(centre, -1, 1);
        cells[7] = GeoHash.Move(centre, 1, -1);
        cells[8] = GeoHash.Move(centre, -1, -1);
        if (step < 2) return;
        var area = GeoHash.Decode(centre);
        if (area.LatMin < minLat) cells[2] = cells[8] = cells[7] = default;
        if (area.LatMax > maxLat) cells[1] = cells[5] = cells[6] = default;
        if (area.LonMin < minLon) cells[4] = cells[8] = cells[6] = default;
        if (area.LonMax > maxLon) cells[3] = cells[7] = cells[5] = default;
    }

    private static GeoCell Encode(in GeoShape shape, int step)
    {
        GeoHash.TryEncode(shape.Lon, shape.Lat, step, out var bits);
        return new GeoCell(bits, step);
    }

    /// <summary>Bits per axis for a cell about as large as the search radius (coarser towards the poles).</summary>
    public static int EstimateStep(double meters, double lat)
    {
        if (meters == 0) return GeoHash.MaxStep;
        var step = 1;
        while (meters < MercatorMax)
        {
            meters *= 2;
            step++;
        }
        step -= 2;
        if (lat > 66 || lat < -66)
        {
            step--;
            if (lat > 80 || lat < -80) step--;
        }
        return Math.Clamp(step, 1, GeoHash.MaxStep);
    }

    /// <summary>
    /// The shape's bounding box in degrees; the east-west half-width is taken at the box's edge nearer
    /// the pole (the northern edge in the northern hemisphere, the southern one in the southern).
    /// </summary>
    public static void Bounds(in GeoShape shape, out double minLon, out double minLat, out double maxLon, out double maxLat)
    {
        var height = shape.ToMeters * (shape.IsBox ? shape.Height / 2 : shape.Radius);
        var width = shape.ToMeters * (shape.IsBox ? shape.Width / 2 : shape.Radius);
        var latDelta = GeoDistance.ToDegrees(height / GeoDistance.EarthRadius);
        var lonDeltaTop = GeoDistance.ToDegrees(width / GeoDistance.EarthRadius / Math.Cos(GeoDistance.ToRadians(shape.Lat + latDelta)));
        var lonDeltaBottom = GeoDistance.ToDegrees(width / GeoDistance.EarthRadius / Math.Cos(GeoDistance.ToRadians(shape.Lat - latDelta)));
        var lonDelta = shape.Lat < 0 ? lonDeltaBottom : lonDeltaTop;
        minLon = shape.Lon - lonDelta;
        maxLon = shape.Lon + lonDelta;
        minLat = shape.Lat - latDelta;
        maxLat = shape.Lat + latDelta;
    }
}
