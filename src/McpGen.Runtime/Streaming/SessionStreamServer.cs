using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using McpGen.Protocol;
using McpGen.Sessions;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using McpGen.ClientInput;
using McpGen.Dispatch;
using McpGen.Http;
using McpGen.Streaming;

namespace McpGen.Streaming;

/// <summary>
/// The GET side of a session: the standalone stream (<c>list_changed</c>, <c>resources/updated</c>), and the resumption
/// of any stream of the session with <c>Last-Event-ID</c>: replay from the event log, then live events from the
/// backplane, without loss or duplicates (events are ordered by their sequence number and the replay is re-read when a
/// gap shows).
/// </summary>
internal sealed class SessionStreamServer(McpSessionRuntime runtime, McpChangeFeed feed, ILogger logger)
{
    /// <summary>The stream id of the standalone GET stream of every session.</summary>
    public const string StandaloneStreamId = "g";

    private static readonly TimeSpan KeepAliveInterval = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Serves a validated GET of <paramref name="session"/>. A <c>Last-Event-ID</c> that cannot resume anything gets 400
    /// with a JSON-RPC error saying what happened, never an open stream of keep-alives: not an event id of this server
    /// (malformed), another session's, a stream this session never had (or whose events are gone), or an event the stream
    /// never sent. 400 and not 404: a 404 on a request carrying <c>Mcp-Session-Id</c> tells a client its session is gone,
    /// and the session here is fine.
    /// </summary>
    /// <param name="context">The GET.</param>
    /// <param name="session">Its session.</param>
    /// <param name="lastEventId">Its <c>Last-Event-ID</c>, if any.</param>
    /// <param name="draining">Cancelled when the replica starts to drain: the stream then ends with a <c>retry</c> hint
    /// after what it has replayed, and the client resumes it with <c>Last-Event-ID</c> (on another replica).</param>
    public Task ServeAsync(HttpContext context, McpSessionState session, string? lastEventId, CancellationToken draining = default)
    {
        if (string.IsNullOrEmpty(lastEventId))
        {
            return ServeStandaloneAsync(context, session, afterSequence: -1, draining);
        }

        if (!McpSessionIds.TryParseEventId(lastEventId, out string digest, out string streamId, out long sequence))
        {
            return Refuse(context, "Last-Event-ID is not an event id of this server (they look like {session}:{stream}:{sequence}). "
                + "Send the id of the last event you received, unchanged, or reconnect without Last-Event-ID.");
        }

        if (!string.Equals(digest, McpSessionIds.StreamDigest(session.Id), StringComparison.Ordinal))
        {
            return Refuse(context, "Last-Event-ID belongs to another session. Resume a stream only with the Mcp-Session-Id it was opened with.");
        }

        return ResumeAsync(context, session, streamId, sequence, draining);
    }

    private Task Refuse(HttpContext context, string message)
        => McpResponses.WriteErrorAsync(context, default, new McpError(400, JsonRpcErrorCodes.InvalidRequest, "Bad request: " + message), logger);

