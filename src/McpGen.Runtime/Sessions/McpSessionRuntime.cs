using System;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using McpGen.Protocol;
using McpGen.Streaming;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace McpGen.Sessions;

/// <summary>A request served inside a session: the runtime and the session as loaded for this request.</summary>
internal readonly record struct SessionCall(McpSessionRuntime Runtime, McpSessionState State);

/// <summary>The session found for a request, or the error that answers it.</summary>
internal readonly record struct SessionLookup(McpSessionState? Session, McpError? Error);

/// <summary>
/// The session machinery of one sticky or store-backed endpoint, composed of one part per concern: the
/// <see cref="SessionResolver"/> (create, find: 400/403/404), the <see cref="CachedSessionStore"/> (reads and writes,
/// cached per replica for store-backed servers), the <see cref="SessionCallRegistry"/> (running calls, for
/// <c>notifications/cancelled</c>) and the <see cref="ClientReplyRouter"/> (client answers to the replica that asked).
/// This class starts their backplane subscriptions, sweeps expired sessions, hands out stream ids and event logs, and
/// ends sessions. Sticky servers run it over a private <see cref="InMemoryMcpSessionStore"/> and
/// <see cref="InMemoryMcpBackplane"/>; store-backed servers over the application's <see cref="IMcpSessionStore"/> and
/// <see cref="IMcpBackplane"/>, so every replica sees every session. The code path is the same: the store decides how far
/// a session reaches.
/// </summary>
internal sealed class McpSessionRuntime : IAsyncDisposable
{
    /// <summary>The session header name.</summary>
    public const string SessionHeader = "Mcp-Session-Id";

    private readonly string _streamPrefix;
    private readonly ILogger _logger;
    private readonly Timer _sweeper;
    private readonly CachedSessionStore _sessions;
    private readonly SessionResolver _resolver;
    private readonly object _gate = new();
    private long _streams;
    private int _sweeping;
    private Task<IAsyncDisposable>? _cancelSubscription;
    private Task<IAsyncDisposable>? _replySubscription;
    private Task<IAsyncDisposable>? _invalidateSubscription;
    private Task<IAsyncDisposable>? _nodeCancelSubscription;
    private Task<IAsyncDisposable>? _nodeReplySubscription;
    private Task<IAsyncDisposable>? _followSubscription;

    public McpSessionRuntime(McpSessionMode mode, McpSessionOptions options, IMcpSessionStore store, IMcpBackplane backplane, ILogger logger, McpGen.ClientInput.PendingClientRequests? pending = null)
    {
        if (mode == McpSessionMode.Store)
        {
            // Store-backed: every store and backplane call gets a client span and a latency measurement while observed.
            store = new McpGen.Diagnostics.ObservedSessionStore(store);
            backplane = new McpGen.Diagnostics.ObservedBackplane(backplane);
        }

        Mode = mode;
        Options = options;
        Store = store;
        Backplane = backplane;
        _logger = logger;
        ReplicaId = McpSessionIds.ResolveReplicaId(options.ReplicaId);
        long cacheTicks = mode == McpSessionMode.Store ? (long)Math.Max(0, options.StoreCacheDuration.TotalMilliseconds) : 0;
        _sessions = new CachedSessionStore(store, backplane, cacheTicks);
        _resolver = new SessionResolver(mode, options, _sessions, ReplicaId);
        Calls = new SessionCallRegistry(backplane, IsShared);
        Replies = new ClientReplyRouter(backplane, pending);
        Span<byte> random = stackalloc byte[6];
        RandomNumberGenerator.Fill(random);
        _streamPrefix = Base64Url.EncodeToString(random);
        Leases = new CallLeases(this, logger);
        if (IsShared)
        {
            Calls.RunnerOf = Leases.RunnerOfAsync;
        }

        // Expired sessions leave memory (and the store) even when nobody asks for them again.
        TimeSpan sweep = options.IdleTimeout > TimeSpan.Zero
            ? TimeSpan.FromTicks(Math.Clamp(options.IdleTimeout.Ticks / 2, TimeSpan.FromSeconds(1).Ticks, TimeSpan.FromMinutes(1).Ticks))
            : TimeSpan.FromMinutes(1);
        _sweeper = new Timer(static state => ((McpSessionRuntime)state!).Sweep(), this, sweep, sweep);
    }

    public McpSessionMode Mode { get; }

