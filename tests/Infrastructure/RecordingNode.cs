namespace QuorumCache.Tests.Infrastructure;

/// <summary>
/// A node of its own whose committed effects are recorded (the shared fixtures stay untouched). Use it
/// as a class fixture, or derive a test class from it for a fresh node per test.
/// </summary>
public class RecordingNode : IAsyncLifetime
{
    public NodeFixture Node { get; } = new();
    public EffectRecorder Recorder { get; } = new();

    public async Task InitializeAsync()
    {
        await Node.InitializeAsync();
        Node.Server.Effects = Recorder;
    }

    public Task DisposeAsync() => Node.DisposeAsync();
}