    /// <summary>
    /// Resumes a stream after <paramref name="afterSequence"/>. 400 when nothing can be resumed: the stream's log holds
    /// no event and the id names one (or the session's revision has no priming, whose id is the only one naming
    /// sequence 0); the id names an event after the last one logged; the log no longer holds the events right after it.
    /// A request stream whose final event the client already has ends at once (an empty event stream).
    /// </summary>
    private async Task ResumeAsync(HttpContext context, McpSessionState session, string streamId, long afterSequence, CancellationToken draining)
    {
        bool standalone = streamId == StandaloneStreamId;

        // The log keeps the last EventLogCapacity events of a stream: all of them are read, so the id can be judged.
        IReadOnlyList<McpStoredEvent> kept = await new SessionStreamLog(runtime, session.Id, streamId, priming: false).ReadAsync(0, context.RequestAborted).ConfigureAwait(false);
        if (kept.Count == 0)
        {
            // Sequence 0 names no event: it is the priming id of a stream that has logged nothing yet (2025-11-25 and later).
            bool primed = afterSequence == 0 && (standalone || McpProtocolVersions.HasResumablePriming(session.ProtocolVersion));
            if (!primed)
            {
                McpSessionLog.StreamEvent(logger, session.Id, streamId, "resumption refused: the session has no such stream");
                await Refuse(context, $"Last-Event-ID names stream '{streamId}', which this session never had or whose events are gone "
                    + "(a stream's events end with its session). "
                    + (standalone ? "Reconnect without Last-Event-ID." : "Send the request again to get its answer.")).ConfigureAwait(false);
                return;
            }
        }
        else if (afterSequence > kept[^1].Sequence)
        {
            await Refuse(context, $"Last-Event-ID names event {afterSequence} of stream '{streamId}', which has sent only {kept[^1].Sequence}. "
                + "Send the id of the last event you received, unchanged.").ConfigureAwait(false);
            return;
        }
        else if (kept[0].Sequence > afterSequence + 1)
        {
            await Refuse(context, $"the events after this Last-Event-ID are no longer kept (each stream keeps its last {runtime.Options.EventLogCapacity} events: "
                + "McpServerOptions.Sessions.EventLogCapacity), so they cannot be replayed. "
                + (standalone ? "Reconnect without Last-Event-ID." : "Send the request again.")).ConfigureAwait(false);
            return;
        }
        else if (!standalone && kept[^1].Last && afterSequence >= kept[^1].Sequence)
        {
            // The client holds the answer already: nothing to replay, nothing will follow.
            SseFormat.StartResponse(context.Response);
            context.Response.ContentLength = 0;
            return;
        }

        await (standalone
            ? ServeStandaloneAsync(context, session, afterSequence, draining)
            : ResumeRequestStreamAsync(context, session, streamId, afterSequence, draining)).ConfigureAwait(false);
    }

    /// <summary>
    /// Replays a request stream after <paramref name="afterSequence"/> and follows it live until its last event (the
    /// response), the client leaves or the session ends.
    /// </summary>
    private Task ResumeRequestStreamAsync(HttpContext context, McpSessionState session, string streamId, long afterSequence, CancellationToken draining)
    {
        SseFormat.StartResponse(context.Response);
        McpSessionLog.StreamEvent(logger, session.Id, streamId, $"resumed after event {afterSequence}");
        return FollowAsync(context.Response.BodyWriter, new SessionStreamLog(runtime, session.Id, streamId, priming: false), afterSequence, context.RequestAborted, draining);
    }