    /// <summary>Whether sessions are shared between replicas (store-backed).</summary>
    public bool IsShared => Mode == McpSessionMode.Store;

    public McpSessionOptions Options { get; }

    public IMcpSessionStore Store { get; }

    public IMcpBackplane Backplane { get; }

    public string ReplicaId { get; }

    /// <summary>
    /// This runtime's backplane address: the random prefix of its stream ids (8 base64url characters, new at every
    /// start). Addressed messages for its calls (answers, cancellations, stream events) go to <c>@{NodeId}:...</c>.
    /// </summary>
    public string NodeId => _streamPrefix;

    /// <summary>The calls with resumable streams that run here, their leases, and who follows their streams.</summary>
    public CallLeases Leases { get; }

    /// <summary>The running calls of this endpoint's sessions on this replica.</summary>
    public SessionCallRegistry Calls { get; }

    /// <summary>Where client answers of store-backed sessions go when the call waiting for them runs on another replica.</summary>
    public ClientReplyRouter Replies { get; }

    /// <summary>Creates a session for an <c>initialize</c> request; <see langword="null"/> when the session limit is reached.</summary>
    public ValueTask<McpSessionState?> CreateAsync(HttpContext context, string protocolVersion, ReadOnlyMemory<byte> capabilities, McpClientInfo? clientInfo)
        => _resolver.CreateAsync(context, protocolVersion, capabilities, clientInfo);

    /// <summary>Finds the session a request names in <c>Mcp-Session-Id</c> (400, 403, 404 otherwise).</summary>
    public ValueTask<SessionLookup> ResolveAsync(HttpContext context, bool touch = true) => _resolver.ResolveAsync(context, touch);

    /// <summary>Loads a session (a copy the caller may change).</summary>
    public ValueTask<McpSessionState?> LoadAsync(string sessionId, bool touch, CancellationToken cancellationToken)
        => _sessions.LoadAsync(sessionId, touch, cancellationToken);

    /// <summary>
    /// Applies <paramref name="change"/> (returns whether it changed anything) to <paramref name="session"/> and persists
    /// it, re-reading the session and applying the change again when another request updated it first (any replica), then
    /// tells every replica to drop its cached copy. Returns <see langword="false"/> when the session is gone.
    /// </summary>
    public ValueTask<bool> ChangeAsync<TState>(McpSessionState session, TState state, Func<McpSessionState, TState, bool> change, CancellationToken cancellationToken)
        => SessionChanges.ApplyAsync(session, state, change, _sessions.UpdateAsync, (id, ct) => _sessions.LoadAsync(id, touch: false, ct), cancellationToken);

