using System;
using System.Globalization;
using System.Threading.Tasks;
using McpGen.Dispatch;
using McpGen.Protocol;
using McpGen.Sessions;
using Microsoft.AspNetCore.Http;
using McpGen.ClientInput;
using McpGen.Http;
using McpGen.Streaming;

namespace McpGen.Http;

/// <summary>
/// The session side of the endpoint, for sticky and store-backed servers and <c>initialize</c>-era clients:
/// <c>initialize</c> creates a session and answers with <c>Mcp-Session-Id</c>; every later request must name it (400
/// missing, 404 unknown or ended, 403 another principal's); GET opens the standalone stream or resumes a stream with
/// <c>Last-Event-ID</c>; DELETE ends the session; <c>notifications/cancelled</c> cancels a running call; the level and
/// resource subscriptions are kept per session. A store that cannot be reached answers 503 with <c>Retry-After</c>.
/// </summary>
internal sealed partial class McpEndpoint
{
    /// <summary>The HTTP+SSE transport, when the server opts in (<see cref="McpServerDefinition.LegacySse"/>).</summary>
    public LegacySseTransport? LegacySse => _legacySse;

    /// <summary><c>GET {pattern}/sse</c> of the HTTP+SSE transport.</summary>
    public Task HandleLegacySseOpenAsync(HttpContext context, string messagePath)
    {
        if (_hostOrigin.Check(context) is { } denied)
        {
            return Reject(context, StatusCodes.Status403Forbidden, denied);
        }

        return WithStoreAsync(context, c => _legacySse!.OpenAsync(c, messagePath));
    }

    /// <summary><c>POST {pattern}/message?sessionId=...</c> of the HTTP+SSE transport.</summary>
    public Task HandleLegacySseMessageAsync(HttpContext context)
    {
        if (_hostOrigin.Check(context) is { } denied)
        {
            return Reject(context, StatusCodes.Status403Forbidden, denied);
        }

        return WithStoreAsync(context, _legacySse!.PostAsync);
    }

    /// <summary>
    /// A request to <c>{pattern}/sse</c> other than the HTTP+SSE GET: a client mixing up the transports. By default a POST
    /// gets 405 with <c>Allow: GET</c> and a JSON-RPC error naming the Streamable HTTP URL to POST to (and the GET this
    /// URL expects). With <see cref="McpServerOptions.ServeStreamableHttpOnSsePath"/> it is served as Streamable HTTP,
    /// through <see cref="HandleAsync"/> and every check there; so is a GET or DELETE that names a session
    /// (<c>Mcp-Session-Id</c>), which a GET opening an HTTP+SSE stream never does.
    /// </summary>
    public Task HandleSsePathAsync(HttpContext context, string messagePath)
    {
        if (Services.Options.ServeStreamableHttpOnSsePath)
        {
            return HandleAsync(context);
        }

        if (_hostOrigin.Check(context) is { } denied)
        {
            return Reject(context, StatusCodes.Status403Forbidden, denied);
        }

        string path = (context.Request.PathBase + context.Request.Path).Value ?? "";
        string streamable = path.EndsWith("/sse", StringComparison.OrdinalIgnoreCase) ? path[..^4] : path;
        if (streamable.Length == 0)
        {
            streamable = "/";
        }

        if (HttpMethods.IsGet(context.Request.Method))
        {
            return Reject(context, StatusCodes.Status400BadRequest,
                $"Bad request: GET {path} opens a new session of the deprecated HTTP+SSE transport and takes no Mcp-Session-Id. "
                + $"For the event stream of a Streamable HTTP session, GET {streamable} with that Mcp-Session-Id.");
        }

        context.Response.Headers.Allow = "GET";
        return Reject(context, StatusCodes.Status405MethodNotAllowed,
            $"Method not allowed: {path} is the event stream of the deprecated HTTP+SSE transport and takes only GET (which opens the stream and "
            + $"names the URL to POST messages to, {messagePath}?sessionId=...). For Streamable HTTP, send {context.Request.Method} to {streamable} instead "
            + "(the server can also serve it here: McpServerOptions.ServeStreamableHttpOnSsePath).");
    }

    private Task HandleSessionMethod(HttpContext context)
    {
        string method = context.Request.Method;
        if (HttpMethods.IsGet(method))
        {
            if (!ContentNegotiation.AcceptsEventStream(context.Request.Headers.Accept))
            {
                return Reject(context, StatusCodes.Status406NotAcceptable,
                    "Not acceptable: the GET stream is text/event-stream; send Accept: text/event-stream.");
            }

            return WithStoreAsync(context, GetAsync);
        }

        if (HttpMethods.IsDelete(method))
        {
            return WithStoreAsync(context, DeleteAsync);
        }

        context.Response.Headers.Allow = "GET, POST, DELETE";
        return Reject(context, StatusCodes.Status405MethodNotAllowed,
            $"Method not allowed: this MCP endpoint takes POST (JSON-RPC messages), GET (the session's event stream) and DELETE (end the session), not {method}.");
    }

