namespace QuorumCache.Node.Commands.HyperLogLog;

/// <summary>PFSELFTEST's checks (see <see cref="HllCommands"/>); returns the RESP reply.</summary>
internal static class HllSelfTest
{
    /// <summary>Null when every check passes, else the error text.</summary>
    public static string? Run()
    {
        var rng = new Random(0x5EED);
        var regs = new byte[Hll.DenseSize - Hll.HeaderSize];
        var expected = new byte[Hll.Registers];
        for (var round = 0; round < 100; round++)
        {
            for (var i = 0; i < Hll.Registers; i++)
            {
                expected[i] = (byte)rng.Next(64);
                HllDense.Put(regs, i, expected[i]);
            }
            for (var i = 0; i < Hll.Registers; i++)
            {
                var got = HllDense.Get(regs, i);
                if (got != expected[i]) return Error($"TESTFAILED Register error at {i}: {got} != {expected[i]}");
            }
        }

        var sparse = new byte[64 * 1024];
        var len = Hll.WriteEmpty(sparse);
        byte[]? promoted = null;
        var dense = new byte[Hll.DenseSize];
        "HYLL"u8.CopyTo(dense);
        Span<byte> element = stackalloc byte[8];
        var relErr = 1.04 / Math.Sqrt(Hll.Registers);
        var seed = (ulong)rng.NextInt64();
        for (var n = 1; n <= 200_000; n++)
        {
            BitConverter.TryWriteBytes(element, (ulong)n ^ seed);
            var count = Hll.Hash(element, out var index);
            HllDense.Set(dense.AsSpan(Hll.HeaderSize), index, count);
            if (promoted is not null) HllDense.Set(promoted.AsSpan(Hll.HeaderSize), index, count);
            else if (HllSparse.Set(sparse, ref len, index, count, 3000) == HllSparse.Promote)
            {
                promoted = HllSparse.ToDense(sparse.AsSpan(0, len))!;
                HllDense.Set(promoted.AsSpan(Hll.HeaderSize), index, count);
            }
            if (n % 997 != 0 && n != 200_000) continue;
            HllEstimator.TryCount(dense, out var fromDense);
            HllEstimator.TryCount(promoted is not null ? promoted : sparse.AsSpan(0, len), out var fromSparse);
            if (fromDense != fromSparse) return Error($"TESTFAILED dense/sparse disagree: {fromDense} != {fromSparse}");
            var maxErr = n < 1000 ? relErr * 6 : relErr * 5;
            if (Math.Abs((double)fromDense - n) > maxErr * n + 1)
                return Error($"TESTFAILED too big error. card:{n} abserr:{Math.Abs((double)fromDense - n)}");
        }
        return null;
    }

    private static string Error(string text) => text;
}
