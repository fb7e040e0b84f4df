namespace QuorumCache.Node.Commands.Geo;

/// <summary>A geohash cell: <see cref="Step"/> bits per axis, interleaved in <see cref="Bits"/> (latitude in the even bits, longitude in the odd ones).</summary>
internal readonly record struct GeoCell(ulong Bits, int Step)
{
    public bool IsZero => Bits == 0 && Step == 0;

    /// <summary>The cell's first score at 52-bit precision (its last score is the next cell's first, exclusive).</summary>
    public ulong Align52() => Bits << (52 - Step * 2);
}

/// <summary>A cell's extent in degrees.</summary>
internal readonly record struct GeoArea(double LonMin, double LonMax, double LatMin, double LatMax);

/// <summary>
/// Redis's geohash: longitude in [-180, 180] and latitude in the Web Mercator limits [-85.05112878,
/// 85.05112878], each cut into 2^26 steps, interleaved into a 52-bit integer that is the sorted set score.
/// GEOHASH re-encodes with the standard latitude range [-90, 90] for its base32 strings.
/// </summary>
internal static class GeoHash
{
    public const double LonMin = -180, LonMax = 180;
    public const double LatMin = -85.05112878, LatMax = 85.05112878;
    public const int MaxStep = 26;

    /// <summary>Encodes at <paramref name="step"/> bits per axis in the given ranges; false outside them (or outside Redis's limits).</summary>
    public static bool TryEncode(double lon, double lat, int step, out ulong bits,
        double lonMin = LonMin, double lonMax = LonMax, double latMin = LatMin, double latMax = LatMax)
    {
        bits = 0;
        if (!IsValid(lon, lat)) return false;
        if (lat < latMin || lat > latMax || lon < lonMin || lon > lonMax) return false;
        var latOffset = (lat - latMin) / (latMax - latMin) * (1UL << step);
        var lonOffset = (lon - lonMin) / (lonMax - lonMin) * (1UL << step);
        bits = Interleave((uint)latOffset, (uint)lonOffset);
        return true;
    }

    /// <summary>Within Redis's indexable limits (NaN is not).</summary>
    public static bool IsValid(double lon, double lat) =>
        lon >= LonMin && lon <= LonMax && lat >= LatMin && lat <= LatMax;

    /// <summary>The 52-bit score of a point already checked with <see cref="IsValid"/>.</summary>
    public static double Score(double lon, double lat)
    {
        TryEncode(lon, lat, MaxStep, out var bits);
        return bits;
    }

    /// <summary>The extent of a cell in Redis's ranges.</summary>
    public static GeoArea Decode(GeoCell cell)
    {
        var (ilat, ilon) = Deinterleave(cell.Bits);
        var cells = (double)(1UL << cell.Step);
        const double latScale = LatMax - LatMin, lonScale = LonMax - LonMin;
        return new GeoArea(
            LonMin + ilon * 1.0 / cells * lonScale,
            LonMin + (uint)(ilon + 1) * 1.0 / cells * lonScale,
            LatMin + ilat * 1.0 / cells * latScale,
            LatMin + (uint)(ilat + 1) * 1.0 / cells * latScale);
    }

    /// <summary>The centre of the 26-step cell a score names, clamped to the limits (what GEOPOS shows).</summary>
    public static (double Lon, double Lat) DecodeScore(double score)
    {
        var a = Decode(new GeoCell(ScoreBits(score), MaxStep));
        var lon = (a.LonMin + a.LonMax) / 2;
        var lat = (a.LatMin + a.LatMax) / 2;
        if (lon > LonMax) lon = LonMax;
        if (lon < LonMin) lon = LonMin;
        if (lat > LatMax) lat = LatMax;
        if (lat < LatMin) lat = LatMin;
        return (lon, lat);
    }

    /// <summary>
    /// A score as the unsigned 64-bit integer Redis reads from it: C's double to uint64_t conversion as
    /// x86-64 compilers emit it, so scores set with ZADD outside the geohash range decode as they do there.
    /// </summary>
    public static ulong ScoreBits(double score)
    {
        const double two63 = 9223372036854775808.0;
        if (score < two63) return (ulong)CvtToInt64(score);
        return (ulong)CvtToInt64(score - two63) ^ 0x8000000000000000UL;
    }

