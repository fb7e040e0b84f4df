using QuorumCache.Node.Config;
using QuorumCache.Node.Hosting;
using QuorumCache.Node.Server;

namespace QuorumCache.Tests.Node.Core;

/// <summary>The I/O block pool Kestrel reads into and writes replies into.</summary>
public class LargeBlockMemoryPoolTests
{
    private static byte[] ArrayOf(System.Buffers.IMemoryOwner<byte> block) =>
        System.Runtime.InteropServices.MemoryMarshal.TryGetArray<byte>(block.Memory, out var segment) ? segment.Array! : throw new InvalidOperationException("no array");

    [Fact]
    public void BlocksHaveTheConfiguredSizeAndAreReused()
    {
        using var pool = new LargeBlockMemoryPool(32 * 1024, maxFreeBlocks: 4);
        Assert.Equal(32 * 1024, pool.MaxBufferSize);
        var a = pool.Rent(100);
        Assert.Equal(32 * 1024, a.Memory.Length);
        var first = ArrayOf(a);
        a.Dispose();
        a.Dispose(); // a second dispose must not return the block twice
        var b = pool.Rent();
        var c = pool.Rent();
        Assert.Same(first, ArrayOf(b)); // a freed block is handed out again
        Assert.NotSame(ArrayOf(b), ArrayOf(c)); // two live blocks never share memory
        b.Dispose();
        c.Dispose();
    }

    [Fact]
    public void FreeListIsBounded()
    {
        using var pool = new LargeBlockMemoryPool(4096, maxFreeBlocks: 2);
        var blocks = Enumerable.Range(0, 5).Select(_ => pool.Rent()).ToList();
        var arrays = blocks.Select(ArrayOf).ToList();
        foreach (var b in blocks) b.Dispose();
        var again = Enumerable.Range(0, 5).Select(_ => pool.Rent()).ToList();
        var reused = again.Count(n => arrays.Contains(ArrayOf(n)));
        Assert.Equal(2, reused);
        foreach (var b in again) b.Dispose();
    }

    [Fact]
    public void BlocksArePinnable()
    {
        using var pool = new LargeBlockMemoryPool(8192, 1);
        using var block = pool.Rent();
        unsafe
        {
            using var handle = block.Memory[100..].Pin();
            fixed (byte* p = block.Memory.Span)
                Assert.True(handle.Pointer == p + 100);
        }
    }

    [Fact]
    public void RequestsLargerThanABlockAreRefused()
    {
        using var pool = new LargeBlockMemoryPool(4096, 1);
        Assert.Throws<ArgumentOutOfRangeException>(() => pool.Rent(4097));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LargeBlockMemoryPool(1024, 1));
    }

    [Theory]
    [InlineData("2KB")]
    [InlineData("2MB")]
    public void ConfiguredBlockSizeOutOfRangeStopsTheStart(string size)
    {
        var ex = Assert.Throws<ConfigException>(() =>
            NodeOptionsLoader.Load([], new Dictionary<string, string> { ["QUORUMCACHE_NODE__IO_BLOCK_SIZE"] = size }));
        Assert.Contains("io-block-size", ex.Message);
    }

    [Fact]
    public void ConfiguredBlockSizeIsRead() =>
        Assert.Equal(64 * 1024, NodeOptionsLoader.Load([], new Dictionary<string, string> { ["QUORUMCACHE_NODE__IO_BLOCK_SIZE"] = "64KB" }).IoBlockSize);
}
