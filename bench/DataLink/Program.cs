// Loopback throughput of two TcpDataLinks: frames/s for 64-byte frames and MB/s for 16 KiB frames,
// one direction, no drops allowed. Not in Cluster.sln. Run:
//   dotnet run -c Release --project bench/DataLink -- [repetitions, default 3]
using System.Diagnostics;
using System.Net;
using QuorumCache.Cluster.DataLink;

var reps = args.Length > 0 ? int.Parse(args[0]) : 3;
await Bench.RunAsync(64, 200_000, quiet: true); // warm-up (JIT, tiering)
await Bench.RunAsync(16 * 1024, 20_000, quiet: true);
for (var r = 0; r < reps; r++)
{
    await Bench.RunAsync(64, 3_000_000);
    await Bench.RunAsync(16 * 1024, 200_000);
}

internal static class Bench
{
    private static DataLinkOptions Options(string id) => new()
    {
        NodeId = id, ClusterId = "bench", BindAddress = IPAddress.Loopback, Port = 0,
        MaxQueuedBytesPerPeer = 256L << 20,
    };

    public static async Task RunAsync(int size, long frames, bool quiet = false)
    {
        await using var a = new TcpDataLinks(Options("node-a"));
        await using var b = new TcpDataLinks(Options("node-b"));
        await a.StartAsync();
        await b.StartAsync();
        long received = 0;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var target = frames + 1;
        b.SetHandler(DataChannel.HandOff, (_, _, _) =>
        {
            if (Interlocked.Increment(ref received) == target)
                done.TrySetResult();
        });
        a.SetPeerAddress("node-b", "127.0.0.1", b.BoundPort);
        var payload = new byte[size];
        a.Send("node-b", DataChannel.HandOff, payload); // the link is up once this one arrives
        while (Interlocked.Read(ref received) < 1)
            await Task.Delay(1);
        var sw = Stopwatch.StartNew();
        for (long i = 0; i < frames; i++)
        {
            a.Send("node-b", DataChannel.HandOff, payload);
            if ((i & 1023) == 0)
                while (a.GetPeers()[0].QueuedBytes > 32L << 20) // stay under the queue bound: no drops
                    await Task.Delay(1);
        }
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await done.Task.WaitAsync(timeout.Token);
        sw.Stop();
        var dropped = a.GetPeers()[0].FramesDropped;
        if (dropped != 0)
            throw new InvalidOperationException($"{dropped} frames dropped");
        if (!quiet)
            Console.WriteLine($"{size,6} B x {frames,9}: {sw.Elapsed.TotalSeconds,6:F2} s  {frames / sw.Elapsed.TotalSeconds,12:N0} frames/s  {frames * (double)size / sw.Elapsed.TotalSeconds / 1e6,9:N1} MB/s");
    }
}
