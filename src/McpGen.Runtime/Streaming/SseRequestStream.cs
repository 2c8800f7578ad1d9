using System;
using System.Buffers;
using System.IO.Pipelines;
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
/// The <c>text/event-stream</c> response of one call that reports progress, logs to the client or sends it requests.
/// <see cref="Report"/>, <see cref="Log"/> and <see cref="EnqueueMessage"/> are synchronous and may come from any thread: each
/// serialises its message under one lock into a pooled buffer and queues it (unbounded: a slow client never blocks the
/// tool, nothing is dropped, and messages keep the order the tool sent them in). One pump task writes the queue as SSE
/// <c>message</c> events. The response starts (status 200 and SSE headers) with the first event only: a call that sends
/// nothing is answered as plain JSON by the caller.
/// </summary>
/// <remarks>
/// With a session event log (sticky and store-backed servers) every event carries an id and is logged first; the pump
/// then outlives the connection, so a client that lost the stream resumes it with <c>Last-Event-ID</c> and misses
/// nothing, and 2025-11-25 clients get a priming event first.
/// </remarks>
internal sealed class SseRequestStream : IProgressSink, ILogSink
{
    private readonly HttpResponse? _response;
    private readonly CancellationToken _aborted;
    private readonly bool _resultEndsLog;
    private readonly byte[]? _progressToken;
    private readonly McpLogLevel? _logThreshold;
    private readonly ILogger _logger;
    private readonly SessionStreamLog? _log;
    private readonly object _gate = new();
    private readonly Channel<Item> _queue = Channel.CreateUnbounded<Item>(new UnboundedChannelOptions { SingleReader = true });
    private ResponseBuffer? _scratch;
    private Task? _pump;
    private bool _closed;
    private volatile bool _closeRequested;
    private volatile bool _resumable;

    /// <param name="response">
    /// The HTTP response the events are written to; <see langword="null"/> when they go to <paramref name="log"/> only (the
    /// HTTP+SSE transport, whose session stream is held by a GET, perhaps on another replica).
    /// </param>
    /// <param name="aborted">Signals when the client of <paramref name="response"/> goes away.</param>
    /// <param name="rawProgressToken">The raw progress token; empty when the client asked for no progress.</param>
    /// <param name="logThreshold">The lowest level sent to the client; <see langword="null"/> when it asked for no log messages.</param>
    /// <param name="logger">The endpoint's logger.</param>
    /// <param name="log">The session event log of this stream, for sticky and store-backed servers.</param>
    /// <param name="resultEndsLog">
    /// Whether the final message ends the logged stream (a request stream); <see langword="false"/> for the HTTP+SSE
    /// session stream, which carries every answer of the session.
    /// </param>
    public SseRequestStream(HttpResponse? response, CancellationToken aborted, ReadOnlySpan<byte> rawProgressToken, McpLogLevel? logThreshold, ILogger logger, SessionStreamLog? log = null, bool resultEndsLog = true)
    {
        System.Diagnostics.Debug.Assert(response is not null || log is not null, "events must go somewhere");
        _response = response;
        _aborted = aborted;
        _resultEndsLog = resultEndsLog;
        _progressToken = rawProgressToken.IsEmpty ? null : rawProgressToken.ToArray();
        _logThreshold = logThreshold;
        _logger = logger;
        _log = log;
    }

    /// <summary>The session event log of this stream, if any.</summary>
    public SessionStreamLog? SessionLog => _log;

    /// <summary>Whether progress reports are sent (the client sent a progress token).</summary>
    public bool SendsProgress => _progressToken is not null;

    /// <summary>Whether the response has started as an event stream.</summary>
    public bool Started => _pump is not null;

    /// <summary>
    /// Whether an event with an id was flushed to the client, so it can resume the stream with <c>Last-Event-ID</c> if the
    /// connection drops. Until then a dropped connection leaves the client no way to receive the rest.
    /// </summary>
    public bool Resumable => _resumable;

    /// <summary>
    /// Asks the pump to end the HTTP response after what is queued (with <c>retry</c> for 2025-11-25 clients), so the
    /// client reconnects with <c>Last-Event-ID</c> (SSE polling); later events go to the session's event log only.
    /// Returns <see langword="false"/> (and does nothing) without a session event log.
    /// </summary>
    public bool RequestClose()
    {
        if (_log is null)
        {
            return false;
        }

        lock (_gate)
        {
            if (_closed)
            {
                return false;
            }

            _closeRequested = true;
            _queue.Writer.TryWrite(new Item(null, default));
            _pump ??= Task.Run(PumpAsync);
            return true;
        }
    }

