using System.Text;
using QuorumCache.Node.Commands.HyperLogLog;

namespace QuorumCache.Tests.Node.HyperLogLog;

/// <summary>
/// Properties of the HLL code itself, over random element sets (seeded: QC_HLL_SEED=N explores
/// others; the seed is in every failure): counts stay within the error bound (standard error
/// 1.04/sqrt(16384), about 0.81%), the sparse and dense encodings of the same elements agree, and
/// registers read back what was written.
/// </summary>
public class HllPropertyTests
{
    private static readonly int Seed = int.TryParse(Environment.GetEnvironmentVariable("QC_HLL_SEED"), out var s) ? s : 81_2026;

    [Theory]
    [InlineData(1_000)]
    [InlineData(10_000)]
    [InlineData(100_000)]
    [InlineData(1_000_000)]
    public void LargeRandomSetsCountWithinFivePercent(int size)
    {
        var rng = new Random(Seed + size);
        var hll = new byte[Hll.DenseSize];
        "HYLL"u8.CopyTo(hll);
        var element = new byte[16];
        var seen = new HashSet<(long, long)>();
        while (seen.Count < size)
        {
            rng.NextBytes(element);
            if (!seen.Add((BitConverter.ToInt64(element, 0), BitConverter.ToInt64(element, 8)))) continue;
            HllDense.Add(hll, element);
        }
        Assert.True(HllEstimator.TryCount(hll, out var count));
        var error = Math.Abs((double)count - size) / size;
        Assert.True(error < 0.05, $"seed {Seed + size}: {size} distinct elements counted as {count} ({error:P2})");
    }

    [Fact]
    public void ErrorAveragedOverManySetsIsNearTheStandardError()
    {
        var rng = new Random(Seed);
        var sumSquares = 0.0;
        const int sets = 40, size = 50_000;
        var element = new byte[12];
        for (var s = 0; s < sets; s++)
        {
            var hll = new byte[Hll.DenseSize];
            "HYLL"u8.CopyTo(hll);
            var salt = rng.Next();
            for (var i = 0; i < size; i++)
            {
                BitConverter.TryWriteBytes(element, i);
                BitConverter.TryWriteBytes(element.AsSpan(4), salt);
                BitConverter.TryWriteBytes(element.AsSpan(8), s);
                HllDense.Add(hll, element);
            }
            HllEstimator.TryCount(hll, out var count);
            var e = ((double)count - size) / size;
            sumSquares += e * e;
        }
        var rms = Math.Sqrt(sumSquares / sets);
        Assert.True(rms < 0.0081 * 2, $"seed {Seed}: RMS relative error {rms:P3} over {sets} sets of {size}");
    }

    [Fact]
    public void SparseAndDenseAgreeAndPromoteAtTheLimit()
    {
        var rng = new Random(Seed);
        for (var round = 0; round < 20; round++)
        {
            var limit = rng.Next(20, 4000);
            var sparse = new byte[limit + 64];
            var len = Hll.WriteEmpty(sparse);
            var dense = new byte[Hll.DenseSize];
            "HYLL"u8.CopyTo(dense);
            var n = rng.Next(1, 3000);
            for (var i = 0; i < n; i++)
            {
                var e = Encoding.ASCII.GetBytes($"{round}:{i}:{rng.Next()}");
                var count = Hll.Hash(e, out var index);
                HllDense.Set(dense.AsSpan(Hll.HeaderSize), index, count);
                var r = HllSparse.Set(sparse, ref len, index, count, limit);
                if (r == HllSparse.Promote)
                {
                    var promoted = HllSparse.ToDense(sparse.AsSpan(0, len))!;
                    HllDense.Set(promoted.AsSpan(Hll.HeaderSize), index, count);
                    Assert.True(promoted.AsSpan(Hll.HeaderSize).SequenceEqual(dense.AsSpan(Hll.HeaderSize)), $"seed {Seed} round {round}: promoted registers differ");
                    break;
                }
                Assert.True(r is 0 or 1, $"seed {Seed} round {round}: Set returned {r}");
                Assert.True(len <= limit, $"seed {Seed} round {round}: sparse grew to {len} past {limit}");
                if (i % 5 != 0) continue;
                Assert.True(HllEstimator.TryCount(sparse.AsSpan(0, len), out var a));
                HllEstimator.TryCount(dense, out var b);
                Assert.True(a == b, $"seed {Seed} round {round} element {i}: sparse {a} dense {b}");
            }
        }
    }

    [Fact]
    public void RegistersReadBackWhatWasWritten()
    {
        var rng = new Random(Seed);
        var regs = new byte[Hll.DenseSize - Hll.HeaderSize];
        var expected = new int[Hll.Registers];
        for (var i = 0; i < Hll.Registers; i++) HllDense.Put(regs, i, expected[i] = rng.Next(64));
        for (var i = 0; i < Hll.Registers; i++) Assert.Equal(expected[i], HllDense.Get(regs, i));
        Span<int> histo = stackalloc int[64];
        histo.Clear();
        HllDense.Histogram(regs, histo);
        for (var v = 0; v < 64; v++) Assert.Equal(expected.Count(x => x == v), histo[v]);
    }

    [Theory]
    [InlineData("a", 12711, 2)]
    [InlineData("hello", 9216, 1)]
    [InlineData("", 5938, 2)]
    [InlineData("abcdefgh", 1383, 1)]
    [InlineData("abcdefghi", 6903, 1)]
    [InlineData("0123456789abcdef01234", 12419, 2)]
    public void ElementsLandInTheRegisterRedisPicks(string element, int register, int value)
    {
        // From redis-server 7.0: PFADD of the single element, then PFDEBUG GETREG's only non-zero register.
        Assert.Equal(value, Hll.Hash(Encoding.UTF8.GetBytes(element), out var index));
        Assert.Equal(register, index);
    }
}
