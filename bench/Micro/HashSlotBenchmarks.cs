using System.Text;
using BenchmarkDotNet.Attributes;
using QuorumCache.Cluster.Slots;

namespace QuorumCache.Micro;

/// <summary>HashSlot.Of (CRC16/XMODEM, hash tags) over 256 keys per invocation; results are per key.</summary>
[MemoryDiagnoser]
public class HashSlotBenchmarks
{
    private const int Keys = 256;
    private byte[][] _plain = null!;
    private byte[][] _tagged = null!;

    [GlobalSetup]
    public void Setup()
    {
        _plain = new byte[Keys][];
        _tagged = new byte[Keys][];
        for (var i = 0; i < Keys; i++)
        {
            _plain[i] = Encoding.ASCII.GetBytes("key:" + i.ToString("D12"));       // 16 bytes, as in the macro runs
            _tagged[i] = Encoding.ASCII.GetBytes("{user" + i + "}:profile:name");
        }
    }

    [Benchmark(OperationsPerInvoke = Keys)]
    public int Plain16ByteKey()
    {
        var sum = 0;
        foreach (var k in _plain) sum += HashSlot.Of(k);
        return sum;
    }

    [Benchmark(OperationsPerInvoke = Keys)]
    public int HashTaggedKey()
    {
        var sum = 0;
        foreach (var k in _tagged) sum += HashSlot.Of(k);
        return sum;
    }
}
