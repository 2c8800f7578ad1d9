using System;
using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using McpGen.Protocol;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace McpGen.Sessions;

/// <summary>A request served inside a session: the runtime and the session as loaded for this request.</summary>
internal readonly record struct SessionCall(McpSessionRuntime Runtime, McpSessionState State);

/// <summary>The session found for a request, or the error that answers it.</summary>
internal readonly record struct SessionLookup(McpSessionState? Session, McpError? Error);

/// <summary>
/// The session machinery of one sticky or store-backed endpoint: creates, finds (400/403/404) and ends sessions, hands out
/// stream ids and event logs, and tracks running calls so <c>notifications/cancelled</c> reaches them. Sticky servers run
/// it over a private <see cref="InMemoryMcpSessionStore"/> and <see cref="InMemoryMcpBackplane"/>; store-backed servers
/// over the application's <see cref="IMcpSessionStore"/> and <see cref="IMcpBackplane"/>, so every replica sees every
/// session. The code path is the same: the store decides how far a session reaches.
/// </summary>
internal sealed class McpSessionRuntime : IAsyncDisposable
{
    /// <summary>The backplane channel that carries <c>notifications/cancelled</c> to the replica running the call.</summary>
    private const string CancelChannel = "cancel";

    private readonly ConcurrentDictionary<string, CancellationTokenSource> _calls = new(StringComparer.Ordinal);
    private readonly string _streamPrefix;
    private readonly ILogger _logger;
    private long _streams;
    private Task<IAsyncDisposable>? _cancelSubscription;

    public McpSessionRuntime(McpSessionMode mode, McpSessionOptions options, IMcpSessionStore store, IMcpBackplane backplane, ILogger logger)
    {
        Mode = mode;
        Options = options;
        Store = store;
        Backplane = backplane;
        _logger = logger;
        ReplicaId = McpSessionIds.ResolveReplicaId(options.ReplicaId);
        Span<byte> random = stackalloc byte[6];
        RandomNumberGenerator.Fill(random);
        _streamPrefix = Base64Url.EncodeToString(random);
    }

    public McpSessionMode Mode { get; }

    /// <summary>Whether sessions are shared between replicas (store-backed).</summary>
    public bool IsShared => Mode == McpSessionMode.Store;

    public McpSessionOptions Options { get; }

    public IMcpSessionStore Store { get; }

    public IMcpBackplane Backplane { get; }

    public string ReplicaId { get; }

    /// <summary>Starts what a shared runtime needs before serving: the cancellation channel subscription (retried after a failure).</summary>
    public Task EnsureStartedAsync()
    {
        if (!IsShared)
        {
            return Task.CompletedTask;
        }

        Task<IAsyncDisposable> subscription;
        lock (_calls)
        {
            if (_cancelSubscription is null || _cancelSubscription.IsFaulted || _cancelSubscription.IsCanceled)
            {
                _cancelSubscription = Backplane.SubscribeAsync(CancelChannel, OnRemoteCancel, CancellationToken.None).AsTask();
            }

            subscription = _cancelSubscription;
        }

        return subscription;
    }

    /// <summary>Creates a session for an <c>initialize</c> request; <see langword="null"/> when the session limit is reached.</summary>
    public async ValueTask<McpSessionState?> CreateAsync(HttpContext context, string protocolVersion, ReadOnlyMemory<byte> capabilities, McpClientInfo? clientInfo)
    {
        var session = new McpSessionState(McpSessionIds.New(ReplicaId))
        {
            RouteKey = ReplicaId,
            PrincipalKey = McpSessionIds.PrincipalKey(context.User),
            ProtocolVersion = protocolVersion,
            ClientCapabilities = capabilities.IsEmpty ? "{}"u8.ToArray() : capabilities.ToArray(),
            ClientInfo = clientInfo,
        };
        bool created = await Store.CreateAsync(session, Options.IdleTimeout, Options.MaxSessions, context.RequestAborted).ConfigureAwait(false);
        return created ? session : null;
    }

