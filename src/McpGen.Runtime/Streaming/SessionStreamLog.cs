using System;
using System.Buffers.Binary;
using System.Threading;
using System.Threading.Tasks;
using McpGen.ClientInput;
using McpGen.Sessions;
using McpGen.Dispatch;
using McpGen.Http;
using McpGen.Streaming;

namespace McpGen.Streaming;

/// <summary>
/// The event log of one SSE stream of one session: every message sent on the stream is appended to the store (so a
/// client can resume it with <c>Last-Event-ID</c>, on any replica of a store-backed server) and published to the
/// replicas that follow the stream (so a replica serving the resumed stream gets what is sent after the replay): on
/// each follower's addressed channel (<see cref="CallLeases"/>), or for the HTTP+SSE stream on its broadcast channel.
/// </summary>
internal sealed class SessionStreamLog(McpSessionRuntime runtime, string sessionId, string streamId, bool priming, CallLeases.ActiveStream? active = null)
{
    private readonly string _digest = McpSessionIds.StreamDigest(sessionId);

    public string SessionId { get; } = sessionId;

    public string StreamId { get; } = streamId;

    /// <summary>Whether the stream starts with a priming event and ends with <c>retry</c> (2025-11-25 and later).</summary>
    public bool Priming { get; } = priming;

    public TimeSpan RetryInterval => runtime.Options.StreamRetryInterval;

    /// <summary>Whether the log is in the shared store (store-backed server): another replica can resume the stream.</summary>
    public bool Shared => runtime.IsShared;

    /// <summary>The broadcast channel of the HTTP+SSE stream (only that stream publishes on it).</summary>
    public string Channel => StreamChannel(SessionId, StreamId);

    /// <summary>The backplane address of the node writing or serving this log.</summary>
    public string Node => runtime.NodeId;

    /// <summary>Whether this is a session's HTTP+SSE stream (its events are broadcast: any replica may hold it).</summary>
    public bool Broadcast => StreamId == McpGen.Http.LegacySseTransport.StreamId;

    /// <summary>The call ended (or its stream did): its followers re-read the log; the lease stops counting it.</summary>
    public void End() => active?.End();

    public static string StreamChannel(string sessionId, string streamId) => "s:" + sessionId + ":" + streamId;

    public string EventId(long sequence) => McpSessionIds.EventId(_digest, StreamId, sequence);

    /// <summary>Appends a message and publishes it; returns its sequence number.</summary>
    public async ValueTask<long> AppendAsync(ReadOnlyMemory<byte> message, bool last, CancellationToken cancellationToken)
    {
        long sequence = await runtime.Store.AppendEventAsync(SessionId, StreamId, message, last, runtime.Options.EventLogCapacity, cancellationToken).ConfigureAwait(false);
        if (sequence > 0)
        {
            if (Broadcast)
            {
                await runtime.Backplane.PublishAsync(Channel, Encode(sequence, last, message.Span), cancellationToken).ConfigureAwait(false);
            }
            else if (active is { } running && running.Followers is { Length: > 0 } followers)
            {
                byte[] payload = Encode(sequence, last, message.Span);
                foreach (string follower in followers)
                {
                    await runtime.Backplane.PublishAsync(CallLeases.FollowerChannel(follower, SessionId, StreamId), payload, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        if (last)
        {
            End();
        }

        return sequence;
    }

    /// <summary>
    /// Ends the log of a call that was cancelled (<c>notifications/cancelled</c>, or its client left before it could
    /// resume): a last event with no message, so a stream resumed on any replica ends the way the call's own response
    /// does, with no answer (the spec sends none for a cancelled request), instead of waiting for the runner's lease to
    /// run out and reporting its replica lost. Best effort: a store outage (or a database error, such as the session's
    /// rows deleted meanwhile) leaves that fallback.
    /// </summary>
    public async ValueTask EndUnansweredAsync()
    {
        try
        {
            await AppendAsync(ReadOnlyMemory<byte>.Empty, last: true, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is McpStoreUnavailableException or System.Data.Common.DbException)
        {
            End();
        }
    }

    /// <summary>Whether a logged event carries a message to send (the unanswered end of a cancelled call carries none).</summary>
    public static bool HasMessage(in McpStoredEvent stored) => !stored.Message.IsEmpty;

    /// <summary>Reads the logged events after <paramref name="afterSequence"/>.</summary>
    public ValueTask<System.Collections.Generic.IReadOnlyList<McpStoredEvent>> ReadAsync(long afterSequence, CancellationToken cancellationToken)
        => runtime.Store.ReadEventsAsync(SessionId, StreamId, afterSequence, cancellationToken);

    /// <summary>Backplane payload of a stream event: sequence (8 bytes, little endian), last flag (1 byte), message.</summary>
    public static byte[] Encode(long sequence, bool last, ReadOnlySpan<byte> message)
    {
        byte[] payload = new byte[9 + message.Length];
        BinaryPrimitives.WriteInt64LittleEndian(payload, sequence);
        payload[8] = last ? (byte)1 : (byte)0;
        message.CopyTo(payload.AsSpan(9));
        return payload;
    }

    public static bool TryDecode(ReadOnlyMemory<byte> payload, out McpStoredEvent storedEvent)
    {
        if (payload.Length < 9)
        {
            storedEvent = default;
            return false;
        }

        storedEvent = new McpStoredEvent(BinaryPrimitives.ReadInt64LittleEndian(payload.Span), payload[9..].ToArray(), payload.Span[8] == 1);
        return true;
    }
}
