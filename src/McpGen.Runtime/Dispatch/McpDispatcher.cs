using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using McpGen.Protocol;
using McpGen.Sessions;
using Microsoft.Extensions.Logging;
using McpGen.ClientInput;
using McpGen.Dispatch;
using McpGen.Http;
using McpGen.Streaming;

namespace McpGen.Dispatch;

/// <summary>
/// JSON-RPC dispatch of one parsed request, the same for every transport (Streamable HTTP POST, the HTTP+SSE message
/// endpoint, the sessionless fallback): it takes the message, the caller and where the answer goes, and never an HTTP
/// header. Only methods whose capability the server declares exist (else -32601): <c>server/discover</c>; the four
/// lists (<see cref="PagedList"/>); the handler kinds through the one <see cref="McpInvoker"/> (<c>tools/call</c>,
/// <c>resources/read</c>, <c>prompts/get</c>, <c>completion/complete</c>); <c>subscriptions/listen</c> for 2026-07-28;
/// <c>ping</c>, <c>logging/setLevel</c> and <c>resources/(un)subscribe</c> for <c>initialize</c>-era clients (kept in the
/// session when there is one). Modern requests for removed methods get 404 + -32601 with what to send instead.
/// </summary>
internal sealed class McpDispatcher
{
    private static ReadOnlySpan<byte> EmptyResult => "{}"u8;

    private readonly McpServerDefinition _definition;
    private readonly McpServerResults _results;
    private readonly McpInvoker _invoker;
    private readonly ListenStreamHandler _listen;
    private readonly ILogger _logger;
    private readonly string _modernMethods;
    private readonly string _legacyMethods;
    private readonly McpGen.Tasks.McpTaskMethods? _tasks;

    public McpDispatcher(McpServerDefinition definition, McpServerResults results, McpInvoker invoker, ListenStreamHandler listen, ILogger logger, McpGen.Tasks.McpTaskMethods? tasks = null)
    {
        _tasks = tasks;
        _definition = definition;
        _results = results;
        _invoker = invoker;
        _listen = listen;
        _logger = logger;
        Tools = new ToolCalls(results);
        Resources = new ResourceReads(definition);
        Prompts = new PromptRenders(definition);
        Completions = new Completions(definition);
        _modernMethods = DescribeMethods(modern: true);
        _legacyMethods = DescribeMethods(modern: false);
    }

    public ToolCalls Tools { get; }

    public ResourceReads Resources { get; }

    public PromptRenders Prompts { get; }

    public Completions Completions { get; }

    /// <summary>
    /// Dispatches a request of either era (its <c>_meta</c> headers already checked by the transport), inside its server
    /// span and duration measurement when somebody listens (<see cref="McpGen.Diagnostics.McpOperation"/>).
    /// </summary>
    public Task DispatchAsync(in JsonRpcMessage message, in McpCaller caller, McpResponder responder)
        => McpTelemetry.RequestsObserved
            ? McpGen.Diagnostics.McpOperation.Observe(s_observed, this, message, caller, responder)
            : DispatchUnobserved(message, caller, responder);

    private static readonly McpGen.Diagnostics.McpDispatcherCall<McpDispatcher> s_observed =
        static (McpDispatcher dispatcher, in JsonRpcMessage message, in McpCaller caller, McpResponder responder) => dispatcher.DispatchUnobserved(message, caller, responder);

    private Task DispatchUnobserved(in JsonRpcMessage message, in McpCaller caller, McpResponder responder)
        => caller.Era.IsModern ? DispatchModern(message, caller, responder) : DispatchLegacy(message, caller, responder);