    /// <summary>
    /// Writes a logged stream into an event-stream response that has started: its events after
    /// <paramref name="afterSequence"/> from the log, then the live ones from the backplane (a gap, published before the
    /// subscription was active or lost, is read from the log), until its last event, the end of the session, or the
    /// client leaving. Keep-alives and session touches while idle. The resumption of a request stream, and the stream of
    /// an HTTP+SSE session, which has no last event.
    /// </summary>
    public async Task FollowAsync(PipeWriter body, SessionStreamLog log, long afterSequence, CancellationToken aborted, CancellationToken draining = default)
    {
        var live = Channel.CreateUnbounded<McpStoredEvent>(new UnboundedChannelOptions { SingleReader = true });

        // A request stream's events come from the node running its call, on this node's addressed channel once that node
        // knows we follow (it answers with an empty event: re-read the log). The HTTP+SSE stream's are broadcast.
        bool follows = !log.Broadcast;
        string channel = follows ? CallLeases.FollowerChannel(runtime.NodeId, log.SessionId, log.StreamId) : log.Channel;
        await using IAsyncDisposable subscription = await runtime.Backplane.SubscribeAsync(channel, payload =>
        {
            if (SessionStreamLog.TryDecode(payload, out McpStoredEvent stored))
            {
                live.Writer.TryWrite(stored);
            }

            return ValueTask.CompletedTask;
        }, aborted).ConfigureAwait(false);
        await using IAsyncDisposable control = await SubscribeControlAsync(log.SessionId, null, live.Writer, aborted).ConfigureAwait(false);
        using CancellationTokenRegistration onDrain = EndOnDrain(draining, live.Writer);

        // The backplane lost its connection and is back: what was published meanwhile is in the log (an empty event: re-read).
        using IDisposable onReconnect = runtime.Backplane.OnReconnected(() => live.Writer.TryWrite(new McpStoredEvent(0, default, false)));
        string? runner = follows ? CallLeases.NodeOfStream(log.StreamId) : null;
        bool remote = runner is not null && runner != runtime.NodeId && runtime.IsShared;
        using var leaseCheck = remote ? new Timer(static state => ((ChannelWriter<McpStoredEvent>)state!).TryWrite(new McpStoredEvent(-2, default, false)),
            live.Writer, CallLeases.RenewalPeriod(runtime.Options.CallLeaseDuration), CallLeases.RenewalPeriod(runtime.Options.CallLeaseDuration)) : null;
        long started = Environment.TickCount64;
        if (follows)
        {
            await runtime.Leases.FollowAsync(true, log.SessionId, log.StreamId, aborted).ConfigureAwait(false);
        }

        try
        {
            (long last, bool finished) = await ReplayAsync(body, log, afterSequence, aborted).ConfigureAwait(false);
            while (!finished)
            {
                McpStoredEvent? next = await ReadAsync(live.Reader, body, log.SessionId, aborted).ConfigureAwait(false);
                if (next is not { } item)
                {
                    await EndForDrainAsync(body, log.SessionId, log.StreamId, draining, aborted).ConfigureAwait(false);
                    return; // the session ended, or the replica drains
                }

                if (item.Sequence == 0)
                {
                    (last, finished) = await ReplayAsync(body, log, last, aborted).ConfigureAwait(false);
                    continue; // the runner heard of us, or the backplane reconnected: the log has all until now
                }

                if (item.Sequence == -2)
                {
                    if (await RunnerLostAsync(log, runner!, started, aborted).ConfigureAwait(false))
                    {
                        (last, finished) = await ReplayAsync(body, log, last, aborted).ConfigureAwait(false);
                        if (!finished)
                        {
                            await WriteRunnerLostAsync(body, log, runner!, aborted).ConfigureAwait(false);
                            return;
                        }
                    }

                    continue;
                }

                if (item.Sequence <= last)
                {
                    continue; // already replayed
                }

                if (item.Sequence > last + 1)
                {
                    (last, finished) = await ReplayAsync(body, log, last, aborted).ConfigureAwait(false);
                    continue;
                }

                if (SessionStreamLog.HasMessage(item))
                {
                    SseFormat.WriteMessage(body, log.EventId(item.Sequence), item.Message.Span);
                }

                last = item.Sequence;
                finished = item.Last;
                await body.FlushAsync(aborted).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or System.IO.IOException or ObjectDisposedException)
        {
            McpEndpointLog.StreamAborted(logger, ex);
        }
        finally
        {
            if (follows)
            {
                try
                {
                    await runtime.Leases.FollowAsync(false, log.SessionId, log.StreamId, CancellationToken.None).ConfigureAwait(false);
                }
                catch (McpStoreUnavailableException ex)
                {
                    McpSessionLog.ShutdownIgnored(logger, ex);
                }
            }
        }
    }

    /// <summary>
    /// Whether the node running a followed stream's call is gone: its lease on the session ran out, or it never took one
    /// within a lease time since the stream was resumed.
    /// </summary>
    private async ValueTask<bool> RunnerLostAsync(SessionStreamLog log, string runner, long started, CancellationToken aborted)
    {
        DateTimeOffset? until = await runtime.Leases.LeaseOfAsync(log.SessionId, runner, aborted).ConfigureAwait(false);
        return until is { } expires
            ? expires < DateTimeOffset.UtcNow
            : Environment.TickCount64 - started >= (long)runtime.Options.CallLeaseDuration.TotalMilliseconds;
    }

    /// <summary>
    /// Ends a followed stream whose call's node was lost with a JSON-RPC error response for the call (its id from the
    /// session's <c>calls</c> log; <c>null</c> when that is gone), so the client stops waiting and can send it again.
    /// </summary>
    private async Task WriteRunnerLostAsync(PipeWriter body, SessionStreamLog log, string runner, CancellationToken aborted)
    {
        string? rawId = await runtime.Leases.RequestIdOfAsync(log.SessionId, log.StreamId, aborted).ConfigureAwait(false);
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("jsonrpc"u8, "2.0"u8);
            json.WritePropertyName("id"u8);
            if (rawId is null)
            {
                json.WriteNullValue();
            }
            else
            {
                json.WriteRawValue(rawId);
            }

            json.WriteStartObject("error"u8);
            json.WriteNumber("code"u8, JsonRpcErrorCodes.InternalError);
            json.WriteString("message"u8,
                $"Internal error: the server replica running this request (node {runner}) was lost before it answered, so the request may or may not have taken effect. "
                + "Send it again as a new request if it is safe to repeat.");
            json.WriteEndObject();
            json.WriteEndObject();
        }

        McpSessionLog.StreamEvent(logger, log.SessionId, log.StreamId, $"the node {runner} running the call was lost (its lease ran out); answered with an error");
        SseFormat.WriteMessage(body, null, buffer.WrittenSpan);
        await body.FlushAsync(aborted).ConfigureAwait(false);
    }

