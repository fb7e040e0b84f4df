using System.Text;
using QuorumCache.Node.Server;
using QuorumCache.Resp;

namespace QuorumCache.Node.Messaging;

/// <summary>
/// MONITOR: every command this node runs is sent to the monitoring clients as a status line, as
/// Redis formats it (<c>+1700000000.123456 [0 127.0.0.1:5000] "set" "k" "v"</c>). A monitor is a
/// subscriber whose mailbox gets these lines, so a slow monitor never holds up the commands it
/// watches and is disconnected past the pub/sub output limits. RESET or closing ends it.
/// </summary>
public sealed partial class PubSubHub
{
    private volatile Subscriber[] _monitors = [];

    /// <summary>True while any client monitors (one read per command when none does).</summary>
    public bool HasMonitors => _monitors.Length > 0;

    internal void AddMonitor(ClientSession s)
    {
        _lock.EnterWriteLock();
        try
        {
            if (!_subscribers.TryGetValue(s, out var sub)) _subscribers[s] = sub = new Subscriber(this, s);
            if (Array.IndexOf(_monitors, sub) < 0) _monitors = [.. _monitors, sub];
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>Stops monitoring for <paramref name="sub"/> (caller holds the write lock).</summary>
    private void RemoveMonitorLocked(Subscriber? sub)
    {
        if (sub is null || Array.IndexOf(_monitors, sub) < 0) return;
        _monitors = Array.FindAll(_monitors, m => m != sub);
    }

    /// <summary>
    /// Sends one command line to every monitor (any thread; never blocks). With <paramref name="redact"/>
    /// every argument after the command's name is shown as "(redacted)" (AUTH, HELLO).
    /// </summary>
    public void FeedMonitors(ClientSession client, CommandBuffer args, bool redact)
    {
        var monitors = _monitors;
        if (monitors.Length == 0) return;
        var line = MonitorLine(_server.Clock.GetUtcNow(), client.Address, args, redact);
        foreach (var m in monitors) m.Enqueue(line);
    }

    internal static byte[] MonitorLine(DateTimeOffset now, string address, CommandBuffer args, bool redact)
    {
        var micros = now.ToUnixTimeMilliseconds() * 1000 + now.Ticks / 10 % 1000;
        var sb = new StringBuilder(64);
        sb.Append('+').Append(micros / 1_000_000).Append('.').Append((micros % 1_000_000).ToString("D6"))
          .Append(" [0 ").Append(address).Append(']');
        for (var i = 0; i < args.Count; i++)
        {
            sb.Append(' ');
            if (redact && i > 0) sb.Append("\"(redacted)\"");
            else Quote(sb, args[i]);
        }
        sb.Append("\r\n");
        return Encoding.Latin1.GetBytes(sb.ToString());
    }

    /// <summary>A quoted, escaped argument as Redis shows it: \" \\ \n \r \t \a \b, other unprintable bytes as \xHH.</summary>
    private static void Quote(StringBuilder sb, ReadOnlySpan<byte> arg)
    {
        sb.Append('"');
        foreach (var b in arg)
        {
            switch (b)
            {
                case (byte)'\\': sb.Append("\\\\"); break;
                case (byte)'"': sb.Append("\\\""); break;
                case (byte)'\n': sb.Append("\\n"); break;
                case (byte)'\r': sb.Append("\\r"); break;
                case (byte)'\t': sb.Append("\\t"); break;
                case 7: sb.Append("\\a"); break;
                case 8: sb.Append("\\b"); break;
                default:
                    if (b is >= 32 and < 127) sb.Append((char)b);
                    else sb.Append("\\x").Append(b.ToString("x2"));
                    break;
            }
        }
        sb.Append('"');
    }
}
