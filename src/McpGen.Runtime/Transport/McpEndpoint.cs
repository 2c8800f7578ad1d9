using System;
using System.Buffers;
using System.Threading.Tasks;
using McpGen.Protocol;
using McpGen.Security;
using McpGen.Sessions;
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
/// client responses get 202 (a response completes the server-to-client request with its id, see
/// <see cref="Push.PendingClientRequests"/>).</item>
/// <item>Era (<see cref="McpEraDetector"/>): modern by <c>_meta</c> protocol version, else legacy by
/// <c>MCP-Protocol-Version</c>.</item>
/// <item>Modern only: required <c>_meta</c> and mirrored headers (<see cref="McpHeaders"/>): 400 with -32602 or -32020.</item>
/// <item>Dispatch, only to methods whose capability the server declares (else -32601): <c>server/discover</c>; the four
/// lists (<see cref="PagedList"/>); <c>tools/call</c> (<see cref="ToolCallHandler"/>); <c>resources/read</c>,
/// <c>prompts/get</c> and <c>completion/complete</c> (<see cref="ServerFeatureHandler"/>); and for legacy clients
/// <c>initialize</c>, <c>ping</c>, <c>logging/setLevel</c> and <c>resources/(un)subscribe</c>. Modern requests for those
/// four get 404 + -32601.</item>
/// </list>
/// Status codes for JSON-RPC errors: 400 for unreadable messages, version and header problems, and missing
/// <c>_meta</c>; 404 for unknown methods on modern requests (the spec requires it); 200 for unknown methods on legacy
/// requests and for invalid parameters (unknown tool, prompt or resource, bad cursor) in either era, so clients surface the JSON-RPC error
/// itself rather than an HTTP failure.
/// </summary>
internal sealed partial class McpEndpoint
{
    private static ReadOnlySpan<byte> EmptyResult => "{}"u8;

    private readonly McpServerResults _results;
    private readonly HostOriginPolicy _hostOrigin;
    private readonly ToolCallHandler _toolCalls;
    private readonly ServerFeatureHandler _features;
    private readonly string _modernMethods;
    private readonly string _legacyMethods;
    private readonly ILogger _logger;
    private readonly long _maxBodySize;
    private readonly McpChangeFeed _feed;
    private readonly ListenStreamHandler _listen;
    private readonly McpSessionRuntime? _sessions;
    private readonly SessionStreamServer? _sessionStreams;
    private readonly LegacySseTransport? _legacySse;

    public McpEndpoint(McpServerDefinition definition, McpEndpointServices services)
    {
        Definition = definition;
        Services = services;
        _logger = services.LoggerFactory.CreateLogger("McpGen.Transport.McpEndpoint");
        _results = new McpServerResults(definition, services.Options);
        _hostOrigin = new HostOriginPolicy(services.Options);
        bool sessions = definition.SessionMode != McpSessionMode.Stateless;
        _toolCalls = new ToolCallHandler(_results, services.SerializerOptions, services.ClientInput, sessions, _logger, new ChangeNotifier(services.Backplane, definition.Name));
        _features = new ServerFeatureHandler(definition, _results, services.SerializerOptions, services.ClientInput, _logger);
        _modernMethods = DescribeMethods(modern: true);
        _legacyMethods = DescribeMethods(modern: false);
        _maxBodySize = services.Options.MaxRequestBodySize;
        _feed = new McpChangeFeed(services.Backplane, definition.Name);
        _listen = new ListenStreamHandler(definition, _results, _feed, _logger);
        if (definition.LegacySse && definition.SessionMode == McpSessionMode.Stateless)
        {
            throw new InvalidOperationException(
                $"MCP server '{definition.Name}' sets LegacySse = true but is stateless: the HTTP+SSE transport needs a session. "
                + "Set Session = McpSessionMode.Store (any replica) or McpSessionMode.Sticky on [McpServer], or remove LegacySse (MCPG0040).");
        }

        if (definition.SessionMode != McpSessionMode.Stateless)
        {
            // Sticky: the session lives in this process. Store: in the application's store, shared by every replica.
            bool shared = definition.SessionMode == McpSessionMode.Store;
            _sessions = new McpSessionRuntime(
                definition.SessionMode,
                services.Options.Sessions,
                shared ? services.Store : new InMemoryMcpSessionStore(),
                shared ? services.Backplane : new InMemoryMcpBackplane(),
                _logger,
                services.ClientInput.Pending);
            _sessionStreams = new SessionStreamServer(_sessions, _feed, _logger);
            _legacySse = definition.LegacySse ? new LegacySseTransport(this, _sessions, _sessionStreams, _logger) : null;
        }
    }

    public McpServerDefinition Definition { get; }

    /// <summary>Stops the session machinery (expiry sweeps, backplane subscriptions) when the application stops.</summary>
    public ValueTask DisposeAsync() => _sessions?.DisposeAsync() ?? ValueTask.CompletedTask;

    public McpEndpointServices Services { get; }