    public void Report(McpProgress progress)
    {
        if (_progressToken is null)
        {
            return;
        }

        lock (_gate)
        {
            if (_closed)
            {
                return; // after the result, or the client went away
            }

            Utf8JsonWriter json = StartNotification(McpMethods.NotificationsProgress);
            json.WritePropertyName("progressToken"u8);
            json.WriteRawValue(_progressToken, skipInputValidation: true);
            json.WriteNumber("progress"u8, progress.Progress);
            if (progress.Total is { } total)
            {
                json.WriteNumber("total"u8, total);
            }

            if (progress.Message is { } message)
            {
                json.WriteString("message"u8, message);
            }

            EndNotification(json);
        }
    }

    public void Log(McpLogLevel level, string message, string? logger)
    {
        if (_logThreshold is not { } threshold || level < threshold)
        {
            return;
        }

        lock (_gate)
        {
            if (_closed)
            {
                return;
            }

            Utf8JsonWriter json = StartNotification(McpMethods.NotificationsMessage);
            json.WriteString("level"u8, McpLogLevels.Name(level));
            if (logger is not null)
            {
                json.WriteString("logger"u8, logger);
            }

            json.WriteString("data"u8, message ?? string.Empty);
            EndNotification(json);
        }
    }

    /// <summary>
    /// Queues a complete JSON-RPC message (a server-to-client request, or a notification such as
    /// <c>notifications/cancelled</c>) as the next event. Returns <see langword="false"/> once the stream has ended.
    /// </summary>
    public bool EnqueueMessage(ReadOnlySpan<byte> message)
    {
        lock (_gate)
        {
            if (_closed)
            {
                return false;
            }

            byte[] copy = ArrayPool<byte>.Shared.Rent(message.Length);
            message.CopyTo(copy);
            _queue.Writer.TryWrite(new Item(copy, copy.AsMemory(0, message.Length)));
            _pump ??= Task.Run(PumpAsync);
            return true;
        }
    }

    private Utf8JsonWriter StartNotification(string method)
    {
        _scratch ??= ResponseBuffer.Rent();
        _scratch.Clear();
        Utf8JsonWriter json = _scratch.Json;
        json.WriteStartObject();
        json.WriteString("jsonrpc"u8, "2.0"u8);
        json.WriteString("method"u8, method);
        json.WriteStartObject("params"u8);
        return json;
    }

    /// <summary>Closes the notification, copies it into a pooled array and queues it (under the lock).</summary>
    private void EndNotification(Utf8JsonWriter json)
    {
        json.WriteEndObject();
        json.WriteEndObject();
        ReadOnlySpan<byte> written = _scratch!.WrittenMemory.Span;
        byte[] copy = ArrayPool<byte>.Shared.Rent(written.Length);
        written.CopyTo(copy);
        _queue.Writer.TryWrite(new Item(copy, copy.AsMemory(0, written.Length)));
        _pump ??= Task.Run(PumpAsync);
    }

    /// <summary>
    /// Ends the stream: when it has started, queues <paramref name="finalMessage"/> (the JSON-RPC response) as the last
    /// event and waits until it is written. Returns <see langword="false"/> when nothing was streamed, so the caller
    /// answers with plain JSON. With <see langword="null"/> (the call was cancelled) nothing more is sent.
    /// </summary>
    public async ValueTask<bool> CompleteAsync(ReadOnlyMemory<byte>? finalMessage)
    {
        Task? pump;
        lock (_gate)
        {
            _closed = true;
            pump = _pump;
            if (pump is not null && finalMessage is { } message)
            {
                _queue.Writer.TryWrite(new Item(null, message));
            }

            _queue.Writer.TryComplete();
            if (_scratch is not null)
            {
                ResponseBuffer.Return(_scratch);
                _scratch = null;
            }
        }

        if (pump is null)
        {
            return false;
        }

        await pump.ConfigureAwait(false);
        return true;
    }