    /// <summary>Writes the logged events after <paramref name="after"/>; returns the last sequence written and whether the stream ended.</summary>
    private static async Task<(long Last, bool Ended)> ReplayAsync(PipeWriter body, SessionStreamLog log, long after, CancellationToken aborted)
    {
        var events = await log.ReadAsync(after, aborted).ConfigureAwait(false);
        long last = after;
        foreach (McpStoredEvent stored in events)
        {
            if (SessionStreamLog.HasMessage(stored))
            {
                SseFormat.WriteMessage(body, log.EventId(stored.Sequence), stored.Message.Span);
            }

            last = stored.Sequence;
            if (stored.Last)
            {
                await body.FlushAsync(aborted).ConfigureAwait(false);
                return (last, true);
            }
        }

        await body.FlushAsync(aborted).ConfigureAwait(false);
        return (last, false);
    }

    /// <summary>
    /// The standalone stream: change notifications the session wants, each logged (so a reconnect with Last-Event-ID
    /// replays what was missed), keep-alive comments, and the session kept alive while the stream is open. A newer GET
    /// of the same session (on any replica) takes over: this one ends.
    /// </summary>
    private async Task ServeStandaloneAsync(HttpContext context, McpSessionState session, long afterSequence, CancellationToken draining)
    {
        var log = new SessionStreamLog(runtime, session.Id, StandaloneStreamId, priming: false);
        var changes = Channel.CreateUnbounded<McpStoredEvent>(new UnboundedChannelOptions { SingleReader = true });
        CancellationToken aborted = context.RequestAborted;
        string holder = runtime.NewStreamId();
        await using IAsyncDisposable control = await SubscribeControlAsync(session.Id, holder, changes.Writer, aborted).ConfigureAwait(false);
        await using IAsyncDisposable takeOver = await SubscribeControlAsync(session.Id, holder, changes.Writer, aborted, TakeOverChannel(runtime.NodeId, session.Id)).ConfigureAwait(false);
        await TakeOverAsync(session.Id, holder, aborted).ConfigureAwait(false);
        using IDisposable listening = await feed.ListenAsync(change =>
        {
            if (Notification(change) is { } message)
            {
                changes.Writer.TryWrite(new McpStoredEvent(0, message, change.Kind == McpChangeKind.ResourceUpdated));
            }
        }).ConfigureAwait(false);

        using CancellationTokenRegistration onDrain = EndOnDrain(draining, changes.Writer);
        HttpResponse response = context.Response;
        SseFormat.StartResponse(response);
        PipeWriter body = response.BodyWriter;
        McpSessionLog.StreamEvent(logger, session.Id, StandaloneStreamId, "GET stream opened");
        try
        {
            if (afterSequence >= 0)
            {
                await ReplayAsync(body, log, afterSequence, aborted).ConfigureAwait(false);
            }
            else if (McpProtocolVersions.HasResumablePriming(session.ProtocolVersion))
            {
                // Priming: an event id naming the stream's position now, so a client that loses this connection before any
                // notification reached it (a replica that died, a proxy that cut it) resumes with Last-Event-ID and gets
                // what was logged meanwhile, instead of reconnecting without it and missing those events.
                IReadOnlyList<McpStoredEvent> logged = await log.ReadAsync(0, aborted).ConfigureAwait(false);
                SseFormat.WritePriming(body, log.EventId(logged.Count > 0 ? logged[^1].Sequence : 0), runtime.Options.StreamRetryInterval);
            }

            await body.FlushAsync(aborted).ConfigureAwait(false);
            while (true)
            {
                McpStoredEvent? next = await ReadAsync(changes.Reader, body, session.Id, aborted).ConfigureAwait(false);
                if (next is not { } item)
                {
                    await EndForDrainAsync(body, session.Id, StandaloneStreamId, draining, aborted).ConfigureAwait(false);
                    return; // the session ended, another GET took over, or the replica drains
                }

                // resources/updated goes only to sessions subscribed to the URI (the flag rides on Last).
                if (item.Last && !await IsSubscribedAsync(session.Id, item.Message, aborted).ConfigureAwait(false))
                {
                    continue;
                }

                long sequence = await log.AppendAsync(item.Message, last: false, aborted).ConfigureAwait(false);
                SseFormat.WriteMessage(body, sequence > 0 ? log.EventId(sequence) : null, item.Message.Span);
                await body.FlushAsync(aborted).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or System.IO.IOException or ObjectDisposedException)
        {
            McpEndpointLog.StreamAborted(logger, ex);
        }
        catch (McpStoreUnavailableException ex)
        {
            McpSessionLog.StoreUnavailable(logger, "a GET stream ended", ex);
        }
    }

    /// <summary>Queues the end marker (sequence -1) when the replica starts to drain (at once when it already does).</summary>
    private static CancellationTokenRegistration EndOnDrain(CancellationToken draining, ChannelWriter<McpStoredEvent> writer)
        => draining.CanBeCanceled
            ? draining.Register(static state => ((ChannelWriter<McpStoredEvent>)state!).TryWrite(new McpStoredEvent(-1, default, false)), writer)
            : default;

    /// <summary>
    /// A stream ended by the drain: a <c>retry</c> field, so the client reconnects soon with <c>Last-Event-ID</c> (the
    /// load balancer sends it to another replica, which replays from the shared event log what this one logged).
    /// </summary>
    private async Task EndForDrainAsync(PipeWriter body, string sessionId, string streamId, CancellationToken draining, CancellationToken aborted)
    {
        if (!draining.IsCancellationRequested)
        {
            return;
        }

        SseFormat.WriteRetry(body, runtime.Options.StreamRetryInterval);
        await body.FlushAsync(aborted).ConfigureAwait(false);
        DrainLog.StreamEnded(logger, sessionId, streamId);
    }

    /// <summary>
    /// Waits for the next event; writes a keep-alive comment every 15 s and checks that the session still exists (which
    /// also keeps an idle session with an open stream alive). <see langword="null"/> when the stream must end.
    /// </summary>
    private async Task<McpStoredEvent?> ReadAsync(ChannelReader<McpStoredEvent> reader, PipeWriter body, string sessionId, CancellationToken aborted)
    {
        while (true)
        {
            if (reader.TryRead(out McpStoredEvent item))
            {
                return item.Sequence == -1 ? null : item;
            }

            using var wait = CancellationTokenSource.CreateLinkedTokenSource(aborted);
            wait.CancelAfter(KeepAliveInterval);
            try
            {
                if (!await reader.WaitToReadAsync(wait.Token).ConfigureAwait(false))
                {
                    return null;
                }
            }
            catch (OperationCanceledException) when (!aborted.IsCancellationRequested)
            {
                if (await runtime.Store.GetAsync(sessionId, touch: true, aborted).ConfigureAwait(false) is null)
                {
                    return null;
                }

                SseFormat.WriteKeepAlive(body);
                await body.FlushAsync(aborted).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The log naming the holders of a session's GET stream, newest last (its last two are kept).</summary>
    public const string HolderStreamId = "g.holder";

    /// <summary>The addressed channel on which a node's GET streams of a session hear that a newer GET took over.</summary>
    public static string TakeOverChannel(string node, string sessionId) => McpBackplaneChannels.Addressed(node, "c:" + sessionId);

    /// <summary>
    /// Makes <paramref name="holder"/> the holder of the session's GET stream: appends it to the session's holder log and
    /// sends <c>take:{holder}</c> to the node of the holder logged right before it (addressed, not broadcast: opening a GET
    /// stream is a per-session operation), whose stream then ends. The store orders concurrent GETs: each takes over from
    /// the one logged just before it, so the newest stays.
    /// </summary>
    private async Task TakeOverAsync(string sessionId, string holder, CancellationToken aborted)
    {
        long mine = await runtime.Store.AppendEventAsync(sessionId, HolderStreamId, Encoding.UTF8.GetBytes(holder), last: false, capacity: 2, aborted).ConfigureAwait(false);
        if (mine <= 1)
        {
            return; // the first GET of the session (or the session is gone)
        }

        foreach (McpStoredEvent logged in await runtime.Store.ReadEventsAsync(sessionId, HolderStreamId, mine - 2, aborted).ConfigureAwait(false))
        {
            if (logged.Sequence == mine - 1 && CallLeases.NodeOfStream(Encoding.UTF8.GetString(logged.Message.Span)) is { } node)
            {
                await runtime.Backplane.PublishAsync(TakeOverChannel(node, sessionId), Encoding.UTF8.GetBytes("take:" + holder), aborted).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Subscribes to the session's control channel (or <paramref name="channel"/>): <c>end</c> (session deleted) and
    /// <c>take:{holder}</c> (a newer GET took over) end this stream by queueing a marker event (sequence -1).
    /// </summary>
    private ValueTask<IAsyncDisposable> SubscribeControlAsync(string sessionId, string? holder, ChannelWriter<McpStoredEvent> writer, CancellationToken aborted, string? channel = null)
        => runtime.Backplane.SubscribeAsync(channel ?? McpSessionRuntime.ControlChannel(sessionId), payload =>
        {
            ReadOnlySpan<byte> text = payload.Span;
            bool end = text.SequenceEqual("end"u8)
                || (holder is not null && text.StartsWith("take:"u8) && !text[5..].SequenceEqual(Encoding.UTF8.GetBytes(holder)));
            if (end)
            {
                writer.TryWrite(new McpStoredEvent(-1, default, false));
            }

            return ValueTask.CompletedTask;
        }, aborted);

    private async ValueTask<bool> IsSubscribedAsync(string sessionId, ReadOnlyMemory<byte> notification, CancellationToken aborted)
    {
        McpSessionState? state = await runtime.Store.GetAsync(sessionId, touch: false, aborted).ConfigureAwait(false);
        if (state is null)
        {
            return false;
        }

        var reader = new Utf8JsonReader(notification.Span, McpGen.Protocol.JsonRpcMessageReader.SliceOptions);
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("uri"u8) && reader.Read())
            {
                return state.Subscriptions.Contains(reader.GetString()!);
            }
        }

        return false;
    }

    /// <summary>The JSON-RPC notification of a change.</summary>
    public static byte[]? Notification(McpChange change)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("jsonrpc"u8, "2.0"u8);
            switch (change.Kind)
            {
                case McpChangeKind.ToolsListChanged:
                    json.WriteString("method"u8, McpMethods.NotificationsToolsListChanged);
                    break;
                case McpChangeKind.PromptsListChanged:
                    json.WriteString("method"u8, McpMethods.NotificationsPromptsListChanged);
                    break;
                case McpChangeKind.ResourcesListChanged:
                    json.WriteString("method"u8, McpMethods.NotificationsResourcesListChanged);
                    break;
                case McpChangeKind.ResourceUpdated:
                    json.WriteString("method"u8, McpMethods.NotificationsResourcesUpdated);
                    json.WriteStartObject("params"u8);
                    json.WriteString("uri"u8, change.Uri);
                    json.WriteEndObject();
                    break;
                default:
                    return null;
            }

            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
