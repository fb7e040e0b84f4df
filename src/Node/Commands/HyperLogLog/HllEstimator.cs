namespace QuorumCache.Node.Commands.HyperLogLog;

/// <summary>
/// Redis 7's cardinality estimate from the register histogram: Otmar Ertl's improved raw estimator
/// ("New cardinality estimation algorithms for HyperLogLog sketches", arXiv:1702.01284), whose sigma
/// and tau series correct the small and large ranges without bias tables. Evaluated in the same
/// order of double operations as Redis, so the rounded result is the same integer.
/// </summary>
public static class HllEstimator
{
    private const double AlphaInf = 0.721347520444481703680; // 1 / (2 ln 2)

    /// <summary>The cardinality of a string that passed <see cref="Hll.IsValid"/>; false for a corrupt sparse one.</summary>
    public static bool TryCount(ReadOnlySpan<byte> hll, out ulong count)
    {
        Span<int> histo = stackalloc int[64];
        histo.Clear();
        count = 0;
        if (hll[4] == Hll.Dense) HllDense.Histogram(hll[Hll.HeaderSize..], histo);
        else if (!HllSparse.Histogram(hll, histo)) return false;
        count = FromHistogram(histo);
        return true;
    }

    /// <summary>The cardinality of raw registers (one byte each), as the union of multi-key PFCOUNT.</summary>
    public static ulong CountRaw(ReadOnlySpan<byte> registers)
    {
        Span<int> histo = stackalloc int[64];
        histo.Clear();
        foreach (var r in registers) histo[r & 63]++;
        return FromHistogram(histo);
    }

    public static ulong FromHistogram(ReadOnlySpan<int> histo)
    {
        const double m = Hll.Registers;
        var z = m * Tau((m - histo[Hll.Q + 1]) / m);
        for (var j = Hll.Q; j >= 1; j--)
        {
            z += histo[j];
            z *= 0.5;
        }
        z += m * Sigma(histo[0] / m);
        var e = Math.Round(AlphaInf * m * m / z, MidpointRounding.AwayFromZero);
        // Redis rounds with llroundl: out of range (registers at impossible values: z = 0) gives LLONG_MIN.
        return e is >= -9.2233720368547758E18 and < 9.2233720368547758E18 ? (ulong)(long)e : 0x8000000000000000UL;
    }

    private static double Sigma(double x)
    {
        if (x == 1.0) return double.PositiveInfinity;
        double y = 1, z = x, previous;
        do
        {
            x *= x;
            previous = z;
            z += x * y;
            y += y;
        } while (previous != z);
        return z;
    }

    private static double Tau(double x)
    {
        if (x == 0.0 || x == 1.0) return 0.0;
        double y = 1.0, z = 1 - x, previous;
        do
        {
            x = Math.Sqrt(x);
            previous = z;
            y *= 0.5;
            var d = 1 - x;
            z -= d * d * y;
        } while (previous != z);
        return z / 3;
    }
}