    private async Task PumpAsync()
    {
        HttpResponse? response = _response;
        CancellationToken aborted = _aborted;
        ChannelReader<Item> reader = _queue.Reader;
        PipeWriter? body = response?.BodyWriter;
        bool connected = response is not null;
        bool idWritten = false; // an event with an id is in the pipe, not yet known to be flushed

        // Store-backed, 2025-11-25 and later: when the replica starts to drain, the response ends (with retry) like SSE
        // polling; the call runs on, its events go to the shared log, and the client resumes on another replica.
        using CancellationTokenRegistration onDrain = response is not null && _log is { Priming: true, Shared: true }
            && response.HttpContext.RequestServices?.GetService(typeof(McpServerDrain)) is McpServerDrain drain
            ? drain.Draining.Register(static state => ((SseRequestStream)state!).RequestClose(), this)
            : default;
        try
        {
            if (response is not null)
            {
                SseFormat.StartResponse(response);
                if (_log is { Priming: true })
                {
                    SseFormat.WritePriming(body!, _log.EventId(0), _log.RetryInterval);
                    idWritten = true;
                }
            }

            // With a session log the pump outlives the connection: events keep going to the log for resumption.
            while (await reader.WaitToReadAsync(_log is null ? aborted : CancellationToken.None).ConfigureAwait(false))
            {
                while (reader.TryRead(out Item item))
                {
                    if (item.Json.IsEmpty)
                    {
                        continue; // the wake-up of RequestClose
                    }

                    string? id = null;
                    if (_log is not null)
                    {
                        long sequence = await AppendAsync(item).ConfigureAwait(false);
                        id = sequence > 0 ? _log.EventId(sequence) : null;
                    }

                    if (connected)
                    {
                        SseFormat.WriteMessage(body!, id, item.Json.Span);
                        idWritten |= id is not null;
                    }

                    item.Release();
                }

                if (connected)
                {
                    connected = await FlushAsync(body!, aborted).ConfigureAwait(false);
                    _resumable |= connected && idWritten;
                    if (!connected && _log is null)
                    {
                        break;
                    }
                }

                if (connected && _closeRequested)
                {
                    connected = false;
                    await CloseResponseAsync(response!, body!).ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or System.IO.IOException or ObjectDisposedException or InvalidOperationException)
        {
            McpEndpointLog.StreamAborted(_logger, ex);
        }
        finally
        {
            lock (_gate)
            {
                _closed = true;
                _queue.Writer.TryComplete();
            }

            while (reader.TryRead(out Item left))
            {
                left.Release();
            }
        }
    }

    private async ValueTask<long> AppendAsync(Item item)
    {
        try
        {
            // The final message (the response) is the only one queued without a rented buffer.
            return await _log!.AppendAsync(item.Json, last: _resultEndsLog && item.Rented is null, CancellationToken.None).ConfigureAwait(false);
        }
        catch (McpStoreUnavailableException ex)
        {
            // The event still goes to the open connection; only its resumption is lost.
            McpSessionLog.StoreUnavailable(_logger, "an SSE event was sent but not logged for resumption", ex);
            return 0;
        }
    }

    private async ValueTask<bool> FlushAsync(PipeWriter body, CancellationToken aborted)
    {
        try
        {
            FlushResult flushed = await body.FlushAsync(aborted).ConfigureAwait(false);
            return !flushed.IsCanceled && !flushed.IsCompleted;
        }
        catch (Exception ex) when (ex is OperationCanceledException or System.IO.IOException or ObjectDisposedException or InvalidOperationException)
        {
            McpEndpointLog.StreamAborted(_logger, ex);
            return false;
        }
    }

    /// <summary>Ends the HTTP response early (SSE polling): <c>retry</c> for clients that understand it, then close.</summary>
    private async ValueTask CloseResponseAsync(HttpResponse response, PipeWriter body)
    {
        try
        {
            if (_log is { Priming: true })
            {
                SseFormat.WriteRetry(body, _log.RetryInterval);
            }

            await response.CompleteAsync().ConfigureAwait(false);
            McpSessionLog.StreamEvent(_logger, _log!.SessionId, _log.StreamId, "closed by the server; the client resumes with Last-Event-ID");
        }
        catch (Exception ex) when (ex is OperationCanceledException or System.IO.IOException or ObjectDisposedException or InvalidOperationException)
        {
            McpEndpointLog.StreamAborted(_logger, ex);
        }
    }

    private readonly record struct Item(byte[]? Rented, ReadOnlyMemory<byte> Json)
    {
        public void Release()
        {
            if (Rented is not null)
            {
                ArrayPool<byte>.Shared.Return(Rented);
            }
        }
    }
}