    private Task DispatchModern(in JsonRpcMessage message, in McpCaller caller, McpResponder responder)
    {
        if (!message.MetaClientCapabilities.IsObject)
        {
            return Fail(responder, message, new McpError(400, JsonRpcErrorCodes.InvalidParams,
                "Invalid params: 2026-07-28 requests must carry params._meta[\"io.modelcontextprotocol/clientCapabilities\"], an object ({} when the client has no optional capabilities)."));
        }

        if (message.MetaLogLevel.IsPresent && McpLogLevels.Parse(message, message.MetaLogLevel) is null)
        {
            return Fail(responder, message, new McpError(400, JsonRpcErrorCodes.InvalidParams,
                $"Invalid params: _meta[\"io.modelcontextprotocol/logLevel\"] must be one of: {McpLogLevels.Names}; omit it to receive no log messages."));
        }

        if (!Offers(message.Method, modern: true))
        {
            return Fail(responder, message, new McpError(404, JsonRpcErrorCodes.MethodNotFound, ModernMethodNotFound(message)));
        }

        return message.Method switch
        {
            McpMethod.ServerDiscover => responder.WriteResultAsync(message.Raw(message.Id), _results.Discover),
            McpMethod.SubscriptionsListen => _listen.HandleAsync(caller.Http, message),
            McpMethod.TasksGet or McpMethod.TasksUpdate or McpMethod.TasksCancel => _tasks!.HandleAsync(message, caller, responder),
            _ => DispatchCommon(message, caller, responder),
        };
    }

    private Task DispatchLegacy(in JsonRpcMessage message, in McpCaller caller, McpResponder responder)
    {
        if (!Offers(message.Method, modern: false))
        {
            return Fail(responder, message, new McpError(200, JsonRpcErrorCodes.MethodNotFound,
                $"Method not found: '{message.MethodText}'. This server offers {_legacyMethods}."));
        }

        switch (message.Method)
        {
            case McpMethod.Initialize:
                return responder.WriteResultAsync(message.Raw(message.Id), _results.GetInitialize(caller.Era.Version));
            case McpMethod.Ping:
                return responder.WriteResultAsync(message.Raw(message.Id), EmptyResult);
            case McpMethod.ResourcesSubscribe when _results.Authorizer is { } authorizer && message.Uri.IsString
                && _definition.FindResource(message.GetString(message.Uri)!) is { Authorization: { } authorization }:
                return SubscribeAuthorizedAsync(message, authorizer, authorization, caller, responder);
            case McpMethod.ResourcesSubscribe:
            case McpMethod.ResourcesUnsubscribe:
                return SubscribeAsync(message, caller.Session, responder);
            case McpMethod.LoggingSetLevel:
                return SetLevelAsync(message, caller.Session, responder);
            case McpMethod.ServerDiscover:
                // A discovery probe without _meta: answer it anyway, the result only describes the server.
                return responder.WriteResultAsync(message.Raw(message.Id), _results.Discover);
            default:
                return DispatchCommon(message, caller, responder);
        }
    }

    /// <summary>The methods served the same way in both eras: the lists and the handler kinds.</summary>
    private Task DispatchCommon(in JsonRpcMessage message, in McpCaller caller, McpResponder responder) => message.Method switch
    {
        McpMethod.ToolsList when _results.Authorized is { } authorized => ListAuthorizedAsync(message, authorized, ListKind.Tools, caller, responder),
        McpMethod.ResourcesList when _results.Authorized is { } authorized => ListAuthorizedAsync(message, authorized, ListKind.Resources, caller, responder),
        McpMethod.ResourcesTemplatesList when _results.Authorized is { } authorized => ListAuthorizedAsync(message, authorized, ListKind.ResourceTemplates, caller, responder),
        McpMethod.PromptsList when _results.Authorized is { } authorized => ListAuthorizedAsync(message, authorized, ListKind.Prompts, caller, responder),
        McpMethod.ToolsList => List(message, _results.Tools, caller.Era.IsModern, responder),
        McpMethod.ResourcesList => List(message, _results.Resources, caller.Era.IsModern, responder),
        McpMethod.ResourcesTemplatesList => List(message, _results.ResourceTemplates, caller.Era.IsModern, responder),
        McpMethod.PromptsList => List(message, _results.Prompts, caller.Era.IsModern, responder),
        McpMethod.ToolsCall => _invoker.InvokeAsync(Tools, message, caller, responder),
        McpMethod.ResourcesRead => _invoker.InvokeAsync(Resources, message, caller, responder),
        McpMethod.PromptsGet => _invoker.InvokeAsync(Prompts, message, caller, responder),
        McpMethod.CompletionComplete => _invoker.InvokeAsync(Completions, message, caller, responder),
        _ => throw new InvalidOperationException($"Method {message.Method} is offered but not dispatched."),
    };

