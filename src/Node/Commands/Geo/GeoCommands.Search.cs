using QuorumCache.Node.Storage;
using QuorumCache.Node.Notifications;
using QuorumCache.Node.Storage.Types;
using static QuorumCache.Node.Commands.CommandFlags;

namespace QuorumCache.Node.Commands.Geo;

/// <summary>
/// GEOSEARCH, GEOSEARCHSTORE, GEORADIUS, GEORADIUSBYMEMBER and their _RO forms: one parser and one
/// search (Redis's georadiusGeneric), with its argument order, errors, scan order and replies.
/// </summary>
public static partial class GeoCommands
{
    [Flags]
    private enum SearchKind
    {
        RadiusCoords = 1,
        RadiusMember = 2,
        Search = 4,
        SearchStore = 8,
        NoStore = 16,
    }

    private enum Sort { None, Asc, Desc }

    private static void RegisterSearches(CommandTable t)
    {
        Reader(t, "geosearch", -7, ctx => Search(ctx, SearchKind.Search), "6.2.0");
        t.Add(new CommandDef
        {
            Name = "geosearchstore", Arity = -8, Flags = Write | DenyOom, FirstKey = 1, LastKey = 2, Step = 1,
            Handler = ctx => Search(ctx, SearchKind.Search | SearchKind.SearchStore),
            Group = Group, Categories = ["write", "geo", "slow"], Since = "6.2.0",
        });
        Radius(t, "georadius", -6, SearchKind.RadiusCoords, optionsFrom: 6);
        Radius(t, "georadiusbymember", -5, SearchKind.RadiusMember, optionsFrom: 5);
        Reader(t, "georadius_ro", -6, ctx => Search(ctx, SearchKind.RadiusCoords | SearchKind.NoStore), "3.2.10");
        Reader(t, "georadiusbymember_ro", -5, ctx => Search(ctx, SearchKind.RadiusMember | SearchKind.NoStore), "3.2.10");
    }

    /// <summary>GEORADIUS[BYMEMBER]: a write command (STORE) whose keys are the source and any STORE/STOREDIST destination.</summary>
    private static void Radius(CommandTable t, string name, int arity, SearchKind kind, int optionsFrom) => t.Add(new CommandDef
    {
        Name = name, Arity = arity, Flags = Write | DenyOom, FirstKey = 1, LastKey = 1, Step = 1,
        Handler = ctx => Search(ctx, kind),
        Keys = (args, pos) =>
        {
            pos.Add(1);
            AddKeywordKey(args, "store"u8, optionsFrom, pos);
            AddKeywordKey(args, "storedist"u8, optionsFrom, pos);
        },
        Group = Group, Categories = ["write", "geo", "slow"], Since = "3.2.0",
    });

    /// <summary>As Redis's keyword key spec: the argument after the first <paramref name="keyword"/> at or after <paramref name="from"/>.</summary>
    private static void AddKeywordKey(Resp.CommandBuffer args, ReadOnlySpan<byte> keyword, int from, List<int> pos)
    {
        for (var i = from; i < args.Count - 1; i++)
        {
            if (!args.Is(i, keyword)) continue;
            pos.Add(i + 1);
            return;
        }
    }

    private struct Found
    {
        public byte[] Member;
        public double Lon, Lat, Distance, Score;
        public int Order;
    }

