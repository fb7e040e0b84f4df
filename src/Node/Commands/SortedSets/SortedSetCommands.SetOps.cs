using QuorumCache.Node.Notifications;
using QuorumCache.Node.Storage;
using QuorumCache.Node.Storage.Types;
using static QuorumCache.Node.Commands.CommandFlags;

namespace QuorumCache.Node.Commands.SortedSets;

/// <summary>
/// ZUNION, ZINTER, ZDIFF, ZUNIONSTORE, ZINTERSTORE, ZDIFFSTORE and ZINTERCARD (Redis's
/// zunionInterDiffGenericCommand). Plain sets are accepted as inputs with score 1. The STORE forms are
/// deterministic and recorded verbatim; an empty result deletes the destination, on replay too.
/// </summary>
public static partial class SortedSetCommands
{
    private enum SetOp { Union, Inter, Diff }

    private enum Aggregate { Sum, Min, Max }

    private sealed class Source
    {
        public object? Subject;
        public double Weight = 1;

        public long Length => Subject switch
        {
            RedisSortedSet z => z.Count,
            IMemberSet s => s.Count,
            _ => 0,
        };

        public void ForEach(Action<byte[], double> visit)
        {
            if (Subject is RedisSortedSet z)
                for (var n = z.First; n is not null; n = n.Next) visit(n.Member, n.Score);
            else if (Subject is IMemberSet s) s.ForEachMember(m => visit(m, 1.0));
        }

        public bool TryFind(byte[] member, out double score)
        {
            score = 1.0;
            return Subject switch
            {
                RedisSortedSet z => z.TryGetScore(member, out score),
                IMemberSet s => s.Contains(member),
                _ => false,
            };
        }
    }

    private static void RegisterSetOps(CommandTable t)
    {
        void Reader(string name, SetOp op, bool card) => t.Add(new CommandDef
        {
            Name = name, Arity = -3, Flags = ReadOnly, Handler = ctx => SetOperation(ctx, 1, op, store: false, card),
            Keys = (args, pos) => NumKeys(args, 1, pos), Group = Group, Categories = ["read", "sortedset", "slow"],
            Since = card ? "7.0.0" : "6.2.0",
        });
        void Store(string name, SetOp op) => t.Add(new CommandDef
        {
            Name = name, Arity = -4, Flags = Write | DenyOom, Handler = ctx => SetOperation(ctx, 2, op, store: true, cardinalityOnly: false),
            Keys = (args, pos) =>
            {
                pos.Add(1);
                NumKeys(args, 2, pos);
            },
            Group = Group, Categories = ["write", "sortedset", "slow"],
        });
        Reader("zunion", SetOp.Union, false);
        Reader("zinter", SetOp.Inter, false);
        Reader("zdiff", SetOp.Diff, false);
        Reader("zintercard", SetOp.Inter, true);
        Store("zunionstore", SetOp.Union);
        Store("zinterstore", SetOp.Inter);
        Store("zdiffstore", SetOp.Diff);
    }