    /// <summary>
    /// Whether a method exists for this server in an era. A method whose capability the server does not declare does not
    /// exist (-32601), as the 2026-07-28 schema says: <c>tools/*</c> without tools, <c>resources/*</c> without resources,
    /// subscriptions without a subscribable resource, <c>prompts/*</c> without prompts, <c>completion/complete</c>
    /// without completions, <c>logging/setLevel</c> without a handler that logs.
    /// </summary>
    public bool Offers(McpMethod method, bool modern) => method switch
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
        McpMethod.TasksGet or McpMethod.TasksUpdate or McpMethod.TasksCancel => modern && _tasks is not null,
        _ => false,
    };

    private string DescribeMethods(bool modern)
    {
        var names = new List<string>();
        foreach (McpMethod method in Enum.GetValues<McpMethod>())
        {
            if (Offers(method, modern) && McpMethods.NameOf(method) is { } name)
            {
                names.Add(name);
            }
        }

        return string.Join(", ", names);
    }

    private Task List(in JsonRpcMessage message, PagedList list, bool modern, McpResponder responder)
    {
        if (list.TryReadCursor(message, out int offset) is { } invalid)
        {
            return Fail(responder, message, invalid);
        }

        return responder.WriteResultAsync(message.Raw(message.Id), list.GetPage(modern, offset));
    }

    /// <summary>A list of a server with per-handler authorization: only the entries the caller may use.</summary>
    private async Task ListAuthorizedAsync(JsonRpcMessage message, AuthorizedLists lists, ListKind kind, McpCaller caller, McpResponder responder)
    {
        PagedList list = await lists.GetAsync(caller.Http, kind).ConfigureAwait(false);
        await List(message, list, caller.Era.IsModern, responder).ConfigureAwait(false);
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
        _ when message.MethodText is "tasks/result" or "tasks/list" =>
            $"Method not found: '{message.MethodText}' is not part of the Tasks extension of protocol version 2026-07-28 "
            + "(tasks/get returns a finished task's result or error; there is no task listing). "
            + $"This server offers {_modernMethods}.",
        _ => $"Method not found: '{message.MethodText}'. This server offers {_modernMethods}.",
    };

    /// <summary>
    /// <c>resources/subscribe</c> and <c>resources/unsubscribe</c> (<c>initialize</c> era only): <c>{}</c> for a
    /// subscribable resource, -32602 otherwise. In a session the subscription is kept (updates go to its GET stream); a
    /// stateless endpoint has no stream to deliver <c>notifications/resources/updated</c> on: the subscription is
    /// acknowledged (clients and the conformance suite expect it), logged at debug, and not kept.
    /// </summary>
    private Task SubscribeAsync(in JsonRpcMessage message, SessionCall? session, McpResponder responder)
    {
        if (ValidateSubscription(message, out string uri) is { } invalid)
        {
            return Fail(responder, message, invalid);
        }

        if (session is not { } subscriber)
        {
            McpEndpointLog.SubscriptionNotKept(_logger, message.MethodText, uri);
            return responder.WriteResultAsync(message.Raw(message.Id), EmptyResult);
        }

        bool subscribe = message.Method == McpMethod.ResourcesSubscribe;
        return ChangeAndAnswerAsync(message.RawMemory(message.Id), subscriber, (uri, subscribe),
            static (s, c) => c.subscribe ? s.Subscriptions.Add(c.uri) : s.Subscriptions.Remove(c.uri), responder);
    }

    /// <summary>
    /// <c>resources/subscribe</c> to a resource with authorization: only a caller who may read it may follow its updates
    /// (the same 401/403 as <c>resources/read</c>).
    /// </summary>
    private async Task SubscribeAuthorizedAsync(JsonRpcMessage message, Security.McpHandlerAuthorizer authorizer, McpAuthorization authorization, McpCaller caller, McpResponder responder)
    {
        Security.McpAccess access = await authorizer.AuthorizeAsync(caller.Http, authorization).ConfigureAwait(false);
        if (access != Security.McpAccess.Allowed)
        {
            string uri = message.GetString(message.Uri)!;
            Security.McpAuthorizationLog.HandlerDenied(_logger, "resource subscription", uri, access.ToString());
            await Security.McpAuthorizationResponses.WriteDeniedAsync(access, "resource", uri, authorization, caller.Http, responder, message.RawMemory(message.Id)).ConfigureAwait(false);
            return;
        }

        await SubscribeAsync(message, caller.Session, responder).ConfigureAwait(false);
    }

    /// <summary>Checks a <c>resources/(un)subscribe</c> request: a string URI of a subscribable resource (else -32602).</summary>
    private McpError? ValidateSubscription(in JsonRpcMessage message, out string uri)
    {
        string method = message.MethodText;
        uri = "";
        if (!message.Uri.IsString)
        {
            return new McpError(200, JsonRpcErrorCodes.InvalidParams,
                $"Invalid params: {method} needs params.uri, a string: the URI of a subscribable resource.");
        }

        uri = message.GetString(message.Uri)!;
        McpResourceDefinition? resource = _definition.FindResource(uri);
        if (resource is null)
        {
            return new McpError(200, JsonRpcErrorCodes.InvalidParams,
                $"Resource not found: '{uri}'. Call resources/list or resources/templates/list for the resources this server offers.",
                McpErrorData.ResourceUri, uri);
        }

        if (!resource.Subscribable)
        {
            return new McpError(200, JsonRpcErrorCodes.InvalidParams,
                $"Invalid params: resource '{uri}' does not support subscriptions. Read it again with resources/read when you need fresh contents.",
                McpErrorData.ResourceUri, uri);
        }

        return null;
    }

    /// <summary>
    /// <c>logging/setLevel {level}</c> (<c>initialize</c> era only): kept in the session when there is one. A stateless
    /// endpoint keeps no session, so the level cannot persist: every <c>initialize</c>-era request logs at
    /// <see cref="McpLogLevels.LegacyDefault"/> (info) and above there.
    /// </summary>
    private Task SetLevelAsync(in JsonRpcMessage message, SessionCall? session, McpResponder responder)
    {
        if (McpLogLevels.Parse(message, message.Level) is not { } level)
        {
            return Fail(responder, message, new McpError(200, JsonRpcErrorCodes.InvalidParams,
                $"Invalid params: logging/setLevel needs params.level, one of: {McpLogLevels.Names}."));
        }

        if (session is not { } leveled)
        {
            McpEndpointLog.LogLevelNotKept(_logger, System.Text.Encoding.UTF8.GetString(McpLogLevels.Name(level)));
            return responder.WriteResultAsync(message.Raw(message.Id), EmptyResult);
        }

        return ChangeAndAnswerAsync(message.RawMemory(message.Id), leveled, level, static (s, level) =>
        {
            bool changed = s.LogLevel != level;
            s.LogLevel = level;
            return changed;
        }, responder);
    }

    /// <summary>Applies a change to the session (optimistic concurrency: re-applied after a concurrent update) and answers <c>{}</c>.</summary>
    private static async Task ChangeAndAnswerAsync<TState>(ReadOnlyMemory<byte> rawId, SessionCall session, TState state, Func<McpSessionState, TState, bool> change, McpResponder responder)
    {
        if (!await session.Runtime.ChangeAsync(session.State, state, change, System.Threading.CancellationToken.None).ConfigureAwait(false))
        {
            await responder.WriteErrorAsync(rawId.Span, new McpError(404, JsonRpcErrorCodes.InvalidRequest,
                "Session not found: the session ended while this request was served. Send initialize to start a new one.")).ConfigureAwait(false);
            return;
        }

        await responder.WriteResultAsync(rawId.Span, EmptyResult).ConfigureAwait(false);
    }

    private static Task Fail(McpResponder responder, in JsonRpcMessage message, McpError error)
        => responder.WriteErrorAsync(message.Id.IsPresent ? message.Raw(message.Id) : default, error);
}
