using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.IO.Pipelines;
using System.Threading;
using System.Threading.Tasks;
using McpGen.Streaming;
using Microsoft.AspNetCore.Http;

namespace McpGen.Http;

/// <summary>
/// The one HTTP response of a JSON-RPC batch (2025-03-26 sessions). Every element is dispatched, as a single message
/// would be, into an HTTP response of its own over a buffer (<see cref="NewElement"/>), so the code that answers one
/// message answers each element, unchanged. What the elements answer becomes:
/// <list type="bullet">
/// <item>only notifications and responses: 202 with no body;</item>
/// <item>requests whose handlers answer plainly: one <c>application/json</c> array of their responses (200), in the
/// order they completed (JSON-RPC matches them by id);</item>
/// <item>as soon as one element's handler streams (progress, log messages, a server-to-client request such as
/// <c>elicitation/create</c>): the whole answer becomes one <c>text/event-stream</c>. The responses collected so far are
/// sent as events, then every element's events as they come (whole events, never interleaved mid-event) and every later
/// response as an event. Nothing is dropped, and a handler that waits for the client's answer to an elicitation gets
/// it, because the client sees the request while the batch is still open.</item>
/// </list>
/// The HTTP status of an element's own error (400 for an invalid element) is not the batch's: the batch is 200 and the
/// error is the element's JSON-RPC error object.
/// </summary>
internal sealed class BatchResponse(HttpResponse response, CancellationToken aborted)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly List<byte[]> _answers = [];
    private bool _streaming;

    /// <summary>Whether the batch is answered as an event stream (an element streamed).</summary>
    public bool Streaming => _streaming;

    /// <summary>A response for one element: what is written to it is collected here.</summary>
    public HttpResponse NewElement()
    {
        var element = new DefaultHttpContext();
        element.Response.Body = new ElementBody(this, element.Response);
        return element.Response;
    }

    /// <summary>Takes what an element answered as JSON, once its dispatch has ended (after its last write).</summary>
    public async Task CompleteElementAsync(HttpResponse element)
    {
        await element.BodyWriter.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        var body = (ElementBody)element.Body;
        await body.FlushPendingAsync().ConfigureAwait(false);
        if (body.Json is not { Length: > 0 } json)
        {
            return; // 202 (a notification or a response), or an event stream that already went out
        }

        await _gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            if (_streaming)
            {
                SseFormat.WriteMessage(response.BodyWriter, null, json);
                await FlushAsync().ConfigureAwait(false);
            }
            else
            {
                _answers.Add(json);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Ends the batch: 202 when nothing answered, else the JSON array (an event stream is complete already).</summary>
    public Task CompleteAsync()
    {
        if (_streaming)
        {
            return Task.CompletedTask;
        }

        if (_answers.Count == 0)
        {
            return McpResponses.WriteAcceptedAsync(response);
        }

        int length = 1 + _answers.Count;
        foreach (byte[] answer in _answers)
        {
            length += answer.Length;
        }

        byte[] array = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            int at = 0;
            array[at++] = (byte)'[';
            for (int i = 0; i < _answers.Count; i++)
            {
                if (i > 0)
                {
                    array[at++] = (byte)',';
                }

                _answers[i].CopyTo(array, at);
                at += _answers[i].Length;
            }

            array[at++] = (byte)']';
            return McpResponses.WriteJsonAsync(response, StatusCodes.Status200OK, array.AsSpan(0, at));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(array);
        }
    }

    /// <summary>Writes whole SSE events of one element; the first turns the batch into an event stream.</summary>
    private async Task ForwardEventsAsync(ReadOnlyMemory<byte> events)
    {
        await _gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            PipeWriter body = response.BodyWriter;
            if (!_streaming)
            {
                _streaming = true;
                SseFormat.StartResponse(response);
                foreach (byte[] answer in _answers)
                {
                    SseFormat.WriteMessage(body, null, answer);
                }

                _answers.Clear();
            }

            body.Write(events.Span);
            await FlushAsync().ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task FlushAsync()
    {
        try
        {
            await response.BodyWriter.FlushAsync(aborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The client went away: the elements' events are still logged for resumption (session streams).
        }
    }

    /// <summary>
    /// The body of one element's response. JSON (the element answered plainly) is kept whole for
    /// <see cref="CompleteElementAsync"/>; an event stream (its content type says so before the first byte) is forwarded
    /// event by event, each complete event (ending in a blank line) at once.
    /// </summary>
    private sealed class ElementBody(BatchResponse batch, HttpResponse element) : Stream
    {
        private readonly MemoryStream _pending = new();

        public byte[]? Json { get; private set; }

        private bool IsEventStream => element.ContentType is { } type && type.StartsWith("text/event-stream", StringComparison.OrdinalIgnoreCase);

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            => WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            _pending.Write(buffer.Span);
            if (!IsEventStream)
            {
                return;
            }

            ReadOnlySpan<byte> written = _pending.GetBuffer().AsSpan(0, (int)_pending.Length);
            int end = written.LastIndexOf("\n\n"u8);
            if (end < 0)
            {
                return;
            }

            byte[] events = written[..(end + 2)].ToArray();
            byte[] rest = written[(end + 2)..].ToArray();
            _pending.SetLength(0);
            _pending.Write(rest);
            await batch.ForwardEventsAsync(events).ConfigureAwait(false);
        }

        public override void Flush()
        {
        }

        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        /// <summary>After the element's last write: JSON becomes <see cref="Json"/>; a partial event is forwarded as it is.</summary>
        public async Task FlushPendingAsync()
        {
            if (_pending.Length == 0)
            {
                return;
            }

            byte[] rest = _pending.ToArray();
            _pending.SetLength(0);
            if (IsEventStream)
            {
                await batch.ForwardEventsAsync(rest).ConfigureAwait(false);
            }
            else
            {
                Json = rest;
            }
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
