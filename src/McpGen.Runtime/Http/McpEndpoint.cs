using System;
using System.Buffers;
using System.Threading.Tasks;
using McpGen.Dispatch;
using McpGen.Protocol;
using McpGen.Security;
using McpGen.Sessions;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using McpGen.ClientInput;
using McpGen.Http;
using McpGen.Streaming;

namespace McpGen.Http;

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
/// <see cref="McpGen.ClientInput.PendingClientRequests"/>).</item>
/// <item>Era (<see cref="McpEraDetector"/>): modern by <c>_meta</c> protocol version, else legacy by
/// <c>MCP-Protocol-Version</c>.</item>
/// <item>Modern only: required <c>_meta</c> and mirrored headers (<see cref="McpHeaders"/>): 400 with -32602 or -32020.</item>
/// <item>Dispatch (<see cref="McpDispatcher"/>), which takes the parsed message, the caller (<see cref="McpCaller"/>:
/// principal, session, era) and where the answer goes (<see cref="McpResponder"/>), and reads no header; every handler
/// kind runs through one <see cref="McpInvoker"/>.</item>
/// </list>
/// Status codes for JSON-RPC errors: 400 for unreadable messages, version and header problems, and missing
/// <c>_meta</c>; 404 for unknown methods on modern requests (the spec requires it); 200 for unknown methods on legacy
/// requests and for invalid parameters (unknown tool, prompt or resource, bad cursor) in either era, so clients surface the JSON-RPC error
/// itself rather than an HTTP failure.
/// </summary>
internal sealed partial class McpEndpoint
{
    private readonly McpServerResults _results;
    private readonly HostOriginPolicy _hostOrigin;
    private readonly McpDispatcher _dispatcher;
    private readonly ILogger _logger;
    private readonly long _maxBodySize;
    private readonly McpChangeFeed _feed;
    private readonly ListenStreamHandler _listen;
    private readonly McpSessionRuntime? _sessions;
    private readonly SessionStreamServer? _sessionStreams;
    private readonly LegacySseTransport? _legacySse;
    private readonly SessionLimits _limits;
    private readonly McpGen.Tasks.McpTaskMethods? _tasks;

