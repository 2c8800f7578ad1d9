using System;
using System.Buffers;
using System.IO;
using System.IO.Pipelines;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using McpGen.Dispatch;
using McpGen.Protocol;
using McpGen.Security;
using McpGen.Sessions;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using McpGen.ClientInput;
using McpGen.Http;
using McpGen.Streaming;

namespace McpGen.Http;

/// <summary>
/// The deprecated HTTP+SSE transport (protocol version 2024-11-05), opt-in with <see cref="McpServerAttribute.LegacySse"/>:
/// <c>GET {pattern}/sse</c> creates a session and opens its event stream, whose first event (<c>endpoint</c>) names
/// <c>{pattern}/message?sessionId=...</c>. Each POST there is read once, its session resolved once, and acknowledged with
/// 202 (the response completes, with <c>Connection: close</c> so the client sends its next message, an answer to an
/// elicitation for instance, on another connection); the message is then dispatched, inside the same HTTP request and
/// its service scope, by the same <see cref="McpDispatcher"/> as Streamable HTTP, with a <see cref="McpResponder"/>
/// that appends whatever it answers (the response, progress, log messages, server-to-client requests) to the
/// session's <c>sse</c> stream log. The log publishes on the backplane, so the replica holding the GET stream writes
/// it, wherever the POST landed (store-backed servers). Closing the stream ends the session.
/// </summary>
internal sealed class LegacySseTransport(McpEndpoint endpoint, McpSessionRuntime runtime, SessionStreamServer streams, McpDispatcher dispatcher, McpServerResults results, ILogger logger)
{
    /// <summary>The stream id of the HTTP+SSE stream of a session.</summary>
    public const string StreamId = "sse";

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
        McpTelemetry.StreamChanged(1, "http_sse");
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

        McpTelemetry.StreamChanged(-1, "http_sse");

        // The stream is the session: when the client closes it, the session ends.
        try
        {
            await runtime.DeleteAsync(session, CancellationToken.None).ConfigureAwait(false);
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

        (BodyReadStatus status, byte[]? buffer, int length) = await RequestBodyReader.ReadAsync(context, endpoint.Services.Options.MaxRequestBodySize, endpoint.Services.Options.BodyReadIdleTimeout).ConfigureAwait(false);
        if (status != BodyReadStatus.Ok)
        {
            await McpResponses.WriteErrorAsync(context, default, new McpError(413, JsonRpcErrorCodes.TransportError,
                $"Request body too large or unreadable: the limit is {endpoint.Services.Options.MaxRequestBodySize} bytes."), logger).ConfigureAwait(false);
            return;
        }

        try
        {
            // 202 now (the answer travels on the session's stream), then serve the message in this request.
            context.Response.StatusCode = StatusCodes.Status202Accepted;
            context.Response.ContentLength = 0;
            context.Response.Headers.Connection = "close";
            await context.Response.CompleteAsync().ConfigureAwait(false);
            await ServeAsync(context, session, buffer.AsMemory(0, length)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not McpStoreUnavailableException)
        {
            McpSessionLog.LegacySseFailed(logger, session.Id, ex);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer!);
        }
    }

    private Task ServeAsync(HttpContext context, McpSessionState session, ReadOnlyMemory<byte> body)
    {
        var responder = McpResponder.SessionStream(new SessionStreamLog(runtime, session.Id, StreamId, priming: false), logger);
        if (endpoint.Read(body, out JsonRpcMessage message) is { } invalid)
        {
            return responder.WriteErrorAsync(message.Id.IsPresent ? message.Raw(message.Id) : default, invalid);
        }

        if (message.Kind != JsonRpcMessageKind.Request)
        {
            return AcceptAsync(message, session, responder);
        }

        if (McpEraDetector.Detect(message, null, out McpEra era) is { } unsupported)
        {
            return responder.WriteErrorAsync(message.Raw(message.Id), unsupported);
        }

        if (era.IsModern)
        {
            return responder.WriteErrorAsync(message.Raw(message.Id), new McpError(400, JsonRpcErrorCodes.InvalidRequest,
                "Invalid request: 2026-07-28 requests are served by the Streamable HTTP endpoint (POST to the MCP URL itself), not by the deprecated HTTP+SSE transport."));
        }

        return message.Method == McpMethod.Initialize
            ? InitializeAsync(message, era, session, responder)
            : dispatcher.DispatchAsync(message, new McpCaller(context, new McpEra(false, session.ProtocolVersion), new SessionCall(runtime, session), httpSse: true), responder);
    }

    /// <summary>A notification or response of the session; a refused response is answered with its error on the stream.</summary>
    private async Task AcceptAsync(JsonRpcMessage message, McpSessionState session, McpResponder responder)
    {
        if (await endpoint.AcceptClientMessageAsync(message, session, CancellationToken.None).ConfigureAwait(false) is { } error)
        {
            await responder.WriteErrorAsync(default, error).ConfigureAwait(false);
        }
    }

    /// <summary><c>initialize</c> on the stream's session (created by GET /sse): records what it negotiated.</summary>
    private async Task InitializeAsync(JsonRpcMessage message, McpEra era, McpSessionState session, McpResponder responder)
    {
        byte[] capabilities = message.Capabilities.IsObject ? message.Raw(message.Capabilities).ToArray() : "{}"u8.ToArray();
        McpClientInfo? clientInfo = message.ClientInfo.IsObject ? McpRequestContext.ParseClientInfoJson(message.Raw(message.ClientInfo)) : null;
        await runtime.ChangeAsync(session, (era.Version, capabilities, clientInfo), static (s, negotiated) =>
        {
            s.ProtocolVersion = negotiated.Version;
            s.ClientCapabilities = negotiated.capabilities;
            s.ClientInfo = negotiated.clientInfo;
            return true;
        }, CancellationToken.None).ConfigureAwait(false);
        await responder.WriteResultAsync(message.Raw(message.Id), results.GetInitialize(era.Version)).ConfigureAwait(false);
    }
}
