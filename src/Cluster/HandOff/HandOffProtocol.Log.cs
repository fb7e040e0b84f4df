using Microsoft.Extensions.Logging;
using QuorumCache.Cluster.Slots;

namespace QuorumCache.Cluster.HandOff;

/// <summary>What the hand-off logs.</summary>
public sealed partial class HandOffProtocol
{
    /// <summary>One line per slot group at Information (groups move whole, in one batch: its first slot
    /// stands for it), every slot at Debug: 2 lines per slot were 30,000 lines for one 3 → 4 rebalance.
    /// The end of a hand-off says where its time went: copying (until the batch's snapshots were all
    /// acknowledged), then the map change, then the seal's confirmation (commands for the slot that
    /// reached the target meanwhile waited there).</summary>
    private static void LogOutgoing(ILogger logger, Outgoing o, string outcome, long now)
    {
        var first = o.Slot % SlotGroup.Size == 0;
        if (!logger.IsEnabled(first ? LogLevel.Information : LogLevel.Debug)) return;
        var timing = outcome == "started" ? "" : $" after {now - o.StartedMs} ms"
            + (o.AckedMs < 0 ? ", before the copy was confirmed"
                : $": copy {o.AckedMs - o.StartedMs} ms" + (o.SealedMs < 0 ? "" : $", map change {o.SealedMs - o.AckedMs} ms, seal confirmed {now - o.SealedMs} ms"));
        if (first) LogGroupOutgoing(logger, SlotGroup.Of(o.Slot), o.Slot, o.Slot + SlotGroup.Size - 1, o.Target, outcome, timing);
        else LogSlotOutgoing(logger, o.Slot, o.Target, outcome, timing);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "hand-off of slot group {Group} (slots {First}-{Last}) to {Target} {Outcome}{Timing}")]
    private static partial void LogGroupOutgoing(ILogger logger, int group, int first, int last, string target, string outcome, string timing);

    [LoggerMessage(Level = LogLevel.Debug, Message = "hand-off of slot {Slot} to {Target} {Outcome}{Timing}")]
    private static partial void LogSlotOutgoing(ILogger logger, int slot, string target, string outcome, string timing);

    [LoggerMessage(Level = LogLevel.Debug, Message = "slot group {Group} (from slot {Slot}) received; its commands waited {WaitMs} ms after the map change for the seal")]
    private static partial void LogReceived(ILogger logger, int group, int slot, long waitMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "hand-off of slot {Slot}: expected write {Expected}, got {Got}; waiting for a fresh snapshot")]
    private static partial void LogGap(ILogger logger, int slot, long expected, long got);

    [LoggerMessage(Level = LogLevel.Information, Message = "hand-off of slot {Slot} to {Target}: seal unanswered, sending the slot again")]
    private static partial void LogSealRetry(ILogger logger, int slot, string target);

    [LoggerMessage(Level = LogLevel.Warning, Message = "slot {Slot}: its source {Source} failed after handing it over but before sealing it; serving the copy received (up to write {LastWrite})")]
    private static partial void LogSourceLost(ILogger logger, int slot, string source, long lastWrite);

    [LoggerMessage(Level = LogLevel.Warning, Message = "slot {Slot}: its new owner {Target} failed before confirming the seal; dropping the copy here")]
    private static partial void LogTargetLost(ILogger logger, int slot, string target);

    [LoggerMessage(Level = LogLevel.Warning, Message = "dropped a malformed hand-off frame from {From}: {Error}")]
    private static partial void LogBadFrame(ILogger logger, string from, string error);
}