    public McpEndpoint(McpServerDefinition definition, McpEndpointServices services)
    {
        Definition = definition;
        Services = services;
        _logger = services.LoggerFactory.CreateLogger("McpGen.Http.McpEndpoint");
        _results = new McpServerResults(definition, services.Options);
        _hostOrigin = new HostOriginPolicy(services.Options);
        _maxBodySize = services.Options.MaxRequestBodySize;
        _limits = new SessionLimits(services.Options.Sessions.MaxConcurrentCallsPerSession, services.Options.Sessions.MaxStreamsPerSession);
        _feed = new McpChangeFeed(services.Backplane, definition.Name);
        _tasks = _results.HasTaskTools ? CreateTasks(definition, services) : null;
        _listen = new ListenStreamHandler(definition, _results, _feed, _logger, _tasks);
        var invoker = new McpInvoker(_results, services.SerializerOptions, services.ClientInput, new ChangeNotifier(services.Backplane, definition.Name), _logger, _tasks);
        _dispatcher = new McpDispatcher(definition, _results, invoker, _listen, _logger, _tasks);
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
            _legacySse = definition.LegacySse ? new LegacySseTransport(this, _sessions, _sessionStreams, _dispatcher, _results, _logger) : null;
        }
    }

    public McpServerDefinition Definition { get; }

    /// <summary>Stops the session machinery (expiry sweeps, backplane subscriptions) when the application stops.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_sessions is not null)
        {
            await _sessions.DisposeAsync().ConfigureAwait(false);
        }

        if (_tasks is not null)
        {
            await _tasks.Runtime.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The tasks of a server with task tools: in the application's task store (in-memory unless replaced, e.g. by
    /// PostgreSQL), signalled across replicas on its backplane, whatever the session mode (2026-07-28 requests are
    /// stateless in every mode).
    /// </summary>
    private McpGen.Tasks.McpTaskMethods CreateTasks(McpServerDefinition definition, McpEndpointServices services)
    {
        var runtime = new McpGen.Tasks.McpTaskRuntime(definition.Name, services.Options.Tasks, services.TaskStore, services.Backplane, services.Time,
            services.LoggerFactory.CreateLogger("McpGen.Tasks"), McpSessionIds.ResolveReplicaId(services.Options.Sessions.ReplicaId));
        runtime.EnsureStarted();
        return new McpGen.Tasks.McpTaskMethods(runtime, _results.ModernMeta);
    }

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

        return HandleCountedPostAsync(context);
    }

    internal Task HandlePostAsync(HttpContext context)
    {
        // A small body usually arrives with the headers: then the read, the dispatch and (for a handler that completes
        // synchronously) the answer run without an async state machine.
        ValueTask<(BodyReadStatus Status, byte[]? Buffer, int Length)> read = RequestBodyReader.ReadAsync(context, _maxBodySize, Services.Options.BodyReadIdleTimeout);
        if (!read.IsCompletedSuccessfully)
        {
            return HandlePostSlowAsync(context, read);
        }

        (BodyReadStatus status, byte[]? buffer, int length) = read.Result;
        if (status != BodyReadStatus.Ok)
        {
            return HandleUnreadBodyAsync(context, status);
        }

        Task handled;
        try
        {
            handled = HandleMessageAsync(context, buffer.AsMemory(0, length));
        }
        catch (Exception ex)
        {
            ArrayPool<byte>.Shared.Return(buffer!);
            return Task.FromException(ex);
        }

        if (handled.IsCompleted)
        {
            ArrayPool<byte>.Shared.Return(buffer!);
            return handled;
        }

        return ReturnWhenHandledAsync(handled, buffer!);
    }

    private async Task HandlePostSlowAsync(HttpContext context, ValueTask<(BodyReadStatus Status, byte[]? Buffer, int Length)> read)
    {
        (BodyReadStatus status, byte[]? buffer, int length) = await read.ConfigureAwait(false);
        if (status != BodyReadStatus.Ok)
        {
            await HandleUnreadBodyAsync(context, status).ConfigureAwait(false);
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

    private static async Task ReturnWhenHandledAsync(Task handled, byte[] buffer)
    {
        try
        {
            await handled.ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Answers a body that was too large (413) or could not be read to its end.</summary>
    private async Task HandleUnreadBodyAsync(HttpContext context, BodyReadStatus status)
    {
        if (status == BodyReadStatus.TooLarge)
        {
            await Reject(context, StatusCodes.Status413PayloadTooLarge,
                $"Request body too large: the limit is {_maxBodySize} bytes (McpServerOptions.MaxRequestBodySize). Send smaller arguments.").ConfigureAwait(false);
            return;
        }

        McpEndpointLog.BodyAborted(_logger);
        HttpResponse response = context.Response;
        if (!response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            // The status says what went wrong (400 bad framing, 408 a body that stopped arriving); the body says it in JSON-RPC.
            int statusCode = response.StatusCode >= 400 ? response.StatusCode : StatusCodes.Status400BadRequest;
            await McpResponses.WriteErrorAsync(context, default, new McpError(statusCode, JsonRpcErrorCodes.ParseError,
                statusCode == StatusCodes.Status408RequestTimeout
                    ? "Request timeout: the request body stopped arriving before its end. Send the whole JSON-RPC message without pauses."
                    : "Parse error: the request body could not be read to its end (malformed chunked framing or a body shorter than its Content-Length). Send one complete JSON-RPC message."),
                _logger).ConfigureAwait(false);
        }
    }

    /// <summary>Reads one message within the configured limits (<see cref="McpServerOptions.MaxJsonDepth"/>, <see cref="McpServerOptions.MaxStringLength"/>).</summary>
    internal McpError? Read(ReadOnlyMemory<byte> body, out JsonRpcMessage message)
        => JsonRpcMessageReader.TryRead(body, out message, Services.Options.MaxJsonDepth, Services.Options.MaxStringLength);

    private Task HandleMessageAsync(HttpContext context, ReadOnlyMemory<byte> body)
    {
        if (IsBatch(body.Span))
        {
            return HandleBatchAsync(context, body);
        }

        if (Read(body, out JsonRpcMessage message) is { } invalid)
        {
            return Fail(context, message, invalid);
        }

        if (message.Kind != JsonRpcMessageKind.Request)
        {
            if (_sessions is null)
            {
                // A stateless endpoint sends no server-to-client requests (2026-07-28 clients answer through MRTR): a
                // response answers nothing here, and notifications need no state.
                if (message.Kind == JsonRpcMessageKind.Response)
                {
                    McpGen.ClientInput.PushLog.UnknownClientResponse(_logger, System.Text.Encoding.UTF8.GetString(message.Raw(message.Id)));
                }

                return McpResponses.WriteAcceptedAsync(context);
            }

            return HandleClientMessageAsync(context, message);
        }

        IHeaderDictionary headers = context.Request.Headers;
        if (McpEraDetector.Detect(message, McpHeaders.Get(headers, McpHeaders.ProtocolVersion), out McpEra era) is { } unsupported)
        {
            return Fail(context, message, unsupported);
        }

        if (era.IsModern)
        {
            // The mirrored headers are Streamable HTTP's: checked here, before dispatch, which never reads a header.
            if (McpHeaders.ValidateModern(headers, message) is { } headerError)
            {
                return Fail(context, message, headerError);
            }

            return _dispatcher.DispatchAsync(message, new McpCaller(context, era, null), McpResponder.Http(context.Response, _logger));
        }

        return _sessions is null
            ? _dispatcher.DispatchAsync(message, new McpCaller(context, era, null), McpResponder.Http(context.Response, _logger))
            : DispatchLegacySessionAsync(context, message, era);
    }

    private Task Fail(HttpContext context, in JsonRpcMessage message, McpError error)
        => McpResponses.WriteErrorAsync(context, message.Id.IsPresent ? message.Raw(message.Id) : default, error, _logger);

    private Task Reject(HttpContext context, int status, string message)
        => McpResponses.WriteErrorAsync(context, default, new McpError(status, JsonRpcErrorCodes.TransportError, message), _logger);
}