    /// <summary>
    /// Finds the session a request names in <c>Mcp-Session-Id</c>: 400 when absent or malformed, 404 when unknown, expired
    /// or ended, 403 when it belongs to another principal.
    /// </summary>
    public async ValueTask<SessionLookup> ResolveAsync(HttpContext context, bool touch = true)
    {
        string? id = context.Request.Headers[SessionHeader].ToString();
        if (string.IsNullOrEmpty(id))
        {
            return new(null, new McpError(400, JsonRpcErrorCodes.InvalidRequest,
                "Bad request: missing Mcp-Session-Id header. This server keeps sessions: send initialize first, then send the "
                + "Mcp-Session-Id value from its response on every request. If a proxy strips the header, let it through, or use "
                + "a stateless server."));
        }

        if (!McpSessionIds.IsWellFormed(id))
        {
            return new(null, new McpError(400, JsonRpcErrorCodes.InvalidRequest,
                $"Bad request: Mcp-Session-Id must be 1 to {McpSessionIds.MaxLength} visible ASCII characters. Send the value from the initialize response unchanged."));
        }

        McpSessionState? session = await Store.GetAsync(id, touch, context.RequestAborted).ConfigureAwait(false);
        if (session is null)
        {
            return new(null, new McpError(404, JsonRpcErrorCodes.InvalidRequest, SessionNotFound(id)));
        }

        if (!string.Equals(session.PrincipalKey, McpSessionIds.PrincipalKey(context.User), StringComparison.Ordinal))
        {
            return new(null, new McpError(403, JsonRpcErrorCodes.InvalidRequest,
                "Forbidden: this MCP session belongs to another user. Send initialize to start a session of your own."));
        }

        return new(session, null);
    }

    private string SessionNotFound(string id)
    {
        ReadOnlySpan<char> route = McpSessionIds.RouteKeyOf(id);
        string where = Mode == McpSessionMode.Sticky && !route.IsEmpty && !route.SequenceEqual(ReplicaId)
            ? $" It was issued by replica '{route}' and this is replica '{ReplicaId}': sessions of a sticky server live on the replica that created them, so the load balancer must route on Mcp-Session-Id (affinity), or use Session = McpSessionMode.Store or a stateless server."
            : Mode == McpSessionMode.Sticky
                ? " Sessions of a sticky server live in one replica's memory and end when it restarts, when idle too long or when deleted."
                : " It expired after being idle, was deleted, or never existed.";
        return "Session not found: the Mcp-Session-Id is unknown, expired or ended." + where
            + " Start a new session: send initialize again without the header.";
    }

    /// <summary>Ends a session and cancels its running calls. Returns <see langword="false"/> when it did not exist.</summary>
    public async ValueTask<bool> DeleteAsync(string sessionId, CancellationToken cancellationToken)
    {
        bool deleted = await Store.DeleteAsync(sessionId, cancellationToken).ConfigureAwait(false);
        if (deleted)
        {
            await Backplane.PublishAsync(ControlChannel(sessionId), "end"u8.ToArray(), cancellationToken).ConfigureAwait(false);
            CancelLocal(SessionCallsPrefix(sessionId));
            if (IsShared)
            {
                await Backplane.PublishAsync(CancelChannel, System.Text.Encoding.UTF8.GetBytes(SessionCallsPrefix(sessionId)), cancellationToken).ConfigureAwait(false);
            }
        }

        return deleted;
    }

    /// <summary>The channel a session's GET stream listens on for control messages (<c>end</c>, takeover by another GET).</summary>
    public static string ControlChannel(string sessionId) => "c:" + sessionId;

    /// <summary>A stream id unique across replicas and restarts: random per process, then a counter.</summary>
    public string NewStreamId() => _streamPrefix + Interlocked.Increment(ref _streams).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The event log of a new request stream of <paramref name="session"/>.</summary>
    public SessionStreamLog OpenRequestStream(McpSessionState session)
        => new(this, session.Id, NewStreamId(), McpProtocolVersions.HasResumablePriming(session.ProtocolVersion));

    /// <summary>
    /// Registers a running call of a session so <c>notifications/cancelled</c> can cancel it; dispose the returned source
    /// with <see cref="Untrack"/> when the call ends.
    /// </summary>
    public CancellationTokenSource Track(string sessionId, ReadOnlySpan<byte> rawRequestId)
    {
        var source = new CancellationTokenSource();
        _calls[CallKey(sessionId, rawRequestId)] = source;
        return source;
    }

