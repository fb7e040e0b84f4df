using BenchmarkDotNet.Running;

namespace QuorumCache.Micro;

/// <summary>
/// Entry point of the micro-benchmarks (BenchmarkDotNet). Run through bench/micro.sh, or directly:
/// <c>dotnet run -c Release --project bench/Micro -- --filter '*' [--job short]</c>.
/// Every benchmark class carries [MemoryDiagnoser], so the "Allocated" column shows bytes per operation.
/// </summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
