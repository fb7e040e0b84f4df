using System.Runtime.CompilerServices;
using QuorumCache.Node.Notifications;

namespace QuorumCache.Node.Commands;

/// <summary>
/// Keyspace notifications (notify-keyspace-events). Handlers call <see cref="Notify"/> after a
/// change, with Redis's event name; the context itself reports <c>new</c> (a key created by
/// <see cref="SetValue"/>), <c>expired</c> (lazy and active expiry) and <c>keymiss</c> (a read
/// command's lookup that found nothing). With the setting empty each call is one test of
/// <see cref="Server.NodeServer.NotifyMask"/>. Nothing is published while replaying effects: a
/// write is notified once, on the node that executed it.
/// </summary>
public sealed partial class CommandContext
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Notify(KeyspaceEvents type, ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> key)
    {
        if ((Server.NotifyMask & type) != 0) Publish(eventName, key);
    }

    /// <summary>
    /// A read lookup of a write command found no key (SET ... GET, GETDEL, COPY's source, the sources
    /// of SUNIONSTORE...): Redis reports these as key misses too. Read commands need not call it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void NotifyKeyMiss(ReadOnlySpan<byte> key)
    {
        if ((Server.NotifyMask & KeyspaceEvents.KeyMiss) != 0) Publish("keymiss"u8, key);
    }

    /// <summary>Called by <see cref="Get"/> on a miss: a miss of a read-only command is a key miss.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void OnMiss(ReadOnlySpan<byte> key)
    {
        if ((Server.NotifyMask & KeyspaceEvents.KeyMiss) != 0 && Command is { IsWrite: false, NoKeyMissEvents: false }) Publish("keymiss"u8, key);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Publish(ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> key)
    {
        if (Replaying) return;
        KeyspaceNotifier.Publish(Server, eventName, key);
    }
}