    public void Untrack(string sessionId, ReadOnlySpan<byte> rawRequestId, CancellationTokenSource source)
    {
        _calls.TryRemove(new(CallKey(sessionId, rawRequestId), source));
        source.Dispose();
    }

    /// <summary>Cancels a running call of a session here, or (store-backed) on whichever replica runs it.</summary>
    public async ValueTask CancelAsync(string sessionId, ReadOnlyMemory<byte> rawRequestId, CancellationToken cancellationToken)
    {
        if (CancelLocal(CallKey(sessionId, rawRequestId.Span)) || !IsShared)
        {
            return;
        }

        byte[] key = System.Text.Encoding.UTF8.GetBytes(CallKey(sessionId, rawRequestId.Span));
        await Backplane.PublishAsync(CancelChannel, key, cancellationToken).ConfigureAwait(false);
    }

    private ValueTask OnRemoteCancel(ReadOnlyMemory<byte> payload)
    {
        CancelLocal(System.Text.Encoding.UTF8.GetString(payload.Span));
        return ValueTask.CompletedTask;
    }

    /// <summary>Cancels the call of <paramref name="key"/>, or every call of a session for a <see cref="SessionCallsPrefix"/>.</summary>
    private bool CancelLocal(string key)
    {
        if (key.EndsWith('|'))
        {
            bool any = false;
            foreach (var call in _calls)
            {
                if (call.Key.StartsWith(key, StringComparison.Ordinal))
                {
                    any |= Cancel(call.Value);
                }
            }

            return any;
        }

        return _calls.TryGetValue(key, out CancellationTokenSource? source) && Cancel(source);
    }

    private static bool Cancel(CancellationTokenSource source)
    {
        try
        {
            source.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The call ended meanwhile.
        }

        return true;
    }

    private static string CallKey(string sessionId, ReadOnlySpan<byte> rawRequestId)
        => SessionCallsPrefix(sessionId) + System.Text.Encoding.UTF8.GetString(rawRequestId);

    /// <summary>The start of the keys of every call of a session (request ids are never empty, so no call key ends with it).</summary>
    private static string SessionCallsPrefix(string sessionId) => sessionId + "|";

    public async ValueTask DisposeAsync()
    {
        if (_cancelSubscription is { } subscription)
        {
            try
            {
                await (await subscription.ConfigureAwait(false)).DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is McpStoreUnavailableException or OperationCanceledException)
            {
                McpSessionLog.ShutdownIgnored(_logger, ex);
            }
        }
    }

    /// <summary>The session header name.</summary>
    public const string SessionHeader = "Mcp-Session-Id";
}

internal static partial class McpSessionLog
{
    [LoggerMessage(100, LogLevel.Debug, "Ignored a failure while shutting down MCP sessions.")]
    public static partial void ShutdownIgnored(ILogger logger, Exception exception);

    [LoggerMessage(101, LogLevel.Information, "MCP session {SessionId} started (protocol {ProtocolVersion}, client {ClientName}).")]
    public static partial void SessionStarted(ILogger logger, string sessionId, string protocolVersion, string? clientName);

    [LoggerMessage(102, LogLevel.Information, "MCP session {SessionId} ended by the client.")]
    public static partial void SessionEnded(ILogger logger, string sessionId);

    [LoggerMessage(103, LogLevel.Warning, "MCP session limit reached ({MaxSessions}): initialize refused with 503.")]
    public static partial void SessionLimitReached(ILogger logger, int maxSessions);

    [LoggerMessage(104, LogLevel.Warning, "MCP session store unavailable; answered 503: {Reason}")]
    public static partial void StoreUnavailable(ILogger logger, string reason, Exception exception);

    [LoggerMessage(105, LogLevel.Warning, "MCP request without Mcp-Session-Id served statelessly ({Method}): SessionlessFallback is on. A client or proxy drops the header.")]
    public static partial void SessionlessFallback(ILogger logger, string method);

    [LoggerMessage(106, LogLevel.Debug, "MCP SSE stream {StreamId} of session {SessionId}: {Message}")]
    public static partial void StreamEvent(ILogger logger, string sessionId, string streamId, string message);
}
