using System;
using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using McpGen.Protocol;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace McpGen.Transport;

/// <summary>
/// The <c>text/event-stream</c> response of one tool call that reports progress. <see cref="Report"/> is synchronous and
/// may come from any thread: it serialises the <c>notifications/progress</c> message under a lock into a pooled buffer
/// and queues it (unbounded: a slow client never blocks the tool, nothing is dropped). One pump task writes the queue
/// as SSE <c>message</c> events. The response starts (status 200 and SSE headers) with the first event only: a call that
/// reports nothing is answered as plain JSON by the caller.
/// </summary>
internal sealed class SseProgressStream : IProgressSink
{
    private static ReadOnlySpan<byte> EventStart => "event: message\ndata: "u8;

    private static ReadOnlySpan<byte> EventEnd => "\n\n"u8;

    private readonly HttpContext _context;
    private readonly byte[] _progressToken;
    private readonly ILogger _logger;
    private readonly object _gate = new();
    private readonly Channel<Item> _queue = Channel.CreateUnbounded<Item>(new UnboundedChannelOptions { SingleReader = true });
    private ResponseBuffer? _scratch;
    private Task? _pump;
    private bool _closed;

    public SseProgressStream(HttpContext context, ReadOnlySpan<byte> rawProgressToken, ILogger logger)
    {
        _context = context;
        _progressToken = rawProgressToken.ToArray();
        _logger = logger;
    }

    /// <summary>Whether the response has started as an event stream.</summary>
    public bool Started => _pump is not null;

    public void Report(McpProgress progress)
    {
        lock (_gate)
        {
            if (_closed)
            {
                return; // after the result, or the client went away
            }

            _scratch ??= ResponseBuffer.Rent();
            _scratch.Clear();
            Utf8JsonWriter json = _scratch.Json;
            json.WriteStartObject();
            json.WriteString("jsonrpc"u8, "2.0"u8);
            json.WriteString("method"u8, McpMethods.NotificationsProgress);
            json.WriteStartObject("params"u8);
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

            json.WriteEndObject();
            json.WriteEndObject();
            ReadOnlySpan<byte> written = _scratch.WrittenMemory.Span;
            byte[] copy = ArrayPool<byte>.Shared.Rent(written.Length);
            written.CopyTo(copy);
            _queue.Writer.TryWrite(new Item(copy, copy.AsMemory(0, written.Length)));
            _pump ??= Task.Run(PumpAsync);
        }
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
        HttpResponse response = _context.Response;
        CancellationToken aborted = _context.RequestAborted;
        ChannelReader<Item> reader = _queue.Reader;
        try
        {
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = "text/event-stream";
            response.Headers.CacheControl = "no-cache";
            response.Headers["X-Accel-Buffering"] = "no";
            PipeWriter body = response.BodyWriter;
            while (await reader.WaitToReadAsync(aborted).ConfigureAwait(false))
            {
                while (reader.TryRead(out Item item))
                {
                    Write(body, item.Json.Span);
                    item.Release();
                }

                FlushResult flushed = await body.FlushAsync(aborted).ConfigureAwait(false);
                if (flushed.IsCanceled || flushed.IsCompleted)
                {
                    break;
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

    private static void Write(PipeWriter body, ReadOnlySpan<byte> json)
    {
        int length = EventStart.Length + json.Length + EventEnd.Length;
        Span<byte> span = body.GetSpan(length);
        EventStart.CopyTo(span);
        json.CopyTo(span[EventStart.Length..]);
        EventEnd.CopyTo(span[(EventStart.Length + json.Length)..]);
        body.Advance(length);
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