    private static void Search(CommandContext ctx, SearchKind kind)
    {
        var a = ctx.Args;
        var w = ctx.Reply;
        var sourceIndex = (kind & SearchKind.SearchStore) != 0 ? 2 : 1;
        if (!ctx.TryGet<RedisSortedSet>(a[sourceIndex], out var z)) return;
        // Redis reads the source with a read lookup even in the write forms: a missing one is a key miss.
        if (z is null && ctx.Command.IsWrite) ctx.NotifyKeyMiss(a[sourceIndex]);

        var shape = new GeoShape();
        int baseArgs;
        var storeIndex = -1;
        if ((kind & SearchKind.RadiusCoords) != 0)
        {
            baseArgs = 6;
            if (!TryLonLat(ctx, 2, out shape.Lon, out shape.Lat)) return;
            if (!TryRadius(ctx, 4, out shape.Radius, out shape.ToMeters)) return;
        }
        else if ((kind & SearchKind.RadiusMember) != 0)
        {
            baseArgs = 5;
            // Without a source the member and radius go unchecked: the reply is empty anyway.
            if (z is not null)
            {
                if (!TryMember(ctx, z, 2, ref shape)) return;
                if (!TryRadius(ctx, 3, out shape.Radius, out shape.ToMeters)) return;
            }
        }
        else
        {
            baseArgs = 2;
            if ((kind & SearchKind.SearchStore) != 0)
            {
                baseArgs = 3;
                storeIndex = 1;
            }
        }

        bool withDist = false, withHash = false, withCoord = false, any = false, storeDist = false;
        bool fromMember = false, fromLonLat = false, byRadius = false, byBox = false;
        var sort = Sort.None;
        long count = 0;
        var search = (kind & SearchKind.Search) != 0;
        var remaining = a.Count - baseArgs;
        for (var i = 0; i < remaining; i++)
        {
            var j = baseArgs + i;
            if (a.Is(j, "withdist"u8)) withDist = true;
            else if (a.Is(j, "withhash"u8)) withHash = true;
            else if (a.Is(j, "withcoord"u8)) withCoord = true;
            else if (a.Is(j, "any"u8)) any = true;
            else if (a.Is(j, "asc"u8)) sort = Sort.Asc;
            else if (a.Is(j, "desc"u8)) sort = Sort.Desc;
            else if (a.Is(j, "count"u8) && i + 1 < remaining)
            {
                if (!ArgParse.TryInt64(a[j + 1], out count))
                {
                    w.WriteError(Errors.NotInteger);
                    return;
                }
                if (count <= 0)
                {
                    w.WriteError("ERR COUNT must be > 0");
                    return;
                }
                i++;
            }
            else if ((a.Is(j, "store"u8) || a.Is(j, "storedist"u8)) && i + 1 < remaining && (kind & (SearchKind.NoStore | SearchKind.Search)) == 0)
            {
                storeIndex = j + 1;
                storeDist = a.Is(j, "storedist"u8);
                i++;
            }
            else if (a.Is(j, "storedist"u8) && (kind & SearchKind.SearchStore) != 0) storeDist = true;
            else if (a.Is(j, "frommember"u8) && i + 1 < remaining && search && !fromLonLat)
            {
                if (z is not null && !TryMember(ctx, z, j + 1, ref shape)) return;
                fromMember = true;
                i++;
            }
            else if (a.Is(j, "fromlonlat"u8) && i + 2 < remaining && search && !fromMember)
            {
                if (!TryLonLat(ctx, j + 1, out shape.Lon, out shape.Lat)) return;
                fromLonLat = true;
                i += 2;
            }
            else if (a.Is(j, "byradius"u8) && i + 2 < remaining && search && !byBox)
            {
                if (!TryRadius(ctx, j + 1, out shape.Radius, out shape.ToMeters)) return;
                shape.IsBox = false;
                byRadius = true;
                i += 2;
            }
            else if (a.Is(j, "bybox"u8) && i + 3 < remaining && search && !byRadius)
            {
                if (!TryBox(ctx, j + 1, out shape.Width, out shape.Height, out shape.ToMeters)) return;
                shape.IsBox = true;
                byBox = true;
                i += 3;
            }
            else
            {
                w.WriteError(Errors.Syntax);
                return;
            }
        }

        if (storeIndex >= 0 && (withDist || withHash || withCoord))
        {
            w.WriteError((kind & SearchKind.SearchStore) != 0
                ? "ERR GEOSEARCHSTORE is not compatible with WITHDIST, WITHHASH and WITHCOORD options"
                : "ERR STORE option in GEORADIUS is not compatible with WITHDIST, WITHHASH and WITHCOORD options");
            return;
        }
        if (search && !(fromMember || fromLonLat))
        {
            w.WriteError($"ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for {a.GetString(0)}");
            return;
        }
        if (search && !(byRadius || byBox))
        {
            w.WriteError($"ERR exactly one of BYRADIUS and BYBOX can be specified for {a.GetString(0)}");
            return;
        }
        if (any && count == 0)
        {
            w.WriteError("ERR the ANY argument requires COUNT argument");
            return;
        }

        if (z is null)
        {
            if (storeIndex >= 0)
            {
                SortedSets.SortedSetCommands.DeleteDestination(ctx, a[storeIndex]);
                w.WriteInteger(0);
            }
            else w.WriteArrayHeader(0);
            return;
        }
        // COUNT keeps the nearest, so it sorts unless ANY asked for the first found.
        if (count != 0 && sort == Sort.None && !any) sort = Sort.Asc;

        var found = Collect(z, shape, any ? count : 0);
        if (found.Count == 0 && storeIndex < 0)
        {
            w.WriteArrayHeader(0);
            return;
        }
        var returned = count == 0 || found.Count < count ? found.Count : (int)count;
        if (sort != Sort.None) SortByDistance(found, sort == Sort.Desc);

        if (storeIndex >= 0)
        {
            Store(ctx, a[storeIndex], found, returned, storeDist, shape.ToMeters,
                (kind & SearchKind.Search) != 0 ? "geosearchstore"u8 : "georadiusstore"u8);
            return;
        }
        var options = (withDist ? 1 : 0) + (withHash ? 1 : 0) + (withCoord ? 1 : 0);
        w.WriteArrayHeader(returned);
        for (var i = 0; i < returned; i++)
        {
            var f = found[i];
            if (options > 0) w.WriteArrayHeader(options + 1);
            w.WriteBulk(f.Member);
            if (withDist) GeoFormat.WriteDistance(w, f.Distance / shape.ToMeters);
            if (withHash) w.WriteInteger(GeoHash.ScoreHash(f.Score));
            if (withCoord)
            {
                w.WriteArrayHeader(2);
                GeoFormat.WriteCoordinate(w, f.Lon);
                GeoFormat.WriteCoordinate(w, f.Lat);
            }
        }
    }