    private async Task GetAsync(HttpContext context)
    {
        SessionLookup lookup = await _sessions!.ResolveAsync(context).ConfigureAwait(false);
        if (lookup.Error is { } error)
        {
            await McpResponses.WriteErrorAsync(context, default, error, _logger).ConfigureAwait(false);
            return;
        }

        string sessionId = lookup.Session!.Id;
        if (Services.Drain.IsDraining)
        {
            await RefuseStreamWhileDrainingAsync(context).ConfigureAwait(false);
            return;
        }

        if (!_limits.TryEnterStream(sessionId))
        {
            McpEndpointLog.SessionStreamLimit(_logger, sessionId, Services.Options.Sessions.MaxStreamsPerSession);
            context.Response.Headers.RetryAfter = "1";
            await McpResponses.WriteErrorAsync(context, default, SessionLimits.TooMany(calls: false, Services.Options.Sessions.MaxStreamsPerSession), _logger).ConfigureAwait(false);
            return;
        }

        McpTelemetry.StreamChanged(1, "get");
        try
        {
            string? lastEventId = context.Request.Headers["Last-Event-ID"];
            await _sessionStreams!.ServeAsync(context, lookup.Session, lastEventId, Services.Drain.Draining).ConfigureAwait(false);
        }
        finally
        {
            _limits.ExitStream(sessionId);
            McpTelemetry.StreamChanged(-1, "get");
        }
    }

    private async Task DeleteAsync(HttpContext context)
    {
        SessionLookup lookup = await _sessions!.ResolveAsync(context, touch: false).ConfigureAwait(false);
        if (lookup.Error is { } error)
        {
            await McpResponses.WriteErrorAsync(context, default, error, _logger).ConfigureAwait(false);
            return;
        }

        await _sessions.DeleteAsync(lookup.Session!, context.RequestAborted).ConfigureAwait(false);
        McpSessionLog.SessionEnded(_logger, lookup.Session!.Id);
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentLength = 0;
    }

    /// <summary>Notifications and responses from the client: checked against the session when they name one.</summary>
    private Task HandleClientMessageAsync(HttpContext context, JsonRpcMessage message)
        => WithStoreAsync(context, c => ClientMessageAsync(c, message));

    private async Task ClientMessageAsync(HttpContext context, JsonRpcMessage message)
    {
        // Notifications and responses belong to a session like requests do: without Mcp-Session-Id, 400 (the spec's SHOULD).
        SessionLookup lookup = await _sessions!.ResolveAsync(context).ConfigureAwait(false);
        McpError? error = lookup.Error ?? await AcceptClientMessageAsync(message, lookup.Session!, context.RequestAborted).ConfigureAwait(false);
        if (error is not null)
        {
            await McpResponses.WriteErrorAsync(context, default, error, _logger).ConfigureAwait(false);
            return;
        }

        await McpResponses.WriteAcceptedAsync(context).ConfigureAwait(false);
    }

