using System;
using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using McpGen.Sessions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace McpGen.Redis;

/// <summary>
/// The <see cref="IMcpSessionStore"/> every replica of a store-backed server shares: sessions as Redis hashes and their
/// SSE event logs as Redis Streams, under <see cref="RedisMcpOptions.KeyPrefix"/>. Register it with
/// <c>services.AddMcpGenRedis("127.0.0.1:6379")</c>.
/// </summary>
/// <remarks>
/// <para>
/// Every operation is one round trip: one Lua script where it reads and writes (create, get with touch, update, delete,
/// append), atomic on the server. Times come from the Redis clock, so replicas with skewed clocks agree on expiry. The
/// session limit is enforced atomically across replicas (the live sessions are a sorted set scored by expiry, counted
/// and added to in the create script). Updates compare and swap the session's version. A touch is written only when the
/// stored <see cref="McpSessionState.LastSeenAt"/> is older than 1% of the idle timeout.
/// </para>
/// <para>
/// Sequence numbers of a stream come from a counter incremented in the same script as the event's <c>XADD</c>:
/// appends from any number of replicas get consecutive numbers, without gaps or duplicates; <c>MAXLEN</c> keeps the
/// last <c>capacity</c> events.
/// </para>
/// <para>
/// When Redis cannot be reached, every call throws <see cref="McpStoreUnavailableException"/> at once (no connection
/// up) or within <see cref="RedisMcpOptions.CommandTimeout"/>; the multiplexer reconnects by itself and calls succeed
/// again once Redis is back. Redis Cluster is not supported (the live-session set spans every session); use one primary,
/// with replicas and Sentinel for failover.
/// </para>
/// </remarks>
public sealed class RedisMcpSessionStore : IMcpSessionStore, IHealthCheck, IAsyncDisposable, IDisposable
{
    /// <summary>How much longer than the idle timeout the Redis TTL of a session's keys is (the cleanup removes them first).</summary>
    internal const long TtlGraceMilliseconds = 60_000;

    /// <summary>How many expired sessions one cleanup script deletes (the cleanup repeats until fewer are left).</summary>
    private const int RemoveBatch = 500;

    private readonly RedisMcpConnection _connection;
    private readonly bool _ownsConnection;
    private readonly RedisKey _live;

    /// <summary>Creates a store with its own connection (the application disposes it). With DI, use <c>AddMcpGenRedis</c>.</summary>
    /// <param name="options">Connection and key prefix; checked now (<see cref="ArgumentException"/> names a bad option).</param>
    public RedisMcpSessionStore(RedisMcpOptions options)
        : this(new RedisMcpConnection(options), ownsConnection: true)
    {
    }

    internal RedisMcpSessionStore(RedisMcpConnection connection, bool ownsConnection = false)
    {
        _connection = connection;
        _ownsConnection = ownsConnection;
        _live = connection.Prefix + "live";
    }

    /// <inheritdoc/>
    public ValueTask<bool> CreateAsync(McpSessionState session, TimeSpan idleTimeout, int maxSessions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        long idle = idleTimeout <= TimeSpan.Zero ? 0 : Math.Max(1, (long)Math.Ceiling(idleTimeout.TotalMilliseconds));
        return _connection.RunAsync(
            (Store: this, Session: session, Idle: idle, Max: maxSessions),
            static async (db, state) =>
            {
                McpSessionState s = state.Session;
                RedisResult result = await db.ScriptEvaluateAsync(
                    RedisMcpScripts.Create,
                    [state.Store.SessionKey(s.Id), state.Store._live],
                    [
                        s.Id,
                        McpSessionStateJson.Serialize(s),
                        state.Idle,
                        s.CreatedAt == default ? -1 : s.CreatedAt.ToUnixTimeMilliseconds(),
                        state.Max,
                        s.Version,
                        TtlGraceMilliseconds,
                    ]).ConfigureAwait(false);
                long code = (long)result;
                if (code < 0)
                {
                    throw new InvalidOperationException($"Session id collision: '{s.Id}' already exists.");
                }

                return code == 1;
            },
            cancellationToken);
    }

