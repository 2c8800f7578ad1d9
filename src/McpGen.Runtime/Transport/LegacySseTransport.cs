using System;
using System.Buffers;
using System.IO;
using System.IO.Pipelines;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using McpGen.Protocol;
using McpGen.Security;
using McpGen.Sessions;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace McpGen.Transport;

/// <summary>
/// The deprecated HTTP+SSE transport (protocol version 2024-11-05), opt-in with <see cref="McpServerAttribute.LegacySse"/>:
/// <c>GET {pattern}/sse</c> creates a session and opens its event stream, whose first event (<c>endpoint</c>) names
/// <c>{pattern}/message?sessionId=...</c>; each POST there is answered 202 and processed by the regular pipeline inside
/// the session, and whatever the pipeline answers (the response, progress, log messages, server-to-client requests) is
/// appended to the session's <c>sse</c> stream log. The log publishes on the backplane, so the replica holding the GET
/// stream writes it, wherever the POST landed (store-backed servers). Closing the stream ends the session.
/// </summary>
internal sealed class LegacySseTransport(McpEndpoint endpoint, McpSessionRuntime runtime, SessionStreamServer streams, ILogger logger)
{
    /// <summary>The stream id of the HTTP+SSE stream of a session.</summary>
    public const string StreamId = "sse";

    /// <summary>The <see cref="HttpContext.Items"/> key that makes <c>initialize</c> update this session instead of creating one.</summary>
    public const string SessionItem = "McpGen.LegacySseSession";

    /// <summary><c>GET {pattern}/sse</c>.</summary>
    public async Task OpenAsync(HttpContext context, string messagePath)
    {
        McpSessionState? session = await runtime.CreateAsync(context, "2024-11-05", default, null).ConfigureAwait(false);
        if (session is null)
        {
            context.Response.Headers.RetryAfter = "30";
            await McpResponses.WriteErrorAsync(context, default, new McpError(503, JsonRpcErrorCodes.InternalError,
                "Service unavailable: this server holds its maximum number of sessions. Retry later."), logger).ConfigureAwait(false);
            return;
        }

        HttpResponse response = context.Response;
        SseFormat.StartResponse(response);
        PipeWriter body = response.BodyWriter;
        McpSessionLog.SessionStarted(logger, session.Id, "2024-11-05 (HTTP+SSE)", null);
        try
        {
            body.Write("event: endpoint\ndata: "u8);
            body.Write(Encoding.UTF8.GetBytes(messagePath + "?sessionId=" + Uri.EscapeDataString(session.Id)));
            body.Write("\n\n"u8);
            await body.FlushAsync(context.RequestAborted).ConfigureAwait(false);

            // Every answer is appended to the session's "sse" stream log by whichever replica processed the message.
            await streams.FollowAsync(body, new SessionStreamLog(runtime, session.Id, StreamId, priming: false), 0, context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException)
        {
            McpEndpointLog.StreamAborted(logger, ex);
        }
        catch (McpStoreUnavailableException ex)
        {
            McpSessionLog.StoreUnavailable(logger, "an HTTP+SSE stream ended", ex);
        }

        // The stream is the session: when the client closes it, the session ends.
        try
        {
            await runtime.DeleteAsync(session.Id, CancellationToken.None).ConfigureAwait(false);
        }
        catch (McpStoreUnavailableException ex)
        {
            McpSessionLog.StoreUnavailable(logger, "an HTTP+SSE session was not deleted; it expires when idle", ex);
        }
    }

    /// <summary><c>POST {pattern}/message?sessionId=...</c>: 202 now, the answer on the session's stream.</summary>
    public async Task PostAsync(HttpContext context)
    {
        string? sessionId = context.Request.Query["sessionId"];
        if (string.IsNullOrEmpty(sessionId))
        {
            await McpResponses.WriteErrorAsync(context, default, new McpError(400, JsonRpcErrorCodes.InvalidRequest,
                "Bad request: missing sessionId query parameter. Open GET /sse first and POST to the endpoint its first event names."), logger).ConfigureAwait(false);
            return;
        }

        if (!ContentNegotiation.IsJson(context.Request.ContentType))
        {
            await McpResponses.WriteErrorAsync(context, default, new McpError(415, JsonRpcErrorCodes.TransportError,
                "Unsupported media type: send the JSON-RPC message with Content-Type: application/json."), logger).ConfigureAwait(false);
            return;
        }

        McpSessionState? session = McpSessionIds.IsWellFormed(sessionId) ? await runtime.LoadAsync(sessionId, touch: true, context.RequestAborted).ConfigureAwait(false) : null;
        if (session is null)
        {
            await McpResponses.WriteErrorAsync(context, default, new McpError(404, JsonRpcErrorCodes.InvalidRequest,
                "Session not found: no HTTP+SSE stream is open for this sessionId (it was closed, expired, or is held by a replica without a shared store). Open GET /sse again."), logger).ConfigureAwait(false);
            return;
        }

        if (!string.Equals(session.PrincipalKey, McpSessionIds.PrincipalKey(context.User), StringComparison.Ordinal))
        {
            await McpResponses.WriteErrorAsync(context, default, new McpError(403, JsonRpcErrorCodes.InvalidRequest,
                "Forbidden: this MCP session belongs to another user."), logger).ConfigureAwait(false);
            return;
        }

        (BodyReadStatus status, byte[]? buffer, int length) = await RequestBodyReader.ReadAsync(context, endpoint.Services.Options.MaxRequestBodySize).ConfigureAwait(false);
        if (status != BodyReadStatus.Ok)
        {
            await McpResponses.WriteErrorAsync(context, default, new McpError(413, JsonRpcErrorCodes.TransportError,
                $"Request body too large or unreadable: the limit is {endpoint.Services.Options.MaxRequestBodySize} bytes."), logger).ConfigureAwait(false);
            return;
        }

        byte[] message = buffer.AsSpan(0, length).ToArray();
        ArrayPool<byte>.Shared.Return(buffer!);
        context.Response.StatusCode = StatusCodes.Status202Accepted;
        context.Response.ContentLength = 0;

        // Processed after the 202, in a scope of its own: the answer travels on the session's stream.
        IServiceScopeFactory scopes = context.RequestServices.GetRequiredService<IServiceScopeFactory>();
        System.Security.Claims.ClaimsPrincipal user = context.User;
        _ = Task.Run(() => ProcessAsync(scopes, user, session, message));
    }

    private async Task ProcessAsync(IServiceScopeFactory scopes, System.Security.Claims.ClaimsPrincipal user, McpSessionState session, byte[] message)
    {
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        var forward = new ForwardingStream(new SessionStreamLog(runtime, session.Id, StreamId, priming: false));
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider, User = user };
        context.Items[SessionItem] = session.Id;
        context.Request.Method = HttpMethods.Post;
        context.Request.ContentType = "application/json";
        context.Request.ContentLength = message.Length;
        context.Request.Headers.Accept = "application/json, text/event-stream";
        context.Request.Headers[McpSessionRuntime.SessionHeader] = session.Id;
        context.Request.Body = new MemoryStream(message, writable: false);
        context.Response.Body = forward;
        try
        {
            await endpoint.HandlePostAsync(context).ConfigureAwait(false);
            await context.Response.BodyWriter.FlushAsync().ConfigureAwait(false);
            await forward.CompleteAsync(context.Response.ContentType).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            McpSessionLog.LegacySseFailed(logger, session.Id, ex);
        }
    }