    public Task HandleAsync(HttpContext context)
    {
        if (_hostOrigin.Check(context) is { } denied)
        {
            return Reject(context, StatusCodes.Status403Forbidden, denied);
        }

        HttpRequest request = context.Request;
        if (_sessions is not null && !HttpMethods.IsPost(request.Method))
        {
            return HandleSessionMethod(context);
        }

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

    internal async Task HandlePostAsync(HttpContext context)
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

        if (message.Kind == JsonRpcMessageKind.Response && _sessions is null)
        {
            // The client's answer to a server-to-client request (elicitation, sampling, roots) of a call on this process.
            CompleteClientRequest(message.Raw(message.Id), body);
            return McpResponses.WriteAcceptedAsync(context);
        }

        if (message.Kind != JsonRpcMessageKind.Request)
        {
            return _sessions is null ? McpResponses.WriteAcceptedAsync(context) : HandleClientMessageAsync(context, message);
        }

        IHeaderDictionary headers = context.Request.Headers;
        if (McpEraDetector.Detect(message, McpHeaders.Get(headers, McpHeaders.ProtocolVersion), out McpEra era) is { } unsupported)
        {
            return Fail(context, message, unsupported);
        }

        if (era.IsModern)
        {
            return DispatchModern(context, message, era);
        }

        return _sessions is null ? DispatchLegacy(context, message, era, null) : DispatchLegacySessionAsync(context, message, era);
    }

    /// <summary>Hands a client's response to the call waiting for it here; <see langword="false"/> when none is.</summary>
    private bool CompleteClientRequest(ReadOnlySpan<byte> rawId, ReadOnlyMemory<byte> response)
    {
        if (Services.ClientInput.Pending.TryComplete(rawId, response))
        {
            return true;
        }

        Push.PushLog.UnknownClientResponse(_logger, System.Text.Encoding.UTF8.GetString(rawId));
        return false;
    }

    private Task DispatchModern(HttpContext context, in JsonRpcMessage message, McpEra era)
    {
        if (!message.MetaClientCapabilities.IsObject)
        {
            return Fail(context, message, new McpError(400, JsonRpcErrorCodes.InvalidParams,
                "Invalid params: 2026-07-28 requests must carry params._meta[\"io.modelcontextprotocol/clientCapabilities\"], an object ({} when the client has no optional capabilities)."));
        }

        if (message.MetaLogLevel.IsPresent && McpLogLevels.Parse(message, message.MetaLogLevel) is null)
        {
            return Fail(context, message, new McpError(400, JsonRpcErrorCodes.InvalidParams,
                $"Invalid params: _meta[\"io.modelcontextprotocol/logLevel\"] must be one of: {McpLogLevels.Names}; omit it to receive no log messages."));
        }

        if (McpHeaders.ValidateModern(context.Request.Headers, message) is { } headerError)
        {
            return Fail(context, message, headerError);
        }

        if (!Offers(message.Method, modern: true))
        {
            return Fail(context, message, new McpError(404, JsonRpcErrorCodes.MethodNotFound, ModernMethodNotFound(message)));
        }

        switch (message.Method)
        {
            case McpMethod.ServerDiscover:
                return McpResponses.WriteResultAsync(context, message.Raw(message.Id), _results.Discover);
            case McpMethod.SubscriptionsListen:
                return _listen.HandleAsync(context, message);
            case McpMethod.ToolsCall:
                if (McpHeaders.ValidateName(context.Request.Headers, message, message.Name, "params.name") is { } nameError)
                {
                    return Fail(context, message, nameError);
                }

                return _toolCalls.HandleAsync(context, message, era);
            case McpMethod.ResourcesRead:
                if (McpHeaders.ValidateName(context.Request.Headers, message, message.Uri, "params.uri") is { } uriError)
                {
                    return Fail(context, message, uriError);
                }

                return _features.ReadResourceAsync(context, message, era);
            case McpMethod.PromptsGet:
                if (McpHeaders.ValidateName(context.Request.Headers, message, message.Name, "params.name") is { } promptError)
                {
                    return Fail(context, message, promptError);
                }

                return _features.GetPromptAsync(context, message, era);
            default:
                return DispatchCommon(context, message, era);
        }
    }

