using QuorumCache.Resp;
using QuorumCache.Tests.Infrastructure;
using QuorumCache.Tests.Node.PubSub;

namespace QuorumCache.Tests.Node.Notifications;

/// <summary>
/// One side of a keyspace-notification comparison: a command connection and a RESP2 subscriber on
/// <c>__key*__:*</c>. Events are read up to a marker message the test publishes last (a channel the
/// pattern matches), so a comparison waits for exactly what the commands produced.
/// </summary>
internal sealed class EventTap : IAsyncDisposable
{
    public const string Pattern = "__key*__:*";
    private const string MarkerChannel = "__keymarker__:end";

    private EventTap(RespClient commands, RespClient subscriber)
    {
        Commands = commands;
        Subscriber = subscriber;
    }

    public RespClient Commands { get; }
    public RespClient Subscriber { get; }

    public static async Task<EventTap> OpenAsync(Func<Task<RespClient>> connect, string flags)
    {
        var commands = await connect();
        Reply.IsOk(await commands.Run("CONFIG", "SET", "notify-keyspace-events", flags));
        var sub = await PubSubTestKit.Resp2(connect);
        await sub.Send("PSUBSCRIBE", Pattern);
        await sub.NextFrames(1);
        return new EventTap(commands, sub);
    }

    /// <summary>Every event received until the marker, as "channel message" lines (the marker excluded).</summary>
    public async Task<List<string>> DrainAsync()
    {
        await Commands.Run("PUBLISH", MarkerChannel, "x");
        var events = new List<string>();
        while (true)
        {
            var line = Line(await Subscriber.Next());
            if (line == MarkerChannel + " x") return events;
            events.Add(line);
        }
    }

    /// <summary>Reads events until one satisfies <paramref name="until"/> (bounded by the test kit's wait).</summary>
    public async Task<List<string>> ReadUntilAsync(Func<string, bool> until)
    {
        var events = new List<string>();
        while (true)
        {
            var line = Line(await Subscriber.Next());
            events.Add(line);
            if (until(line)) return events;
        }
    }

    /// <summary>A pmessage frame [pmessage, pattern, channel, message] as "channel message".</summary>
    private static string Line(RespValue frame)
    {
        var items = frame.Items!;
        Assert.True(items.Length == 4 && items[0].Text == "pmessage", "not a pmessage: " + Differential.Render(frame));
        Assert.Equal(Pattern, items[1].Text);
        return items[2].Text + " " + items[3].Text;
    }

    public async ValueTask DisposeAsync()
    {
        await Commands.Run("CONFIG", "SET", "notify-keyspace-events", "");
        await Commands.DisposeAsync();
        await Subscriber.DisposeAsync();
    }
}
