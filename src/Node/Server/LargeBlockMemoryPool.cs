using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Connections;

namespace QuorumCache.Node.Server;

/// <summary>
/// The memory Kestrel's socket transport reads into and the reply pipes write into, in blocks larger
/// than Kestrel's own 4 KB: one receive can then take a whole pipelined batch of 1 KB values instead of
/// four syscalls' worth, and fewer commands straddle two segments. Blocks are pinned (the socket reads
/// into them) and come from the pinned object heap; freed blocks go back to a bounded free list, so a
/// burst of connections does not keep its memory for ever.
/// </summary>
public sealed class LargeBlockMemoryPool : MemoryPool<byte>
{
    private readonly ConcurrentQueue<byte[]> _free = new();
    private readonly int _maxFree;
    private int _freeCount;

    public LargeBlockMemoryPool(int blockSize, int maxFreeBlocks)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(blockSize, 4096);
        BlockSize = blockSize;
        _maxFree = maxFreeBlocks;
    }

    public int BlockSize { get; }

    public override int MaxBufferSize => BlockSize;

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        if (minBufferSize > BlockSize)
            throw new ArgumentOutOfRangeException(nameof(minBufferSize), $"at most {BlockSize} bytes per block");
        if (_free.TryDequeue(out var array)) Interlocked.Decrement(ref _freeCount);
        else array = GC.AllocateUninitializedArray<byte>(BlockSize, pinned: true);
        return new Block(this, array);
    }

    private void Return(byte[] array)
    {
        if (Interlocked.Increment(ref _freeCount) <= _maxFree) _free.Enqueue(array);
        else Interlocked.Decrement(ref _freeCount);
    }

    protected override void Dispose(bool disposing)
    {
        while (_free.TryDequeue(out _)) { }
        _freeCount = 0;
    }

    private sealed class Block(LargeBlockMemoryPool pool, byte[] array) : MemoryManager<byte>
    {
        private byte[]? _array = array;

        public override Memory<byte> Memory => CreateMemory(BlockArray.Length);

        private byte[] BlockArray => _array ?? throw new ObjectDisposedException(nameof(Block));

        public override Span<byte> GetSpan() => BlockArray;

        // The array lives on the pinned object heap: its address never changes.
        public override unsafe MemoryHandle Pin(int elementIndex = 0) =>
            new(System.Runtime.CompilerServices.Unsafe.AsPointer(
                ref System.Runtime.CompilerServices.Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(BlockArray), elementIndex)));

        public override void Unpin()
        {
        }

        protected override bool TryGetArray(out ArraySegment<byte> segment)
        {
            segment = new ArraySegment<byte>(BlockArray);
            return true;
        }

        protected override void Dispose(bool disposing)
        {
            var a = Interlocked.Exchange(ref _array, null);
            if (a is not null) pool.Return(a);
        }
    }
}

/// <summary>Hands Kestrel a <see cref="LargeBlockMemoryPool"/> wherever it asks for a memory pool.</summary>
public sealed class LargeBlockMemoryPoolFactory(int blockSize, int maxFreeBlocks) : IMemoryPoolFactory<byte>
{
    public MemoryPool<byte> Create(MemoryPoolOptions? options = null) => new LargeBlockMemoryPool(blockSize, maxFreeBlocks);
}