    /// <summary>
    /// Takes a notification or a response from the client of <paramref name="session"/>, whichever transport carried it:
    /// <c>notifications/cancelled</c> cancels the session's call (on whichever replica runs it); a response completes the
    /// server-to-client request of this session waiting for it (here, or through the backplane on the replica that sent
    /// it). A response whose id names a request of another session is refused (400) and changes nothing.
    /// </summary>
    internal async Task<McpError?> AcceptClientMessageAsync(JsonRpcMessage message, McpSessionState session, System.Threading.CancellationToken cancellationToken)
    {
        if (message.Method == McpMethod.NotificationsCancelled
            && message.RequestId.Type is System.Text.Json.JsonTokenType.String or System.Text.Json.JsonTokenType.Number)
        {
            await _sessions!.Calls.CancelAsync(session.Id, message.RawMemory(message.RequestId), cancellationToken).ConfigureAwait(false);
        }

        if (message.Kind != JsonRpcMessageKind.Response)
        {
            return null;
        }

        ReadOnlySpan<byte> rawId = message.Raw(message.Id);
        if (!McpGen.ClientInput.PendingClientRequests.MayBelongTo(rawId, session.Id))
        {
            McpGen.ClientInput.PushLog.UnknownClientResponse(_logger, System.Text.Encoding.UTF8.GetString(rawId));
            return new McpError(400, JsonRpcErrorCodes.InvalidRequest,
                "Bad request: this response's id names no request this server sent to this session. Answer a server-to-client "
                + "request (elicitation/create, sampling/createMessage, roots/list) in the session it came on, with its id unchanged.");
        }

        if (!Services.ClientInput.Pending.TryComplete(rawId, session.Id, message.Body))
        {
            // Store-backed: the call waiting for this answer may run on another replica (the client's POST landed here).
            if (_sessions!.IsShared)
            {
                await _sessions.Replies.PublishAsync(session.Id, rawId, message.Body, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                McpGen.ClientInput.PushLog.UnknownClientResponse(_logger, System.Text.Encoding.UTF8.GetString(rawId));
            }
        }

        return null;
    }

    private Task DispatchLegacySessionAsync(HttpContext context, JsonRpcMessage message, McpEra era)
        => WithStoreAsync(context, c => LegacySessionAsync(c, message, era), message.Id.IsPresent ? message.RawMemory(message.Id) : default);

    private async Task LegacySessionAsync(HttpContext context, JsonRpcMessage message, McpEra era)
    {
        McpSessionRuntime sessions = _sessions!;
        await sessions.EnsureStartedAsync().ConfigureAwait(false);
        if (message.Method == McpMethod.Initialize)
        {
            await InitializeAsync(context, message, era).ConfigureAwait(false);
            return;
        }

        SessionLookup lookup = await sessions.ResolveAsync(context).ConfigureAwait(false);
        if (lookup.Error is { } error)
        {
            if (error.HttpStatus == StatusCodes.Status400BadRequest && Services.Options.Sessions.SessionlessFallback
                && !context.Request.Headers.ContainsKey(McpSessionRuntime.SessionHeader) && CanServeWithoutSession(message))
            {
                McpSessionLog.SessionlessFallback(_logger, message.MethodText);
                await _dispatcher.DispatchAsync(message, new McpCaller(context, era, null), McpResponder.Http(context.Response, _logger)).ConfigureAwait(false);
                return;
            }

            await Fail(context, message, error).ConfigureAwait(false);
            return;
        }

        McpSessionState session = lookup.Session!;

        // Without MCP-Protocol-Version the request gets the version initialize negotiated (not the 2025-03-26 default).
        if (McpHeaders.Get(context.Request.Headers, McpHeaders.ProtocolVersion) is null)
        {
            era = new McpEra(false, session.ProtocolVersion);
        }

        await DispatchCountedAsync(message, new McpCaller(context, era, new SessionCall(sessions, session)), McpResponder.Http(context.Response, _logger), session.Id).ConfigureAwait(false);
    }

    private async Task InitializeAsync(HttpContext context, JsonRpcMessage message, McpEra era)
    {
        if (Services.Drain.IsDraining)
        {
            await RefuseWhileDrainingAsync(context, message).ConfigureAwait(false);
            return;
        }

        McpClientInfo? clientInfo = message.ClientInfo.IsObject ? McpRequestContext.ParseClientInfoJson(message.Raw(message.ClientInfo)) : null;
        ReadOnlyMemory<byte> capabilities = message.Capabilities.IsObject ? message.RawMemory(message.Capabilities) : default;
        McpSessionState? session = await _sessions!.CreateAsync(context, era.Version, capabilities, clientInfo).ConfigureAwait(false);
        if (session is null)
        {
            McpSessionLog.SessionLimitReached(_logger, Services.Options.Sessions.MaxSessions);
            context.Response.Headers.RetryAfter = "30";
            await Fail(context, message, new McpError(503, JsonRpcErrorCodes.InternalError,
                $"Service unavailable: this server holds its maximum of {Services.Options.Sessions.MaxSessions} sessions. Retry later; "
                + "clients should send DELETE when they are done with a session (McpServerOptions.Sessions.MaxSessions raises the limit).")).ConfigureAwait(false);
            return;
        }

        McpSessionLog.SessionStarted(_logger, session.Id, session.ProtocolVersion, clientInfo?.Name);
        context.Response.Headers[McpSessionRuntime.SessionHeader] = session.Id;
        await McpResponses.WriteResultAsync(context, message.Raw(message.Id), _results.GetInitialize(era.Version)).ConfigureAwait(false);
    }

    /// <summary>Whether a request without a session can be served statelessly (SessionlessFallback): nothing in it needs the session.</summary>
    private bool CanServeWithoutSession(in JsonRpcMessage message) => message.Method switch
    {
        McpMethod.ToolsCall => message.Name.IsString && message.GetString(message.Name) is { } name
            && Definition.FindTool(name) is { } tool && (tool.Features & McpHandlerFeatures.RequestContext) == 0,
        McpMethod.ToolsList or McpMethod.ResourcesList or McpMethod.ResourcesTemplatesList or McpMethod.PromptsList
            or McpMethod.ResourcesRead or McpMethod.PromptsGet or McpMethod.CompletionComplete or McpMethod.Ping => true,
        _ => false,
    };

    /// <summary>Runs a session operation; a store outage becomes 503 with <c>Retry-After</c> and a JSON-RPC error.</summary>
    private async Task WithStoreAsync(HttpContext context, Func<HttpContext, Task> operation, ReadOnlyMemory<byte> rawId = default)
    {
        try
        {
            await operation(context).ConfigureAwait(false);
        }
        catch (McpStoreUnavailableException ex)
        {
            McpSessionLog.StoreUnavailable(_logger, ex.Message, ex);
            if (context.Response.HasStarted)
            {
                return; // a stream was already open: it ends here, the client reconnects
            }

            context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(ex.RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            await McpResponses.WriteErrorAsync(context, rawId.Span, new McpError(503, JsonRpcErrorCodes.InternalError,
                "Service unavailable: the MCP session store cannot be reached right now. Retry after the Retry-After delay; the session is kept."), _logger).ConfigureAwait(false);
        }
    }
}
