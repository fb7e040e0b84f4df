using System.Collections.Concurrent;

namespace QuorumCache.Tests.Infrastructure;

/// <summary>
/// Runs CPU-bound simulation seeds on threads of their own, one per core, and lets the calling test
/// await them. Parallel.For ran them on the thread pool and kept taking every thread the pool added,
/// starving the in-process nodes that other test classes talk to over sockets meanwhile (a socket
/// test then waited 10–16 s for its node to start or answer; one with a 3 s read bound failed in CI).
/// Awaiting also frees xunit's worker thread for the continuations of the tests running beside it.
/// </summary>
public static class SeedRunner
{
    /// <summary>Runs <paramref name="body"/> once per seed; throws naming the seeds that threw.</summary>
    public static Task RunAsync(IEnumerable<int> seeds, Action<int> body)
    {
        var queue = new ConcurrentQueue<int>(seeds);
        var errors = new ConcurrentBag<(int Seed, Exception Error)>();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var workers = Math.Max(1, Environment.ProcessorCount);
        var running = workers;
        for (var i = 0; i < workers; i++)
        {
            new Thread(() =>
            {
                while (queue.TryDequeue(out var seed))
                {
                    try
                    {
                        body(seed);
                    }
                    catch (Exception ex)
                    {
                        errors.Add((seed, ex));
                    }
                }
                if (Interlocked.Decrement(ref running) > 0) return;
                if (errors.IsEmpty)
                {
                    done.SetResult();
                    return;
                }
                var sorted = errors.OrderBy(e => e.Seed).ToList();
                done.SetException(new SeedFailedException(
                    $"{sorted.Count} seed(s) failed: {string.Join(", ", sorted.Select(e => e.Seed))}. " +
                    $"First (seed {sorted[0].Seed}): {sorted[0].Error.Message}", sorted[0].Error));
            })
            { IsBackground = true, Name = "sim-seeds-" + i }.Start();
        }
        return done.Task;
    }
}

public sealed class SeedFailedException(string message, Exception first) : Exception(message, first);
