using System;
using System.Collections.Generic;
using System.Diagnostics.Metrics;
using System.Threading;

namespace McpGen.Sessions;

/// <summary>
/// What one backplane instance (one replica) received: every message that reached this process, split into those
/// handed to at least one local subscriber (delivered) and those nobody here subscribed to (dropped). Kept as plain
/// counters (read them with <see cref="Snapshot"/>) and recorded on the <c>McpGen</c> meter as
/// <c>mcpgen.backplane.messages.received</c>, <c>.delivered</c> and <c>.dropped</c> (tag <c>mcpgen.backplane.kind</c>:
/// <c>addressed</c> or <c>broadcast</c>, see <see cref="McpBackplaneChannels"/>).
/// </summary>
/// <remarks>
/// With addressed delivery, what a replica receives per session operation stays the same however many replicas there
/// are; a backplane that broadcasts everything makes each replica receive every replica's messages.
/// </remarks>
public sealed class McpBackplaneCounters
{
    private static readonly Counter<long> Received = McpTelemetry.Meter.CreateCounter<long>(
        "mcpgen.backplane.messages.received", "{message}", "Backplane messages that reached this replica.");

    private static readonly Counter<long> Delivered = McpTelemetry.Meter.CreateCounter<long>(
        "mcpgen.backplane.messages.delivered", "{message}", "Backplane messages handed to at least one subscriber on this replica.");

    private static readonly Counter<long> Dropped = McpTelemetry.Meter.CreateCounter<long>(
        "mcpgen.backplane.messages.dropped", "{message}", "Backplane messages that reached this replica without a subscriber here.");

    private static readonly KeyValuePair<string, object?> AddressedTag = new("mcpgen.backplane.kind", "addressed");
    private static readonly KeyValuePair<string, object?> BroadcastTag = new("mcpgen.backplane.kind", "broadcast");

    private long _receivedAddressed;
    private long _receivedBroadcast;
    private long _delivered;
    private long _dropped;

    /// <summary>Counts one message that reached this process on <paramref name="channel"/>, and whether a local subscriber got it.</summary>
    public void Record(ReadOnlySpan<char> channel, bool delivered)
    {
        bool addressed = !McpBackplaneChannels.AddressOf(channel).IsEmpty;
        Interlocked.Increment(ref addressed ? ref _receivedAddressed : ref _receivedBroadcast);
        Interlocked.Increment(ref delivered ? ref _delivered : ref _dropped);
        KeyValuePair<string, object?> kind = addressed ? AddressedTag : BroadcastTag;
        if (Received.Enabled)
        {
            Received.Add(1, kind);
        }

        Counter<long> outcome = delivered ? Delivered : Dropped;
        if (outcome.Enabled)
        {
            outcome.Add(1, kind);
        }
    }

    /// <summary>The counts so far (cheap; for tests and diagnostics pages).</summary>
    public McpBackplaneCounts Snapshot() => new(
        Volatile.Read(ref _receivedAddressed),
        Volatile.Read(ref _receivedBroadcast),
        Volatile.Read(ref _delivered),
        Volatile.Read(ref _dropped));
}

/// <summary>A snapshot of <see cref="McpBackplaneCounters"/>.</summary>
/// <param name="ReceivedAddressed">Messages of addressed channels that reached this replica.</param>
/// <param name="ReceivedBroadcast">Messages of broadcast channels that reached this replica.</param>
/// <param name="Delivered">Messages handed to at least one local subscriber.</param>
/// <param name="Dropped">Messages that reached this replica with no local subscriber.</param>
public readonly record struct McpBackplaneCounts(long ReceivedAddressed, long ReceivedBroadcast, long Delivered, long Dropped)
{
    /// <summary>Every message that reached this replica.</summary>
    public long Received => ReceivedAddressed + ReceivedBroadcast;

    /// <summary>The counts since <paramref name="earlier"/>.</summary>
    public McpBackplaneCounts Since(McpBackplaneCounts earlier) => new(
        ReceivedAddressed - earlier.ReceivedAddressed,
        ReceivedBroadcast - earlier.ReceivedBroadcast,
        Delivered - earlier.Delivered,
        Dropped - earlier.Dropped);
}