    private Task DispatchLegacy(HttpContext context, in JsonRpcMessage message, McpEra era, SessionCall? session)
    {
        if (!Offers(message.Method, modern: false))
        {
            return Fail(context, message, new McpError(200, JsonRpcErrorCodes.MethodNotFound,
                $"Method not found: '{message.MethodText}'. This server offers {_legacyMethods}."));
        }

        switch (message.Method)
        {
            case McpMethod.Initialize:
                return McpResponses.WriteResultAsync(context, message.Raw(message.Id), _results.GetInitialize(era.Version));
            case McpMethod.Ping:
                return McpResponses.WriteResultAsync(context, message.Raw(message.Id), EmptyResult);
            case McpMethod.ToolsCall:
                return _toolCalls.HandleAsync(context, message, era, session);
            case McpMethod.ResourcesRead:
                return _features.ReadResourceAsync(context, message, era);
            case McpMethod.PromptsGet:
                return _features.GetPromptAsync(context, message, era);
            case McpMethod.ResourcesSubscribe:
            case McpMethod.ResourcesUnsubscribe:
                return session is { } subscriber ? SubscribeInSessionAsync(context, message, subscriber) : _features.SubscribeAsync(context, message);
            case McpMethod.LoggingSetLevel:
                return session is { } leveled ? SetLevelInSessionAsync(context, message, leveled) : _features.SetLevelAsync(context, message);
            case McpMethod.ServerDiscover:
                // A discovery probe without _meta: answer it anyway, the result only describes the server.
                return McpResponses.WriteResultAsync(context, message.Raw(message.Id), _results.Discover);
            default:
                return DispatchCommon(context, message, era);
        }
    }

    /// <summary>The methods served the same way in both eras: the lists and <c>completion/complete</c>.</summary>
    private Task DispatchCommon(HttpContext context, in JsonRpcMessage message, McpEra era) => message.Method switch
    {
        McpMethod.ToolsList => List(context, message, _results.Tools, era.IsModern),
        McpMethod.ResourcesList => List(context, message, _results.Resources, era.IsModern),
        McpMethod.ResourcesTemplatesList => List(context, message, _results.ResourceTemplates, era.IsModern),
        McpMethod.PromptsList => List(context, message, _results.Prompts, era.IsModern),
        McpMethod.CompletionComplete => _features.CompleteAsync(context, message, era),
        _ => throw new InvalidOperationException($"Method {message.Method} is offered but not dispatched."),
    };

    /// <summary>
    /// Whether a method exists for this server in an era. A method whose capability the server does not declare does not
    /// exist (-32601), as the 2026-07-28 schema says: <c>tools/*</c> without tools, <c>resources/*</c> without resources,
    /// subscriptions without a subscribable resource, <c>prompts/*</c> without prompts, <c>completion/complete</c>
    /// without completions, <c>logging/setLevel</c> without a tool that logs.
    /// </summary>
    private bool Offers(McpMethod method, bool modern) => method switch
    {
        McpMethod.ServerDiscover => true,
        McpMethod.SubscriptionsListen => modern,
        McpMethod.Initialize or McpMethod.Ping => !modern,
        McpMethod.ToolsList or McpMethod.ToolsCall => _results.HasTools,
        McpMethod.ResourcesList or McpMethod.ResourcesTemplatesList or McpMethod.ResourcesRead => _results.HasResources,
        McpMethod.ResourcesSubscribe or McpMethod.ResourcesUnsubscribe => !modern && _results.HasSubscribableResources,
        McpMethod.PromptsList or McpMethod.PromptsGet => _results.HasPrompts,
        McpMethod.CompletionComplete => _results.HasCompletions,
        McpMethod.LoggingSetLevel => !modern && _results.HasLogging,
        _ => false,
    };

    private string DescribeMethods(bool modern)
    {
        var names = new System.Collections.Generic.List<string>();
        foreach (McpMethod method in Enum.GetValues<McpMethod>())
        {
            if (Offers(method, modern) && McpMethods.NameOf(method) is { } name)
            {
                names.Add(name);
            }
        }

        return string.Join(", ", names);
    }

    private Task List(HttpContext context, in JsonRpcMessage message, PagedList list, bool modern)
    {
        if (list.TryReadCursor(message, out int offset) is { } invalid)
        {
            return Fail(context, message, invalid);
        }

        return McpResponses.WriteResultAsync(context, message.Raw(message.Id), list.GetPage(modern, offset));
    }

    private string ModernMethodNotFound(in JsonRpcMessage message) => message.Method switch
    {
        McpMethod.Initialize =>
            "Method not found: 'initialize' is not part of protocol version 2026-07-28, which has no handshake. "
            + $"Send requests with _meta on each one ({_modernMethods}), or send initialize without _meta to use 2025-11-25.",
        McpMethod.Ping or McpMethod.LoggingSetLevel or McpMethod.ResourcesSubscribe or McpMethod.ResourcesUnsubscribe =>
            $"Method not found: '{message.MethodText}' was removed in protocol version 2026-07-28"
            + (message.Method == McpMethod.LoggingSetLevel ? " (send _meta[\"io.modelcontextprotocol/logLevel\"] on each request instead)" : "")
            + $". This server offers {_modernMethods}.",
        _ => $"Method not found: '{message.MethodText}'. This server offers {_modernMethods}.",
    };

    private Task Fail(HttpContext context, in JsonRpcMessage message, McpError error)
        => McpResponses.WriteErrorAsync(context, message.Id.IsPresent ? message.Raw(message.Id) : default, error, _logger);

    private Task Reject(HttpContext context, int status, string message)
        => McpResponses.WriteErrorAsync(context, default, new McpError(status, JsonRpcErrorCodes.TransportError, message), _logger);
}