    /// <summary>Centres the shape on a member of the set, or replies Redis's error when it is missing.</summary>
    private static bool TryMember(CommandContext ctx, RedisSortedSet z, int index, ref GeoShape shape)
    {
        if (!z.TryGetScore(ctx.Args[index], out var score))
        {
            ctx.Reply.WriteError("ERR could not decode requested zset member");
            return false;
        }
        (shape.Lon, shape.Lat) = GeoHash.DecodeScore(score);
        return true;
    }

    /// <summary>
    /// The members inside the shape, in scan order: the cells of <see cref="GeoSearchArea"/> one after the
    /// other (a cell equal to the one scanned just before is skipped), each by ascending score. With
    /// <paramref name="limit"/> the scan stops once that many are found.
    /// </summary>
    private static List<Found> Collect(RedisSortedSet z, in GeoShape shape, long limit)
    {
        Span<GeoCell> cells = stackalloc GeoCell[9];
        GeoSearchArea.Cells(shape, cells);
        var found = new List<Found>();
        var last = 0;
        for (var c = 0; c < cells.Length; c++)
        {
            var cell = cells[c];
            if (cell.IsZero) continue;
            // As Redis: the comparison starts only once a cell other than the centre was scanned.
            if (last != 0 && cell == cells[last]) continue;
            if (found.Count > 0 && limit > 0 && found.Count >= limit) break;
            var min = cell.Align52();
            var max = (cell with { Bits = cell.Bits + 1 }).Align52();
            var range = new ScoreRange(min, max, false, true);
            for (var n = z.List.FirstInRange(range, out _); n is not null && range.LteMax(n.Score); n = n.Next)
            {
                var (lon, lat) = GeoHash.DecodeScore(n.Score);
                if (!shape.Contains(lon, lat, out var distance)) continue;
                found.Add(new Found { Member = n.Member, Lon = lon, Lat = lat, Distance = distance, Score = n.Score, Order = found.Count });
                if (limit > 0 && found.Count >= limit) break;
            }
            last = c;
        }
        return found;
    }

    /// <summary>By distance, ties in scan order (a stable sort, as glibc's qsort is for these sizes).</summary>
    private static void SortByDistance(List<Found> found, bool descending) =>
        found.Sort((x, y) =>
        {
            var c = x.Distance.CompareTo(y.Distance);
            if (descending) c = -c;
            return c != 0 ? c : x.Order.CompareTo(y.Order);
        });

    /// <summary>STORE/STOREDIST and GEOSEARCHSTORE: the first <paramref name="returned"/> results as a new sorted set (an empty result deletes the destination).</summary>
    private static void Store(CommandContext ctx, ReadOnlySpan<byte> dst, List<Found> found, int returned, bool storeDist,
        double toMeters, ReadOnlySpan<byte> eventName)
    {
        if (returned == 0)
        {
            SortedSets.SortedSetCommands.DeleteDestination(ctx, dst);
            ctx.Reply.WriteInteger(0);
            return;
        }
        var result = new RedisSortedSet(returned);
        for (var i = 0; i < returned; i++)
        {
            var f = found[i];
            result.AddNew(f.Member, storeDist ? f.Distance / toMeters : f.Score, ctx.Server.Encoding);
        }
        ctx.SetValue(dst, result);
        ctx.Notify(KeyspaceEvents.ZSet, eventName, dst);
        ctx.Reply.WriteInteger(returned);
    }
}
