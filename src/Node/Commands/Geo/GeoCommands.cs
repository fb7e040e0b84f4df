using QuorumCache.Node.Storage;
using QuorumCache.Node.Notifications;
using QuorumCache.Node.Storage.Types;
using QuorumCache.Resp;
using static QuorumCache.Node.Commands.CommandFlags;

namespace QuorumCache.Node.Commands.Geo;

/// <summary>
/// The geo commands (Redis 7.0). A geo set is a sorted set whose scores are 52-bit geohashes
/// (<see cref="GeoHash"/>), so the sorted set commands work on it. GEOADD, GEOPOS, GEOHASH and GEODIST
/// here; the searches in GeoCommands.Search.cs.
/// </summary>
public static partial class GeoCommands
{
    private const string Group = "geo";

    public static void Register(CommandTable t)
    {
        t.Add(new CommandDef
        {
            Name = "geoadd", Arity = -5, Flags = Write | DenyOom, FirstKey = 1, LastKey = 1, Step = 1, Handler = GeoAdd,
            Group = Group, Categories = ["write", "geo", "slow"], Since = "3.2.0",
        });
        Reader(t, "geodist", -4, GeoDist, "3.2.0");
        Reader(t, "geohash", -2, GeoHashCommand, "3.2.0");
        Reader(t, "geopos", -2, GeoPos, "3.2.0");
        RegisterSearches(t);
    }

    private static void Reader(CommandTable t, string name, int arity, CommandHandler handler, string since) => t.Add(new CommandDef
    {
        Name = name, Arity = arity, Flags = ReadOnly, FirstKey = 1, LastKey = 1, Step = 1, Handler = handler,
        Group = Group, Categories = ["read", "geo", "slow"], Since = since,
    });

    // ---------------- argument helpers (Redis's error texts) ----------------

    /// <summary>
    /// A double as Redis's getDoubleFromObject reads it: <see cref="ArgParse.TryDouble"/>, minus what strtod
    /// flags as out of range (an overflow to infinity from finite digits, an underflow to zero from nonzero ones).
    /// </summary>
    internal static bool TryDouble(ReadOnlySpan<byte> s, out double value)
    {
        if (!ArgParse.TryDouble(s, out value)) return false;
        if (double.IsInfinity(value)) return s.IndexOfAny("iI"u8) >= 0;
        if (value != 0) return true;
        foreach (var c in s)
        {
            if (c is (byte)'e' or (byte)'E') break;
            if (c is >= (byte)'1' and <= (byte)'9') return false;
        }
        return true;
    }

    /// <summary>Reads a longitude,latitude pair at <paramref name="index"/>; replies the error when invalid.</summary>
    internal static bool TryLonLat(CommandContext ctx, int index, out double lon, out double lat)
    {
        lat = 0;
        if (!TryDouble(ctx.Args[index], out lon) || !TryDouble(ctx.Args[index + 1], out lat))
        {
            ctx.Reply.WriteError(Errors.NotFloat);
            return false;
        }
        if (GeoHash.IsValid(lon, lat)) return true;
        ctx.Reply.WriteError($"ERR invalid longitude,latitude pair {GeoFormat.Fixed6(lon)},{GeoFormat.Fixed6(lat)}");
        return false;
    }

    /// <summary>Meters per unit of M, KM, FT or MI.</summary>
    internal static bool TryUnit(CommandContext ctx, int index, out double toMeters)
    {
        var a = ctx.Args;
        toMeters = a.Is(index, "m"u8) ? 1 : a.Is(index, "km"u8) ? 1000 : a.Is(index, "ft"u8) ? 0.3048 : a.Is(index, "mi"u8) ? 1609.34 : -1;
        if (toMeters > 0) return true;
        ctx.Reply.WriteError("ERR unsupported unit provided. please use M, KM, FT, MI");
        return false;
    }

    /// <summary>A radius and its unit.</summary>
    internal static bool TryRadius(CommandContext ctx, int index, out double radius, out double toMeters)
    {
        toMeters = 0;
        if (!TryDouble(ctx.Args[index], out radius))
        {
            ctx.Reply.WriteError("ERR need numeric radius");
            return false;
        }
        if (radius < 0)
        {
            ctx.Reply.WriteError("ERR radius cannot be negative");
            return false;
        }
        return TryUnit(ctx, index + 1, out toMeters);
    }

    /// <summary>A box's width, height and unit.</summary>
    internal static bool TryBox(CommandContext ctx, int index, out double width, out double height, out double toMeters)
    {
        toMeters = height = 0;
        if (!TryDouble(ctx.Args[index], out width))
        {
            ctx.Reply.WriteError("ERR need numeric width");
            return false;
        }
        if (!TryDouble(ctx.Args[index + 1], out height))
        {
            ctx.Reply.WriteError("ERR need numeric height");
            return false;
        }
        if (height < 0 || width < 0)
        {
            ctx.Reply.WriteError("ERR height or width cannot be negative");
            return false;
        }
        return TryUnit(ctx, index + 2, out toMeters);
    }