    private static void SetOperation(CommandContext ctx, int numKeysIdx, SetOp op, bool store, bool cardinalityOnly)
    {
        var a = ctx.Args;
        var w = ctx.Reply;
        if (!ArgParse.TryInt64(a[numKeysIdx], out var setNum))
        {
            w.WriteError(Errors.NotInteger);
            return;
        }
        if (setNum < 1)
        {
            w.WriteError($"ERR at least 1 input key is needed for '{ctx.Command.Name}' command");
            return;
        }
        if (setNum > a.Count - (numKeysIdx + 1))
        {
            w.WriteError(Errors.Syntax);
            return;
        }
        var n = (int)setNum;
        var src = new Source[n];
        var j = numKeysIdx + 1;
        for (var i = 0; i < n; i++, j++)
        {
            var v = ctx.Get(a[j]);
            // Read lookups for Redis even in the STORE forms: a missing source is a key miss.
            if (v is null && store) ctx.NotifyKeyMiss(a[j]);
            if (v is not null && v is not RedisSortedSet && v is not IMemberSet)
            {
                w.WriteError(Errors.WrongType);
                return;
            }
            src[i] = new Source { Subject = v };
        }
        var aggregate = Aggregate.Sum;
        var withScores = false;
        long limit = 0;
        while (j < a.Count)
        {
            var remaining = a.Count - j;
            if (op != SetOp.Diff && !cardinalityOnly && remaining >= n + 1 && a.Is(j, "weights"u8))
            {
                j++;
                for (var i = 0; i < n; i++, j++)
                {
                    if (!Score.TryParse(a[j], out src[i].Weight))
                    {
                        w.WriteError("ERR weight value is not a float");
                        return;
                    }
                }
            }
            else if (op != SetOp.Diff && !cardinalityOnly && remaining >= 2 && a.Is(j, "aggregate"u8))
            {
                j++;
                if (a.Is(j, "sum"u8)) aggregate = Aggregate.Sum;
                else if (a.Is(j, "min"u8)) aggregate = Aggregate.Min;
                else if (a.Is(j, "max"u8)) aggregate = Aggregate.Max;
                else
                {
                    w.WriteError(Errors.Syntax);
                    return;
                }
                j++;
            }
            else if (!store && !cardinalityOnly && a.Is(j, "withscores"u8))
            {
                j++;
                withScores = true;
            }
            else if (cardinalityOnly && remaining >= 2 && a.Is(j, "limit"u8))
            {
                j++;
                if (!ArgParse.TryInt64(a[j], out limit) || limit < 0)
                {
                    w.WriteError("ERR LIMIT can't be negative");
                    return;
                }
                j++;
            }
            else
            {
                w.WriteError(Errors.Syntax);
                return;
            }
        }
        // Smallest inputs first (a stable sort, so equal sizes keep their order), as Redis does for INTER and UNION.
        if (op != SetOp.Diff)
        {
            for (var i = 1; i < n; i++)
            {
                var cur = src[i];
                var k = i - 1;
                while (k >= 0 && src[k].Length > cur.Length)
                {
                    src[k + 1] = src[k];
                    k--;
                }
                src[k + 1] = cur;
            }
        }

        var result = new RedisSortedSet();
        long cardinality = 0;
        switch (op)
        {
            case SetOp.Inter:
                if (src[0].Length == 0) break;
                var done = false;
                src[0].ForEach((member, s) =>
                {
                    if (done) return;
                    var score = Zero(src[0].Weight * s);
                    int k;
                    for (k = 1; k < n; k++)
                    {
                        if (!src[k].TryFind(member, out var value)) break;
                        score = Combine(score, value * src[k].Weight, aggregate);
                    }
                    if (k < n) return;
                    if (cardinalityOnly)
                    {
                        cardinality++;
                        if (limit > 0 && cardinality >= limit) done = true;
                    }
                    else result.AddNew(member, score, ctx.Server.Encoding);
                });
                break;
            case SetOp.Union:
                var acc = new Dictionary<byte[], double>(KeyComparer.Instance);
                foreach (var s in src)
                {
                    if (s.Length == 0) continue;
                    s.ForEach((member, score) =>
                    {
                        score = Zero(s.Weight * score);
                        ref var slot = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(acc, member, out var exists);
                        slot = exists ? Combine(slot, score, aggregate) : score;
                    });
                }
                foreach (var (member, score) in acc) result.AddNew(member, score, ctx.Server.Encoding);
                break;
            default:
                src[0].ForEach((member, score) =>
                {
                    for (var k = 1; k < n; k++)
                        if (src[k].Subject is not null && src[k].TryFind(member, out _)) return;
                    result.AddNew(member, score, ctx.Server.Encoding);
                });
                break;
        }

        if (cardinalityOnly)
        {
            w.WriteInteger(cardinality);
            return;
        }
        if (store)
        {
            var dst = a[1];
            if (result.IsEmpty)
            {
                w.WriteInteger(0);
                DeleteDestination(ctx, dst);
                return;
            }
            ctx.SetValue(dst, result);
            ctx.Notify(KeyspaceEvents.ZSet, op switch { SetOp.Union => "zunionstore"u8, SetOp.Inter => "zinterstore"u8, _ => "zdiffstore"u8 }, dst);
            w.WriteInteger(result.Count);
            return;
        }
        WriteListHeader(w, result.Count, withScores);
        for (var node = result.First; node is not null; node = node.Next) WriteElement(w, node, withScores);
    }

    private static double Zero(double v) => double.IsNaN(v) ? 0 : v;

    private static double Combine(double target, double value, Aggregate aggregate)
    {
        switch (aggregate)
        {
            case Aggregate.Sum:
                return Zero(target + value);
            case Aggregate.Min:
                return value < target ? value : target;
            default:
                return value > target ? value : target;
        }
    }
}
