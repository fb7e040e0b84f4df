using QuorumCache.MultiNode.Checker;

namespace QuorumCache.MultiNode.CheckerTests;

/// <summary>
/// Compares the checker with a brute-force search over every order (and, for Unknown ops,
/// every choice of happening or not) on small random histories over a tiny value set, so
/// repeated values, CAS, failures and timeouts all mix and both verdicts occur.
/// </summary>
public class BruteForceCrossCheckTests
{
    private static readonly string?[] Values = { null, "1", "2", "3" };

    private static History RandomHistory(Random rng)
    {
        int n = 1 + rng.Next(8);
        var ops = new Operation[n];
        for (int i = 0; i < n; i++)
        {
            long invoke = rng.Next(20);
            long complete = invoke + rng.Next(8);
            double roll = rng.NextDouble();
            var kind = roll < 0.45 ? OperationKind.Read : roll < 0.85 ? OperationKind.Write : OperationKind.Cas;
            var outcome = rng.Next(10) switch { 0 => Outcome.Fail, 1 or 2 => Outcome.Unknown, _ => Outcome.Ok };
            string? Pick() => Values[rng.Next(Values.Length)];
            ops[i] = new Operation
            {
                Id = i, Process = i, Key = "k", Kind = kind, InvokeTicks = invoke, Outcome = outcome,
                CompleteTicks = outcome == Outcome.Unknown && rng.Next(2) == 0 ? null : complete,
                Value = kind == OperationKind.Read ? null : kind == OperationKind.Cas ? Values[1 + rng.Next(3)] : Pick(),
                Expected = kind == OperationKind.Cas ? Pick() : null,
                Output = kind == OperationKind.Read && outcome == Outcome.Ok ? Pick() : null,
            };
        }
        return new History(ops);
    }

    /// <summary>Tries every order: an op may go next if no remaining acknowledged op returned before it was invoked.</summary>
    private static bool BruteForce(IReadOnlyList<Operation> all)
    {
        var ops = all.Where(o => o.Outcome != Outcome.Fail && !(o.Kind == OperationKind.Read && o.Outcome != Outcome.Ok)).ToList();
        return Search(ops, new bool[ops.Count], null);
    }

    private static bool Search(List<Operation> ops, bool[] done, string? state)
    {
        bool any = false;
        for (int i = 0; i < ops.Count; i++)
        {
            if (done[i]) continue;
            any = true;
            var op = ops[i];
            bool blocked = false;
            for (int j = 0; j < ops.Count; j++)
                if (!done[j] && j != i && ops[j].Outcome == Outcome.Ok && ops[j].CompleteTicks < op.InvokeTicks) blocked = true;
            if (blocked) continue;
            done[i] = true;
            bool ok = false;
            if (op.Outcome == Outcome.Unknown && Search(ops, done, state)) ok = true;   // never happened
            else
            {
                switch (op.Kind)
                {
                    case OperationKind.Read:
                        ok = op.Output == state && Search(ops, done, state);
                        break;
                    case OperationKind.Write:
                        ok = Search(ops, done, op.Value);
                        break;
                    case OperationKind.Cas:
                        ok = op.Expected == state
                            ? Search(ops, done, op.Value)
                            : op.Outcome == Outcome.Unknown && Search(ops, done, state);
                        break;
                }
            }
            done[i] = false;
            if (ok) return true;
        }
        return !any;
    }

    [Fact]
    public void AgreesWithBruteForceOnSmallRandomHistories()
    {
        int valid = 0, invalid = 0;
        for (int seed = 1; seed <= 4000; seed++)
        {
            var h = RandomHistory(new Random(seed));
            bool expected = BruteForce(h.Operations);
            foreach (bool quick in new[] { true, false })
            {
                var r = LinearizabilityChecker.Check(h, new LinearizabilityOptions { QuickChecks = quick, PruneUnobservedUnknownWrites = quick });
                Assert.True(r.Verdict != CheckVerdict.Unknown, $"seed {seed}: inconclusive");
                Assert.True(expected == (r.Verdict == CheckVerdict.Valid),
                    $"seed {seed}, quick checks {quick}: brute force says {(expected ? "linearizable" : "not linearizable")}, checker says\n{r.Describe()}\n{h}");
            }
            if (expected) valid++; else invalid++;
        }
        // Both verdicts must be well represented, or the comparison proves little.
        Assert.True(valid > 800 && invalid > 800, $"{valid} valid, {invalid} invalid");
    }
}