    /// <summary>A score as C's (long long) cast on x86-64 (WITHHASH replies it).</summary>
    public static long ScoreHash(double score) => CvtToInt64(score);

    /// <summary>cvttsd2si: truncation, with 0x8000000000000000 for NaN and anything out of range.</summary>
    private static long CvtToInt64(double d) =>
        d >= -9223372036854775808.0 && d < 9223372036854775808.0 ? (long)d : long.MinValue;

    /// <summary>The 11-character base32 geohash GEOHASH shows (standard ranges, the 11th character always '0').</summary>
    public static void WriteBase32(double score, Span<byte> dest)
    {
        ReadOnlySpan<byte> alphabet = "0123456789bcdefghjkmnpqrstuvwxyz"u8;
        var (lon, lat) = DecodeScore(score);
        TryEncode(lon, lat, MaxStep, out var bits, -180, 180, -90, 90);
        for (var i = 0; i < 10; i++) dest[i] = alphabet[(int)((bits >> (52 - (i + 1) * 5)) & 0x1f)];
        dest[10] = alphabet[0];
    }

    // ---------------- neighbours ----------------

    public static GeoCell Move(GeoCell c, int dx, int dy) => MoveY(MoveX(c, dx), dy);

    private const ulong EvenBits = 0xaaaaaaaaaaaaaaaaUL; // longitude bits of an interleaved hash
    private const ulong OddBits = 0x5555555555555555UL;  // latitude bits

    private static GeoCell MoveX(GeoCell c, int d) => MoveAlong(c, d, EvenBits, OddBits);

    private static GeoCell MoveY(GeoCell c, int d) => MoveAlong(c, d, OddBits, EvenBits);

    /// <summary>Adds <paramref name="d"/>'s sign to the coordinate held in <paramref name="own"/> bits, carrying through the other coordinate's bits.</summary>
    private static GeoCell MoveAlong(GeoCell c, int d, ulong own, ulong other)
    {
        if (d == 0) return c;
        var mine = c.Bits & own;
        var theirs = c.Bits & other;
        var zz = other >> (64 - c.Step * 2);
        mine = d > 0 ? mine + (zz + 1) : (mine | zz) - (zz + 1);
        mine &= own >> (64 - c.Step * 2);
        return c with { Bits = mine | theirs };
    }

    // ---------------- bit interleaving ----------------

    /// <summary>Bits of <paramref name="even"/> into the even positions, <paramref name="odd"/> into the odd ones.</summary>
    public static ulong Interleave(uint even, uint odd) => Spread(even) | (Spread(odd) << 1);

    /// <summary>The even bits and the odd bits of a 64-bit value.</summary>
    public static (uint Even, uint Odd) Deinterleave(ulong bits) => (Compact(bits), Compact(bits >> 1));

    private static ulong Spread(uint v)
    {
        ulong x = v;
        x = (x | (x << 16)) & 0x0000FFFF0000FFFFUL;
        x = (x | (x << 8)) & 0x00FF00FF00FF00FFUL;
        x = (x | (x << 4)) & 0x0F0F0F0F0F0F0F0FUL;
        x = (x | (x << 2)) & 0x3333333333333333UL;
        x = (x | (x << 1)) & 0x5555555555555555UL;
        return x;
    }

    private static uint Compact(ulong x)
    {
        x &= 0x5555555555555555UL;
        x = (x | (x >> 1)) & 0x3333333333333333UL;
        x = (x | (x >> 2)) & 0x0F0F0F0F0F0F0F0FUL;
        x = (x | (x >> 4)) & 0x00FF00FF00FF00FFUL;
        x = (x | (x >> 8)) & 0x0000FFFF0000FFFFUL;
        x = (x | (x >> 16)) & 0x00000000FFFFFFFFUL;
        return (uint)x;
    }
}