    /// <inheritdoc/>
    public ValueTask<McpSessionState?> GetAsync(string sessionId, bool touch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sessionId);
        return _connection.RunAsync(
            (Store: this, Id: sessionId, Touch: touch),
            static async (db, state) =>
            {
                RedisResult result = await db.ScriptEvaluateAsync(
                    RedisMcpScripts.Get,
                    [state.Store.SessionKey(state.Id), state.Store._live, state.Store.IndexKey(state.Id)],
                    [state.Touch ? 1 : 0, state.Id, state.Store.StreamKeyBase(state.Id), TtlGraceMilliseconds]).ConfigureAwait(false);
                if (result.IsNull)
                {
                    return null;
                }

                RedisResult[] fields = (RedisResult[])result!;
                McpSessionState session = McpSessionStateJson.Deserialize((byte[])fields[0]!);
                session.CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds((long)fields[1]);
                session.LastSeenAt = DateTimeOffset.FromUnixTimeMilliseconds((long)fields[2]);
                session.Version = (long)fields[3];
                return (McpSessionState?)session;
            },
            cancellationToken);
    }

    /// <inheritdoc/>
    public ValueTask<McpSessionUpdate> UpdateAsync(McpSessionState session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        return _connection.RunAsync(
            (Store: this, Session: session),
            static async (db, state) =>
            {
                RedisResult result = await db.ScriptEvaluateAsync(
                    RedisMcpScripts.Update,
                    [state.Store.SessionKey(state.Session.Id)],
                    [McpSessionStateJson.Serialize(state.Session), state.Session.Version]).ConfigureAwait(false);
                long version = (long)result;
                switch (version)
                {
                    case -2:
                        return McpSessionUpdate.NotFound;
                    case -1:
                        return McpSessionUpdate.Conflict;
                    default:
                        state.Session.Version = version;
                        return McpSessionUpdate.Updated;
                }
            },
            cancellationToken);
    }

    /// <inheritdoc/>
    public ValueTask<bool> DeleteAsync(string sessionId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sessionId);
        return _connection.RunAsync(
            (Store: this, Id: sessionId),
            static async (db, state) =>
            {
                RedisResult result = await db.ScriptEvaluateAsync(
                    RedisMcpScripts.Delete,
                    [state.Store.SessionKey(state.Id), state.Store._live, state.Store.IndexKey(state.Id)],
                    [state.Id, state.Store.StreamKeyBase(state.Id)]).ConfigureAwait(false);
                return (long)result == 1;
            },
            cancellationToken);
    }

    /// <inheritdoc/>
    /// <remarks>Returns 0 when the session does not exist (deleted, or removed after expiry).</remarks>
    public ValueTask<long> AppendEventAsync(string sessionId, string streamId, ReadOnlyMemory<byte> message, bool last, int capacity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sessionId);
        ArgumentNullException.ThrowIfNull(streamId);
        return _connection.RunAsync(
            (Store: this, SessionId: sessionId, StreamId: streamId, Message: message, Last: last, Capacity: capacity),
            static async (db, state) =>
            {
                RedisResult result = await db.ScriptEvaluateAsync(
                    RedisMcpScripts.Append,
                    [state.Store.SessionKey(state.SessionId), state.Store.IndexKey(state.SessionId), state.Store.StreamKey(state.SessionId, state.StreamId)],
                    [state.StreamId, state.Message, state.Last ? 1 : 0, Math.Max(0, state.Capacity)]).ConfigureAwait(false);
                return (long)result;
            },
            cancellationToken);
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<McpStoredEvent>> ReadEventsAsync(string sessionId, string streamId, long afterSequence, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sessionId);
        ArgumentNullException.ThrowIfNull(streamId);
        return _connection.RunAsync(
            (Key: StreamKey(sessionId, streamId), After: Math.Max(0, afterSequence)),
            static async (db, state) =>
            {
                StreamEntry[] entries = await db.StreamRangeAsync(state.Key, (state.After + 1).ToString(CultureInfo.InvariantCulture), "+").ConfigureAwait(false);
                var events = new McpStoredEvent[entries.Length];
                for (int i = 0; i < entries.Length; i++)
                {
                    StreamEntry entry = entries[i];
                    events[i] = new McpStoredEvent(Sequence(entry.Id), (byte[])entry["m"]!, entry["l"] == 1);
                }

                return (IReadOnlyList<McpStoredEvent>)events;
            },
            cancellationToken);
    }

    /// <inheritdoc/>
    /// <remarks>Deletes in batches of 500 sessions per script, so a large cleanup does not block Redis for long.</remarks>
    public ValueTask<int> RemoveExpiredAsync(CancellationToken cancellationToken)
    {
        return _connection.RunAsync(
            this,
            static async (db, store) =>
            {
                int total = 0;
                while (true)
                {
                    RedisResult result = await db.ScriptEvaluateAsync(
                        RedisMcpScripts.RemoveExpired, [store._live], [store._connection.Prefix, RemoveBatch]).ConfigureAwait(false);
                    int removed = (int)result;
                    total += removed;
                    if (removed < RemoveBatch)
                    {
                        return total;
                    }
                }
            },
            cancellationToken);
    }

    /// <summary>
    /// The <c>mcpgen-session-store</c> health check: Unhealthy, naming Redis and the error, while Redis cannot be reached or
    /// does not answer within <see cref="RedisMcpOptions.HealthCheckTimeout"/>; Healthy again by itself.
    /// </summary>
    Task<HealthCheckResult> IHealthCheck.CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken)
        => _connection.ProbeAsync("session store", context?.Registration?.FailureStatus ?? HealthStatus.Unhealthy, cancellationToken);

    /// <summary>Disposes the connection when the store created it (the constructor with options).</summary>
    public ValueTask DisposeAsync() => _ownsConnection ? _connection.DisposeAsync() : ValueTask.CompletedTask;

    /// <summary>Like <see cref="DisposeAsync"/>, for containers disposed synchronously.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    internal RedisKey SessionKey(string sessionId) => string.Concat(_connection.Prefix, "{", sessionId, "}");

    internal RedisKey IndexKey(string sessionId) => string.Concat(_connection.Prefix, "{", sessionId, "}:q");

    internal string StreamKeyBase(string sessionId) => string.Concat(_connection.Prefix, "{", sessionId, "}:e:");

    internal RedisKey StreamKey(string sessionId, string streamId) => StreamKeyBase(sessionId) + streamId;

    private static long Sequence(RedisValue id)
    {
        string text = id.ToString();
        int dash = text.IndexOf('-', StringComparison.Ordinal);
        return long.Parse(dash < 0 ? text : text[..dash], NumberStyles.None, CultureInfo.InvariantCulture);
    }
}