    /// <summary>
    /// Starts what a shared runtime needs before serving: the subscriptions to the cancellation, reply and invalidation
    /// channels (retried after a failure).
    /// </summary>
    public Task EnsureStartedAsync()
    {
        // Every request of a store-backed session calls this: once subscribed, no lock.
        if (!IsShared || (Ready(Volatile.Read(ref _cancelSubscription))
            && Ready(Volatile.Read(ref _nodeCancelSubscription))
            && Ready(Volatile.Read(ref _followSubscription))
            && (!Replies.Active || (Ready(Volatile.Read(ref _replySubscription)) && Ready(Volatile.Read(ref _nodeReplySubscription))))
            && (!_sessions.Caches || Ready(Volatile.Read(ref _invalidateSubscription)))))
        {
            return Task.CompletedTask;
        }

        lock (_gate)
        {
            if (NeedsStart(_cancelSubscription))
            {
                _cancelSubscription = Backplane.SubscribeAsync(SessionCallRegistry.CancelChannel, Calls.OnRemoteCancel, CancellationToken.None).AsTask();
            }

            if (NeedsStart(_nodeCancelSubscription))
            {
                _nodeCancelSubscription = Backplane.SubscribeAsync(SessionCallRegistry.NodeChannel(NodeId), Calls.OnRemoteCancel, CancellationToken.None).AsTask();
            }

            if (NeedsStart(_followSubscription))
            {
                _followSubscription = Backplane.SubscribeAsync(CallLeases.FollowChannel(NodeId), Leases.OnFollow, CancellationToken.None).AsTask();
            }

            if (Replies.Active && NeedsStart(_replySubscription))
            {
                _replySubscription = Backplane.SubscribeAsync(ClientReplyRouter.ReplyChannel, Replies.OnRemoteReply, CancellationToken.None).AsTask();
            }

            if (Replies.Active && NeedsStart(_nodeReplySubscription))
            {
                _nodeReplySubscription = Backplane.SubscribeAsync(ClientReplyRouter.NodeChannel(NodeId), Replies.OnRemoteReply, CancellationToken.None).AsTask();
            }

            if (_sessions.Caches && NeedsStart(_invalidateSubscription))
            {
                _sessions.Clear(); // what was cached while no invalidation could arrive is suspect
                _invalidateSubscription = Backplane.SubscribeAsync(CachedSessionStore.InvalidateChannel, _sessions.OnInvalidate, CancellationToken.None).AsTask();
            }

            if (Started(_cancelSubscription) && Started(_replySubscription) && Started(_invalidateSubscription)
                && Started(_nodeCancelSubscription) && Started(_nodeReplySubscription) && Started(_followSubscription))
            {
                return Task.CompletedTask;
            }

            var starting = new System.Collections.Generic.List<Task>(6) { _cancelSubscription!, _nodeCancelSubscription!, _followSubscription! };
            if (_nodeReplySubscription is not null)
            {
                starting.Add(_nodeReplySubscription);
            }

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

    private static bool NeedsStart(Task? subscription) => subscription is null || subscription.IsFaulted || subscription.IsCanceled;

    private static bool Started(Task? subscription) => subscription is null || subscription.IsCompletedSuccessfully;

    private static bool Ready(Task? subscription) => subscription is { IsCompletedSuccessfully: true };

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
                _sessions.EvictStale();
                int removed = await Store.RemoveExpiredAsync(CancellationToken.None).ConfigureAwait(false);
                McpTelemetry.SessionsExpired(removed);
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

    /// <summary>
    /// Ends <paramref name="session"/> (see <see cref="DeleteAsync(string, CancellationToken)"/>) and, when it existed,
    /// records its duration (<c>mcp.server.session.duration</c>).
    /// </summary>
    public async ValueTask<bool> DeleteAsync(McpSessionState session, CancellationToken cancellationToken)
    {
        bool deleted = await DeleteAsync(session.Id, cancellationToken).ConfigureAwait(false);
        if (deleted)
        {
            McpTelemetry.SessionEnded(session.CreatedAt, session.ProtocolVersion);
        }

        return deleted;
    }

    /// <summary>Ends a session and cancels its running calls. Returns <see langword="false"/> when it did not exist.</summary>
    public async ValueTask<bool> DeleteAsync(string sessionId, CancellationToken cancellationToken)
    {
        bool deleted = await Store.DeleteAsync(sessionId, cancellationToken).ConfigureAwait(false);
        await _sessions.InvalidateAsync(sessionId, cancellationToken).ConfigureAwait(false);
        if (deleted)
        {
            await Backplane.PublishAsync(ControlChannel(sessionId), "end"u8.ToArray(), cancellationToken).ConfigureAwait(false);
            await Calls.CancelSessionAsync(sessionId, cancellationToken).ConfigureAwait(false);
        }

        return deleted;
    }

    /// <summary>The channel a session's GET stream listens on for control messages (<c>end</c>, takeover by another GET).</summary>
    public static string ControlChannel(string sessionId) => "c:" + sessionId;

    /// <summary>A stream id unique across replicas and restarts: random per process, then a counter.</summary>
    public string NewStreamId() => _streamPrefix + Interlocked.Increment(ref _streams).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// The event log of a new request stream of <paramref name="session"/>, for the call whose JSON-RPC id is
    /// <paramref name="rawRequestId"/>: registered as running here (see <see cref="CallLeases"/>) until
    /// <see cref="SessionStreamLog.End"/>.
    /// </summary>
    public SessionStreamLog OpenRequestStream(McpSessionState session, ReadOnlyMemory<byte> rawRequestId = default)
    {
        string streamId = NewStreamId();
        return new(this, session.Id, streamId, McpProtocolVersions.HasResumablePriming(session.ProtocolVersion), Leases.Open(session.Id, streamId, rawRequestId));
    }

    public async ValueTask DisposeAsync()
    {
        await _sweeper.DisposeAsync().ConfigureAwait(false);
        await Leases.DisposeAsync().ConfigureAwait(false);
        foreach (Task<IAsyncDisposable>? held in new[] { _cancelSubscription, _replySubscription, _invalidateSubscription, _nodeCancelSubscription, _nodeReplySubscription, _followSubscription })
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
