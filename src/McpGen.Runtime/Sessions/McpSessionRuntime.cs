using System;
using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using McpGen.Protocol;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using McpGen.ClientInput;
using McpGen.Dispatch;
using McpGen.Http;
using McpGen.Streaming;

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

    /// <summary>The backplane channel that tells every replica a session changed or ended (its cached copy is stale).</summary>
    private const string InvalidateChannel = "sessions";

    /// <summary>The backplane channel that carries a client's answer to the replica whose call waits for it.</summary>
    public const string ReplyChannel = "reply";

    private readonly ConcurrentDictionary<string, CancellationTokenSource> _calls = new(StringComparer.Ordinal);
    private readonly string _streamPrefix;
    private readonly ILogger _logger;
    private long _streams;
    private Task<IAsyncDisposable>? _cancelSubscription;

    public McpSessionRuntime(McpSessionMode mode, McpSessionOptions options, IMcpSessionStore store, IMcpBackplane backplane, ILogger logger, McpGen.ClientInput.PendingClientRequests? pending = null)
    {
        _pending = pending;
        _cacheTicks = mode == McpSessionMode.Store ? (long)Math.Max(0, options.StoreCacheDuration.TotalMilliseconds) : 0;
        Mode = mode;
        Options = options;
        Store = store;
        Backplane = backplane;
        _logger = logger;
        ReplicaId = McpSessionIds.ResolveReplicaId(options.ReplicaId);
        Span<byte> random = stackalloc byte[6];
        RandomNumberGenerator.Fill(random);
        _streamPrefix = Base64Url.EncodeToString(random);

        // Expired sessions leave memory (and the store) even when nobody asks for them again.
        TimeSpan sweep = options.IdleTimeout > TimeSpan.Zero
            ? TimeSpan.FromTicks(Math.Clamp(options.IdleTimeout.Ticks / 2, TimeSpan.FromSeconds(1).Ticks, TimeSpan.FromMinutes(1).Ticks))
            : TimeSpan.FromMinutes(1);
        _sweeper = new Timer(static state => ((McpSessionRuntime)state!).Sweep(), this, sweep, sweep);
    }

    private readonly Timer _sweeper;
    private readonly McpGen.ClientInput.PendingClientRequests? _pending;
    private Task<IAsyncDisposable>? _replySubscription;
    private Task<IAsyncDisposable>? _invalidateSubscription;
    private readonly ConcurrentDictionary<string, CachedSession> _cache = new(StringComparer.Ordinal);
    private readonly long _cacheTicks;

    /// <summary>A session as loaded from a shared store, with when (<see cref="Environment.TickCount64"/>).</summary>
    private sealed record CachedSession(McpSessionState State, long LoadedAt);
    private int _sweeping;

    private void Sweep()
    {
        if (Interlocked.Exchange(ref _sweeping, 1) == 1)
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            try
            {
                long now = Environment.TickCount64;
                foreach (var entry in _cache)
                {
                    if (now - entry.Value.LoadedAt >= _cacheTicks)
                    {
                        _cache.TryRemove(entry);
                    }
                }

                int removed = await Store.RemoveExpiredAsync(CancellationToken.None).ConfigureAwait(false);
                if (removed > 0)
                {
                    McpSessionLog.SessionsExpired(_logger, removed);
                }
            }
            catch (Exception ex) when (ex is McpStoreUnavailableException or OperationCanceledException)
            {
                McpSessionLog.ShutdownIgnored(_logger, ex);
            }
            finally
            {
                Volatile.Write(ref _sweeping, 0);
            }
        });
    }

    public McpSessionMode Mode { get; }

    /// <summary>Whether sessions are shared between replicas (store-backed).</summary>
    public bool IsShared => Mode == McpSessionMode.Store;

    public McpSessionOptions Options { get; }

    public IMcpSessionStore Store { get; }

    public IMcpBackplane Backplane { get; }

    public string ReplicaId { get; }

    /// <summary>
    /// Starts what a shared runtime needs before serving: the subscriptions to the cancellation and reply channels
    /// (retried after a failure).
    /// </summary>
    public Task EnsureStartedAsync()
    {
        // Every request of a store-backed session calls this: once subscribed, no lock.
        if (!IsShared || (Ready(Volatile.Read(ref _cancelSubscription))
            && (_pending is null || Ready(Volatile.Read(ref _replySubscription)))
            && (_cacheTicks == 0 || Ready(Volatile.Read(ref _invalidateSubscription)))))
        {
            return Task.CompletedTask;
        }

        lock (_calls)
        {
            if (_cancelSubscription is null || _cancelSubscription.IsFaulted || _cancelSubscription.IsCanceled)
            {
                _cancelSubscription = Backplane.SubscribeAsync(CancelChannel, OnRemoteCancel, CancellationToken.None).AsTask();
            }

            if (_pending is not null && (_replySubscription is null || _replySubscription.IsFaulted || _replySubscription.IsCanceled))
            {
                _replySubscription = Backplane.SubscribeAsync(ReplyChannel, OnRemoteReply, CancellationToken.None).AsTask();
            }

            if (_cacheTicks > 0 && (_invalidateSubscription is null || _invalidateSubscription.IsFaulted || _invalidateSubscription.IsCanceled))
            {
                _cache.Clear(); // what was cached while no invalidation could arrive is suspect
                _invalidateSubscription = Backplane.SubscribeAsync(InvalidateChannel, OnInvalidate, CancellationToken.None).AsTask();
            }

            if (Started(_cancelSubscription) && Started(_replySubscription) && Started(_invalidateSubscription))
            {
                return Task.CompletedTask;
            }

            var starting = new System.Collections.Generic.List<Task>(3) { _cancelSubscription };
            if (_replySubscription is not null)
            {
                starting.Add(_replySubscription);
            }

            if (_invalidateSubscription is not null)
            {
                starting.Add(_invalidateSubscription);
            }

            return Task.WhenAll(starting);
        }
    }

    private static bool Started(Task? subscription) => subscription is null || subscription.IsCompletedSuccessfully;

    private static bool Ready(Task? subscription) => subscription is { IsCompletedSuccessfully: true };

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

        McpSessionState? session = await LoadAsync(id, touch, context.RequestAborted).ConfigureAwait(false);
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

    /// <summary>
    /// Loads a session. Store-backed servers keep a copy for <see cref="McpSessionOptions.StoreCacheDuration"/> (one store
    /// round trip per session and replica in that time instead of one per request); a change or end of the session on
    /// any replica evicts the copies everywhere through the backplane. Callers get their own copy to change.
    /// </summary>
    public async ValueTask<McpSessionState?> LoadAsync(string sessionId, bool touch, CancellationToken cancellationToken)
    {
        if (_cacheTicks > 0 && _cache.TryGetValue(sessionId, out CachedSession? cached)
            && Environment.TickCount64 - cached.LoadedAt < _cacheTicks)
        {
            return McpSessionStateJson.Clone(cached.State);
        }

        McpSessionState? session = await Store.GetAsync(sessionId, touch, cancellationToken).ConfigureAwait(false);
        if (_cacheTicks > 0)
        {
            if (session is null)
            {
                _cache.TryRemove(sessionId, out _);
            }
            else if (touch)
            {
                // Only a touching read may be cached: it moved the idle expiry, which the cache then stands for.
                _cache[sessionId] = new CachedSession(McpSessionStateJson.Clone(session), Environment.TickCount64);
            }
        }

        return session;
    }

    /// <summary>Persists a changed session and tells every replica to drop its cached copy.</summary>
    public async ValueTask<bool> UpdateAsync(McpSessionState session, CancellationToken cancellationToken)
    {
        bool updated = await Store.UpdateAsync(session, cancellationToken).ConfigureAwait(false);
        await InvalidateAsync(session.Id, cancellationToken).ConfigureAwait(false);
        return updated;
    }

    private async ValueTask InvalidateAsync(string sessionId, CancellationToken cancellationToken)
    {
        _cache.TryRemove(sessionId, out _);
        if (_cacheTicks > 0)
        {
            await Backplane.PublishAsync(InvalidateChannel, System.Text.Encoding.UTF8.GetBytes(sessionId), cancellationToken).ConfigureAwait(false);
        }
    }

    private ValueTask OnInvalidate(ReadOnlyMemory<byte> payload)
    {
        _cache.TryRemove(System.Text.Encoding.UTF8.GetString(payload.Span), out _);
        return ValueTask.CompletedTask;
    }

    /// <summary>Ends a session and cancels its running calls. Returns <see langword="false"/> when it did not exist.</summary>
    public async ValueTask<bool> DeleteAsync(string sessionId, CancellationToken cancellationToken)
    {
        bool deleted = await Store.DeleteAsync(sessionId, cancellationToken).ConfigureAwait(false);
        await InvalidateAsync(sessionId, cancellationToken).ConfigureAwait(false);
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

    /// <summary>
    /// Publishes a client's answer for the replica whose call waits for it: the payload is the answering session's id, a
    /// line feed, and the response message, so the waiting replica completes only a request of that session.
    /// </summary>
    public ValueTask PublishReplyAsync(string sessionId, ReadOnlyMemory<byte> response, CancellationToken cancellationToken)
    {
        byte[] payload = new byte[System.Text.Encoding.UTF8.GetByteCount(sessionId) + 1 + response.Length];
        int written = System.Text.Encoding.UTF8.GetBytes(sessionId, payload);
        payload[written] = (byte)'\n';
        response.Span.CopyTo(payload.AsSpan(written + 1));
        return Backplane.PublishAsync(ReplyChannel, payload, cancellationToken);
    }

    /// <summary>A client's answer published by another replica: complete it if a call of that session waits here.</summary>
    private ValueTask OnRemoteReply(ReadOnlyMemory<byte> payload)
    {
        int split = payload.Span.IndexOf((byte)'\n');
        if (split <= 0)
        {
            return ValueTask.CompletedTask;
        }

        string sessionId = System.Text.Encoding.UTF8.GetString(payload.Span[..split]);
        ReadOnlyMemory<byte> response = payload[(split + 1)..];
        try
        {
            var reader = new System.Text.Json.Utf8JsonReader(response.Span);
            if (reader.Read() && reader.TokenType == System.Text.Json.JsonTokenType.StartObject)
            {
                while (reader.Read() && reader.TokenType == System.Text.Json.JsonTokenType.PropertyName)
                {
                    bool isId = reader.ValueTextEquals("id"u8);
                    reader.Read();
                    if (isId)
                    {
                        int start = (int)reader.TokenStartIndex;
                        _pending!.TryComplete(response.Span.Slice(start, (int)reader.BytesConsumed - start), sessionId, response);
                        break;
                    }

                    reader.Skip();
                }
            }
        }
        catch (System.Text.Json.JsonException)
        {
            // Not a response: ignore.
        }

        return ValueTask.CompletedTask;
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
        await _sweeper.DisposeAsync().ConfigureAwait(false);
        foreach (Task<IAsyncDisposable>? held in new[] { _cancelSubscription, _replySubscription, _invalidateSubscription })
        {
            if (held is not null)
            {
                try
                {
                    await (await held.ConfigureAwait(false)).DisposeAsync().ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is McpStoreUnavailableException or OperationCanceledException)
                {
                    McpSessionLog.ShutdownIgnored(_logger, ex);
                }
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

    [LoggerMessage(108, LogLevel.Debug, "Removed {Count} expired MCP sessions.")]
    public static partial void SessionsExpired(ILogger logger, int count);

    [LoggerMessage(107, LogLevel.Error, "MCP HTTP+SSE message of session {SessionId} failed.")]
    public static partial void LegacySseFailed(ILogger logger, string sessionId, Exception exception);

    [LoggerMessage(106, LogLevel.Debug, "MCP SSE stream {StreamId} of session {SessionId}: {Message}")]
    public static partial void StreamEvent(ILogger logger, string sessionId, string streamId, string message);
}
