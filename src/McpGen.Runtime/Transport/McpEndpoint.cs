using System;
using System.Buffers;
using System.Threading.Tasks;
using McpGen.Protocol;
using McpGen.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace McpGen.Transport;

/// <summary>
/// The Streamable HTTP endpoint of one stateless server, for every client era on one route. The request flow, each
/// step in one place:
/// <list type="number">
/// <item>Host and Origin (<see cref="HostOriginPolicy"/>): 403.</item>
/// <item>HTTP method: only POST; GET, DELETE and the rest get 405 with <c>Allow: POST</c> (no stream, no session).</item>
/// <item>Accept and Content-Type (<see cref="ContentNegotiation"/>): 406, 415.</item>
/// <item>Body size (<see cref="RequestBodyReader"/>): 413.</item>
/// <item>One JSON-RPC message (<see cref="JsonRpcMessageReader"/>): 400 with -32700 or -32600; notifications and
/// client responses get 202.</item>
/// <item>Era (<see cref="McpEraDetector"/>): modern by <c>_meta</c> protocol version, else legacy by
/// <c>MCP-Protocol-Version</c>.</item>
/// <item>Modern only: required <c>_meta</c> and mirrored headers (<see cref="McpHeaders"/>): 400 with -32602 or -32020.</item>
/// <item>Dispatch: <c>server/discover</c>, <c>tools/list</c>, <c>tools/call</c> (<see cref="ToolCallHandler"/>), and for
/// legacy clients <c>initialize</c> and <c>ping</c>.</item>
/// </list>
/// Status codes for JSON-RPC errors: 400 for unreadable messages, version and header problems, and missing
/// <c>_meta</c>; 404 for unknown methods on modern requests (the spec requires it); 200 for unknown methods on legacy
/// requests and for invalid parameters (unknown tool, bad cursor) in either era, so clients surface the JSON-RPC error
/// itself rather than an HTTP failure.
/// </summary>
internal sealed class McpEndpoint
{
    private static ReadOnlySpan<byte> EmptyResult => "{}"u8;

    private readonly McpServerResults _results;
    private readonly HostOriginPolicy _hostOrigin;
    private readonly ToolCallHandler _toolCalls;
    private readonly ILogger _logger;
    private readonly long _maxBodySize;

    public McpEndpoint(McpServerDefinition definition, McpEndpointServices services)
    {
        Definition = definition;
        Services = services;
        _logger = services.LoggerFactory.CreateLogger("McpGen.Transport.McpEndpoint");
        _results = new McpServerResults(definition, services.Options);
        _hostOrigin = new HostOriginPolicy(services.Options);
        _toolCalls = new ToolCallHandler(_results, services.SerializerOptions, _logger);
        _maxBodySize = services.Options.MaxRequestBodySize;
        if (definition.SessionMode != McpSessionMode.Stateless)
        {
            McpEndpointLog.SessionModeNotSupported(_logger, definition.Name, definition.SessionMode);
        }
    }

    public McpServerDefinition Definition { get; }

    public McpEndpointServices Services { get; }

    public Task HandleAsync(HttpContext context)
    {
        if (_hostOrigin.Check(context) is { } denied)
        {
            return Reject(context, StatusCodes.Status403Forbidden, denied);
        }

        HttpRequest request = context.Request;
        if (!HttpMethods.IsPost(request.Method))
        {
            context.Response.Headers.Allow = "POST";
            return Reject(context, StatusCodes.Status405MethodNotAllowed,
                $"Method not allowed: this MCP endpoint is stateless and takes only POST ({request.Method} opens no stream and ends no session). "
                + "Send each JSON-RPC message as its own POST; 2026-07-28 clients receive change notifications with subscriptions/listen.");
        }

        if (!ContentNegotiation.AcceptsJsonAndEventStream(request.Headers.Accept))
        {
            return Reject(context, StatusCodes.Status406NotAcceptable,
                "Not acceptable: the client must accept both application/json and text/event-stream (send Accept: application/json, text/event-stream).");
        }

        if (!ContentNegotiation.IsJson(request.ContentType))
        {
            return Reject(context, StatusCodes.Status415UnsupportedMediaType,
                "Unsupported media type: send the JSON-RPC message with Content-Type: application/json.");
        }

        return HandlePostAsync(context);
    }

