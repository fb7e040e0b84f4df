using QuorumCache.MultiNode.Checker;

namespace QuorumCache.MultiNode.CheckerTests;

/// <summary>
/// Generates histories of a real sequential register accessed by concurrent clients: each op
/// gets a random interval (a process runs one op at a time) and a random instant inside it at
/// which it takes effect; ops run against the register in the order of those instants, which
/// gives reads their outputs and CAS their success. Unknown writes take effect (possibly after
/// the client gave up) or not at all; failed writes never do. Such histories are linearizable
/// by construction.
/// </summary>
internal static class RegisterHistoryGenerator
{
    public sealed record Settings(int Processes = 4, int Ops = 100, double UnknownRate = 0.1, double FailRate = 0.05,
        double CasRate = 0.1, int MaxGap = 3, int MaxDuration = 20, string Key = "k");

    private sealed class Draft
    {
        public int Process;
        public OperationKind Kind;
        public string? Value, Expected, Output;
        public long Invoke, Complete;
        public double EffectAt;
        public bool Applies;     // participates in the register's sequential execution
        public Outcome Outcome;
    }

    public static History Generate(Random rng, Settings s)
    {
        var cursor = new long[s.Processes];
        var drafts = new List<Draft>(s.Ops);
        var written = new List<string>();
        int nextValue = 1;
        for (int i = 0; i < s.Ops; i++)
        {
            int p = rng.Next(s.Processes);
            var d = new Draft { Process = p };
            d.Invoke = cursor[p] + rng.Next(s.MaxGap + 1);
            d.Complete = d.Invoke + 1 + rng.Next(s.MaxDuration);
            cursor[p] = d.Complete + 1;
            d.EffectAt = d.Invoke + rng.NextDouble() * (d.Complete - d.Invoke);
            double roll = rng.NextDouble();
            d.Kind = roll < s.CasRate ? OperationKind.Cas : roll < s.CasRate + (1 - s.CasRate) / 2 ? OperationKind.Write : OperationKind.Read;
            d.Applies = true;
            d.Outcome = Outcome.Ok;
            if (d.Kind != OperationKind.Read)
            {
                d.Value = "v" + nextValue++;
                if (d.Kind == OperationKind.Cas)
                    d.Expected = written.Count == 0 || rng.Next(8) == 0 ? "v0" : written[rng.Next(Math.Max(0, written.Count - 4), written.Count)];
                written.Add(d.Value);
                double o = rng.NextDouble();
                if (o < s.FailRate && d.Kind == OperationKind.Write)
                {
                    d.Outcome = Outcome.Fail;
                    d.Applies = false;
                }
                else if (o < s.FailRate + s.UnknownRate)
                {
                    d.Outcome = Outcome.Unknown;
                    d.Applies = rng.Next(2) == 0;
                    // It may take effect long after the client gave up.
                    d.EffectAt = d.Invoke + rng.NextDouble() * 3 * (d.Complete - d.Invoke);
                }
            }
            else if (rng.NextDouble() < s.UnknownRate / 2)
            {
                d.Outcome = Outcome.Unknown;
            }
            drafts.Add(d);
        }

        var order = new List<Draft>(drafts);
        order.Sort((a, b) => a.EffectAt.CompareTo(b.EffectAt));
        string? state = null;
        foreach (var d in order)
        {
            if (!d.Applies) continue;
            switch (d.Kind)
            {
                case OperationKind.Read:
                    if (d.Outcome == Outcome.Ok) d.Output = state;
                    break;
                case OperationKind.Write:
                    state = d.Value;
                    break;
                case OperationKind.Cas:
                    if (state == d.Expected) state = d.Value;
                    else if (d.Outcome == Outcome.Ok) d.Outcome = Outcome.Fail;   // mismatch is reported as a failure
                    break;
            }
        }

        drafts.Sort((a, b) => a.Invoke.CompareTo(b.Invoke));
        var ops = new Operation[drafts.Count];
        for (int i = 0; i < ops.Length; i++)
        {
            var d = drafts[i];
            ops[i] = new Operation
            {
                Id = i, Process = d.Process, Key = s.Key, Kind = d.Kind, Value = d.Value, Expected = d.Expected,
                Output = d.Output, InvokeTicks = d.Invoke, CompleteTicks = d.Complete, Outcome = d.Outcome,
                Error = d.Outcome == Outcome.Unknown ? "timeout" : null,
            };
        }
        return new History(ops);
    }

    /// <summary>The same history with op <paramref name="id"/> replaced by <paramref name="op"/>.</summary>
    public static History Replace(History h, int id, Operation op)
    {
        var ops = h.Operations.ToArray();
        ops[id] = op;
        return new History(ops, h.TicksPerSecond, h.OriginTicks);
    }
}