    /// <summary>
    /// The response body of a message processed for an HTTP+SSE session: SSE events (data lines) or one JSON body become
    /// messages appended to the session's <c>sse</c> stream log.
    /// </summary>
    private sealed class ForwardingStream(SessionStreamLog log) : Stream
    {
        private readonly MemoryStream _pending = new();

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override Task FlushAsync(CancellationToken cancellationToken) => ForwardEventsAsync();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => _pending.Write(buffer, offset, count);

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            _pending.Write(buffer.Span);
            await ForwardEventsAsync().ConfigureAwait(false);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            => WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        private bool _isEventStream;

        /// <summary>Appends every complete SSE event written so far (event streams only; JSON waits for the end).</summary>
        private async Task ForwardEventsAsync()
        {
            if (!_isEventStream && !LooksLikeEventStream())
            {
                return;
            }

            _isEventStream = true;
            while (true)
            {
                byte[] written = _pending.GetBuffer();
                int end = written.AsSpan(0, (int)_pending.Length).IndexOf("\n\n"u8);
                if (end < 0)
                {
                    return;
                }

                byte[] block = written.AsSpan(0, end).ToArray();
                byte[] rest = written.AsSpan(end + 2, (int)_pending.Length - end - 2).ToArray();
                _pending.SetLength(0);
                _pending.Write(rest);
                foreach (string line in Encoding.UTF8.GetString(block).Split('\n'))
                {
                    if (line.StartsWith("data: ", StringComparison.Ordinal) && line.Length > 6)
                    {
                        await log.AppendAsync(Encoding.UTF8.GetBytes(line[6..]), last: false, CancellationToken.None).ConfigureAwait(false);
                    }
                }
            }
        }

        private bool LooksLikeEventStream()
        {
            ReadOnlySpan<byte> head = _pending.GetBuffer().AsSpan(0, (int)Math.Min(_pending.Length, 6));
            return head.StartsWith("event:"u8) || head.StartsWith("id: "u8) || head.StartsWith("data:"u8) || head.StartsWith("retry"u8);
        }

        /// <summary>Appends a JSON body (or what is left of an event stream) once the pipeline is done.</summary>
        public async Task CompleteAsync(string? contentType)
        {
            if (_isEventStream || (contentType?.StartsWith("text/event-stream", StringComparison.Ordinal) ?? false))
            {
                _pending.Write("\n\n"u8);
                _isEventStream = true;
                await ForwardEventsAsync().ConfigureAwait(false);
                return;
            }

            if (_pending.Length > 0)
            {
                await log.AppendAsync(_pending.ToArray(), last: false, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }
}