    private async Task HandlePostAsync(HttpContext context)
    {
        (BodyReadStatus status, byte[]? buffer, int length) = await RequestBodyReader.ReadAsync(context, _maxBodySize).ConfigureAwait(false);
        if (status == BodyReadStatus.TooLarge)
        {
            await Reject(context, StatusCodes.Status413PayloadTooLarge,
                $"Request body too large: the limit is {_maxBodySize} bytes (McpServerOptions.MaxRequestBodySize). Send smaller arguments.").ConfigureAwait(false);
            return;
        }

        if (status == BodyReadStatus.Aborted)
        {
            McpEndpointLog.BodyAborted(_logger);
            return;
        }

        try
        {
            await HandleMessageAsync(context, buffer.AsMemory(0, length)).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer!);
        }
    }

    private Task HandleMessageAsync(HttpContext context, ReadOnlyMemory<byte> body)
    {
        if (JsonRpcMessageReader.TryRead(body, out JsonRpcMessage message) is { } invalid)
        {
            return Fail(context, message, invalid);
        }

        if (message.Kind != JsonRpcMessageKind.Request)
        {
            return McpResponses.WriteAcceptedAsync(context);
        }

        IHeaderDictionary headers = context.Request.Headers;
        if (McpEraDetector.Detect(message, McpHeaders.Get(headers, McpHeaders.ProtocolVersion), out McpEra era) is { } unsupported)
        {
            return Fail(context, message, unsupported);
        }

        return era.IsModern ? DispatchModern(context, message, era) : DispatchLegacy(context, message, era);
    }

    private Task DispatchModern(HttpContext context, in JsonRpcMessage message, McpEra era)
    {
        if (!message.MetaClientCapabilities.IsObject)
        {
            return Fail(context, message, new McpError(400, JsonRpcErrorCodes.InvalidParams,
                "Invalid params: 2026-07-28 requests must carry params._meta[\"io.modelcontextprotocol/clientCapabilities\"], an object ({} when the client has no optional capabilities)."));
        }

        if (McpHeaders.ValidateModern(context.Request.Headers, message) is { } headerError)
        {
            return Fail(context, message, headerError);
        }

        switch (message.Method)
        {
            case McpMethod.ServerDiscover:
                return McpResponses.WriteResultAsync(context, message.Raw(message.Id), _results.Discover);
            case McpMethod.ToolsList:
                return ListTools(context, message, modern: true);
            case McpMethod.ToolsCall:
                if (McpHeaders.ValidateName(context.Request.Headers, message, message.Name, "params.name") is { } nameError)
                {
                    return Fail(context, message, nameError);
                }

                return _toolCalls.HandleAsync(context, message, era);
            default:
                return Fail(context, message, new McpError(404, JsonRpcErrorCodes.MethodNotFound, ModernMethodNotFound(message)));
        }
    }

    private Task DispatchLegacy(HttpContext context, in JsonRpcMessage message, McpEra era)
    {
        switch (message.Method)
        {
            case McpMethod.Initialize:
                return McpResponses.WriteResultAsync(context, message.Raw(message.Id), _results.GetInitialize(era.Version));
            case McpMethod.Ping:
                return McpResponses.WriteResultAsync(context, message.Raw(message.Id), EmptyResult);
            case McpMethod.ToolsList:
                return ListTools(context, message, modern: false);
            case McpMethod.ToolsCall:
                return _toolCalls.HandleAsync(context, message, era);
            case McpMethod.ServerDiscover:
                // A discovery probe without _meta: answer it anyway, the result only describes the server.
                return McpResponses.WriteResultAsync(context, message.Raw(message.Id), _results.Discover);
            default:
                return Fail(context, message, new McpError(200, JsonRpcErrorCodes.MethodNotFound,
                    $"Method not found: '{message.MethodText}'. This server offers initialize, ping, tools/list and tools/call."));
        }
    }

    private Task ListTools(HttpContext context, in JsonRpcMessage message, bool modern)
    {
        int offset = 0;
        if (message.Cursor.IsPresent && !message.Cursor.IsNull
            && (message.GetString(message.Cursor) is not { } cursor || !_results.Cursor.TryDecode(cursor, out offset)))
        {
            return Fail(context, message, new McpError(200, JsonRpcErrorCodes.InvalidParams,
                "Invalid cursor: pass the nextCursor of the previous tools/list result unchanged, or call tools/list without a cursor to start over."));
        }

        return McpResponses.WriteResultAsync(context, message.Raw(message.Id), _results.GetToolsPage(modern, offset));
    }

    private static string ModernMethodNotFound(in JsonRpcMessage message) => message.Method switch
    {
        McpMethod.Initialize =>
            "Method not found: 'initialize' is not part of protocol version 2026-07-28, which has no handshake. "
            + "Send requests with _meta on each one (server/discover, tools/list, tools/call), or send initialize without _meta to use 2025-11-25.",
        McpMethod.Ping or McpMethod.LoggingSetLevel or McpMethod.ResourcesSubscribe or McpMethod.ResourcesUnsubscribe =>
            $"Method not found: '{message.MethodText}' was removed in protocol version 2026-07-28. This server offers server/discover, tools/list and tools/call.",
        _ => $"Method not found: '{message.MethodText}'. This server offers server/discover, tools/list and tools/call.",
    };

    private Task Fail(HttpContext context, in JsonRpcMessage message, McpError error)
        => McpResponses.WriteErrorAsync(context, message.Id.IsPresent ? message.Raw(message.Id) : default, error, _logger);

    private Task Reject(HttpContext context, int status, string message)
        => McpResponses.WriteErrorAsync(context, default, new McpError(status, JsonRpcErrorCodes.TransportError, message), _logger);
}