    // ---------------- commands ----------------

    /// <summary>GEOADD key [NX|XX] [CH] lon lat member ...: ZADD with the geohashes as scores.</summary>
    private static void GeoAdd(CommandContext ctx)
    {
        var a = ctx.Args;
        bool nx = false, xx = false, ch = false;
        var first = 2;
        for (; first < a.Count; first++)
        {
            if (a.Is(first, "nx"u8)) nx = true;
            else if (a.Is(first, "xx"u8)) xx = true;
            else if (a.Is(first, "ch"u8)) ch = true;
            else break;
        }
        var elements = (a.Count - first) / 3;
        if ((a.Count - first) % 3 != 0 || (nx && xx) || elements == 0)
        {
            ctx.Reply.WriteError(Errors.Syntax);
            return;
        }
        // Every pair is checked before anything changes.
        for (var i = first; i < a.Count; i += 3)
            if (!TryLonLat(ctx, i, out _, out _)) return;
        var key = a[1];
        if (!ctx.TryGet<RedisSortedSet>(key, out var z)) return;
        if (z is null)
        {
            if (xx)
            {
                ctx.Reply.WriteInteger(0);
                return;
            }
            z = RedisSortedSet.Create(elements, a[first + 2].Length, ctx.Server.Encoding);
            ctx.SetValue(key, z);
        }
        else z.MaybeConvert(elements, ctx.Server.Encoding);

        var flags = nx ? ZAddFlags.Nx : xx ? ZAddFlags.Xx : ZAddFlags.None;
        int added = 0, updated = 0;
        for (var i = first; i < a.Count; i += 3)
        {
            TryDouble(a[i], out var lon);
            TryDouble(a[i + 1], out var lat);
            var outcome = z.Add(GeoHash.Score(lon, lat), a[i + 2], flags, ctx.Server.Encoding, out _);
            if (outcome == ZAddOutcome.Added) added++;
            else if (outcome == ZAddOutcome.Updated) updated++;
        }
        if (added + updated > 0)
        {
            ctx.Touched(key);
            ctx.Notify(KeyspaceEvents.ZSet, "zadd"u8, key);
        }
        ctx.Reply.WriteInteger(ch ? added + updated : added);
    }

    /// <summary>GEOPOS key member ...: each member's cell centre, or a null array.</summary>
    private static void GeoPos(CommandContext ctx)
    {
        var a = ctx.Args;
        if (!ctx.TryGet<RedisSortedSet>(a[1], out var z)) return;
        var w = ctx.Reply;
        w.WriteArrayHeader(a.Count - 2);
        for (var j = 2; j < a.Count; j++)
        {
            if (z is null || !z.TryGetScore(a[j], out var score))
            {
                w.WriteNullArray();
                continue;
            }
            var (lon, lat) = GeoHash.DecodeScore(score);
            w.WriteArrayHeader(2);
            GeoFormat.WriteCoordinate(w, lon);
            GeoFormat.WriteCoordinate(w, lat);
        }
    }

    /// <summary>GEOHASH key member ...: standard 11-character geohashes, or nulls.</summary>
    private static void GeoHashCommand(CommandContext ctx)
    {
        var a = ctx.Args;
        if (!ctx.TryGet<RedisSortedSet>(a[1], out var z)) return;
        var w = ctx.Reply;
        w.WriteArrayHeader(a.Count - 2);
        Span<byte> text = stackalloc byte[11];
        for (var j = 2; j < a.Count; j++)
        {
            if (z is null || !z.TryGetScore(a[j], out var score))
            {
                w.WriteNull();
                continue;
            }
            GeoHash.WriteBase32(score, text);
            w.WriteBulk(text);
        }
    }

    /// <summary>GEODIST key member1 member2 [unit]: null unless both members exist.</summary>
    private static void GeoDist(CommandContext ctx)
    {
        var a = ctx.Args;
        double toMeters = 1;
        if (a.Count == 5)
        {
            if (!TryUnit(ctx, 4, out toMeters)) return;
        }
        else if (a.Count > 5)
        {
            ctx.Reply.WriteError(Errors.Syntax);
            return;
        }
        if (!ctx.TryGet<RedisSortedSet>(a[1], out var z)) return;
        if (z is null || !z.TryGetScore(a[2], out var s1) || !z.TryGetScore(a[3], out var s2))
        {
            ctx.Reply.WriteNull();
            return;
        }
        var (lon1, lat1) = GeoHash.DecodeScore(s1);
        var (lon2, lat2) = GeoHash.DecodeScore(s2);
        GeoFormat.WriteDistance(ctx.Reply, GeoDistance.Meters(lon1, lat1, lon2, lat2) / toMeters);
    }
}
