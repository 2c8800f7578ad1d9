using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using McpGen.Sessions;
using Npgsql;
using NpgsqlTypes;
using McpGen.ClientInput;
using McpGen.Dispatch;
using McpGen.Http;
using McpGen.Streaming;

namespace McpGen.PostgreSql;

/// <summary>
/// The <see cref="IMcpSessionStore"/> every replica of a store-backed server shares: sessions and their SSE event logs in
/// PostgreSQL (tables <c>sessions</c>, <c>streams</c>, <c>events</c> of <see cref="PostgreSqlMcpOptions.SchemaName"/>).
/// Register it with <c>services.AddMcpGenPostgreSql(connectionString)</c>.
/// </summary>
/// <remarks>
/// <para>
/// Every operation is one round trip. Times come from the database clock (<c>now()</c>), so replicas with skewed clocks
/// agree on expiry. The session limit is enforced atomically across replicas (creates of one schema are serialized by a
/// transaction-scoped advisory lock; reads and touches are not). A touch is written only when the stored
/// <see cref="McpSessionState.LastSeenAt"/> is older than 1% of the idle timeout, so a busy session costs one write per
/// 18 seconds at the default 30 minutes, not one per request; expiry is late by at most that 1%.
/// </para>
/// <para>
/// Sequence numbers of a stream are allocated by an upsert of its <c>streams</c> row, which locks it until the event is
/// committed: appends from any number of replicas get consecutive numbers, without gaps or duplicates.
/// </para>
/// <para>
/// When the database cannot be reached, every call throws <see cref="McpStoreUnavailableException"/> within
/// <see cref="PostgreSqlMcpOptions.ConnectTimeout"/> or <see cref="PostgreSqlMcpOptions.CommandTimeout"/> (at once when the
/// server refuses connections); once it is back, calls succeed again with new connections.
/// </para>
/// </remarks>
public sealed class PostgreSqlMcpSessionStore : IMcpSessionStore, Microsoft.Extensions.Diagnostics.HealthChecks.IHealthCheck, IAsyncDisposable, IDisposable
{
    /// <summary>First key of the advisory lock that serializes creates (<c>'MCPG' + 1</c>); the second is the schema's hash.</summary>
    private const int CreateLockKey = 1296257096;

    private readonly PostgreSqlMcpDatabase _database;
    private readonly bool _ownsDatabase;
    private readonly string _createSql;
    private readonly string _getSql;
    private readonly string _getAndTouchSql;
    private readonly string _updateSql;
    private readonly string _deleteSql;
    private readonly string _appendSql;
    private readonly string _readSql;
    private readonly string _removeExpiredSql;

    /// <summary>Creates a store with its own connection pool (the application disposes it). With DI, use <c>AddMcpGenPostgreSql</c>.</summary>
    /// <param name="options">Connection and schema; checked now (<see cref="ArgumentException"/> names a bad option).</param>
    public PostgreSqlMcpSessionStore(PostgreSqlMcpOptions options)
        : this(new PostgreSqlMcpDatabase(options), ownsDatabase: true)
    {
    }

    internal PostgreSqlMcpSessionStore(PostgreSqlMcpDatabase database, bool ownsDatabase = false)
    {
        _database = database;
        _ownsDatabase = ownsDatabase;
        string s = database.Schema;
        _createSql = $"""
            INSERT INTO {s}.sessions (id, state, idle_timeout, created_at, last_seen, expires_at, version)
            SELECT $1, $2, $3, COALESCE($4, now()), now(), CASE WHEN $3 > interval '0' THEN now() + $3 END, $6
            WHERE $5 <= 0 OR (SELECT count(*) FROM {s}.sessions WHERE expires_at IS NULL OR expires_at > now()) < $5
            """;
        _getSql = $"""
            SELECT state, created_at, last_seen, version FROM {s}.sessions
            WHERE id = $1 AND (expires_at IS NULL OR expires_at > now())
            """;
        _getAndTouchSql = $"""
            WITH live AS (
                SELECT id, state, created_at, last_seen, idle_timeout, version FROM {s}.sessions
                WHERE id = $1 AND (expires_at IS NULL OR expires_at > now())
            ), touched AS (
                UPDATE {s}.sessions AS t
                SET last_seen = now(), expires_at = CASE WHEN t.idle_timeout > interval '0' THEN now() + t.idle_timeout END
                FROM live
                WHERE t.id = live.id AND live.last_seen < now() - live.idle_timeout / 100
                RETURNING t.last_seen
            )
            SELECT live.state, live.created_at, COALESCE((SELECT last_seen FROM touched), live.last_seen), live.version FROM live
            """;
        // Optimistic concurrency: written only over the version the snapshot was read at. A concurrent update that
        // commits first moves the version, and the re-checked WHERE then matches nothing (READ COMMITTED re-evaluates
        // it on the newest row): live = 1 and no new version is a conflict, live = 0 a session that is gone.
        _updateSql = $"""
            WITH live AS (
                SELECT id FROM {s}.sessions WHERE id = $1 AND (expires_at IS NULL OR expires_at > now())
            ), written AS (
                UPDATE {s}.sessions AS t SET state = $2, version = t.version + 1
                FROM live WHERE t.id = live.id AND t.version = $3
                RETURNING t.version
            )
            SELECT (SELECT count(*) FROM live), (SELECT version FROM written)
            """;
        _deleteSql = $"DELETE FROM {s}.sessions WHERE id = $1";
        _appendSql = $"""
            WITH seq AS (
                INSERT INTO {s}.streams AS st (session_id, stream_id, last_seq)
                SELECT $1, $2, 1 WHERE EXISTS (SELECT 1 FROM {s}.sessions WHERE id = $1)
                ON CONFLICT (session_id, stream_id) DO UPDATE SET last_seq = st.last_seq + 1
                RETURNING last_seq
            ), added AS (
                INSERT INTO {s}.events (session_id, stream_id, seq, message, last)
                SELECT $1, $2, last_seq, $3, $4 FROM seq
            ), trimmed AS (
                DELETE FROM {s}.events
                WHERE session_id = $1 AND stream_id = $2 AND $5 > 0 AND seq <= (SELECT last_seq FROM seq) - $5
            )
            SELECT last_seq FROM seq
            """;
        _readSql = $"""
            SELECT seq, message, last FROM {s}.events
            WHERE session_id = $1 AND stream_id = $2 AND seq > $3
            ORDER BY seq
            """;
        _removeExpiredSql = $"""
            DELETE FROM {s}.sessions WHERE id IN (
                SELECT id FROM {s}.sessions WHERE expires_at <= now()
                ORDER BY expires_at LIMIT {RemoveBatch}
                FOR UPDATE SKIP LOCKED)
            """;
    }

    /// <summary>How many expired sessions one cleanup statement deletes (the cleanup repeats until fewer are left).</summary>
    private const int RemoveBatch = 1000;

    /// <inheritdoc/>
    public ValueTask<bool> CreateAsync(McpSessionState session, TimeSpan idleTimeout, int maxSessions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        return _database.RunAsync(
            (Store: this, Session: session, IdleTimeout: idleTimeout < TimeSpan.Zero ? TimeSpan.Zero : idleTimeout, Max: maxSessions),
            static async (connection, state, cancellationToken) =>
            {
                await using NpgsqlBatch batch = new(connection);
                if (state.Max > 0)
                {
                    batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT pg_advisory_xact_lock($1, hashtext($2))")
                    {
                        Parameters =
                        {
                            new NpgsqlParameter<int> { TypedValue = CreateLockKey },
                            new NpgsqlParameter<string> { TypedValue = state.Store._database.Options.SchemaName },
                        },
                    });
                }

                var insert = new NpgsqlBatchCommand(state.Store._createSql)
                {
                    Parameters =
                    {
                        new NpgsqlParameter<string> { TypedValue = state.Session.Id },
                        new NpgsqlParameter<byte[]> { TypedValue = McpSessionStateJson.Serialize(state.Session) },
                        new NpgsqlParameter<TimeSpan> { TypedValue = state.IdleTimeout },
                        state.Session.CreatedAt == default
                            ? new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = DBNull.Value }
                            : new NpgsqlParameter<DateTime> { NpgsqlDbType = NpgsqlDbType.TimestampTz, TypedValue = state.Session.CreatedAt.UtcDateTime },
                        new NpgsqlParameter<int> { TypedValue = state.Max },
                        new NpgsqlParameter<long> { TypedValue = state.Session.Version },
                    },
                };
                batch.BatchCommands.Add(insert);
                try
                {
                    // One round trip, one implicit transaction: the lock is held until the insert commits.
                    await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
                {
                    throw new InvalidOperationException($"Session id collision: '{state.Session.Id}' already exists.", e);
                }

                return insert.RecordsAffected == 1;
            },
            idempotent: false,
            cancellationToken);
    }

    /// <inheritdoc/>
    public ValueTask<McpSessionState?> GetAsync(string sessionId, bool touch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sessionId);
        return _database.RunAsync(
            (Sql: touch ? _getAndTouchSql : _getSql, Id: sessionId),
            static async (connection, state, cancellationToken) =>
            {
                await using NpgsqlCommand command = new(state.Sql, connection)
                {
                    Parameters = { new NpgsqlParameter<string> { TypedValue = state.Id } },
                };
                await using NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    return null;
                }

                McpSessionState session = McpSessionStateJson.Deserialize(reader.GetFieldValue<byte[]>(0));
                session.CreatedAt = new DateTimeOffset(reader.GetFieldValue<DateTime>(1));
                session.LastSeenAt = new DateTimeOffset(reader.GetFieldValue<DateTime>(2));
                session.Version = reader.GetInt64(3);
                return (McpSessionState?)session;
            },
            idempotent: true,
            cancellationToken);
    }

    /// <inheritdoc/>
    public ValueTask<McpSessionUpdate> UpdateAsync(McpSessionState session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        return _database.RunAsync(
            (Sql: _updateSql, Session: session),
            static async (connection, state, cancellationToken) =>
            {
                await using NpgsqlCommand command = new(state.Sql, connection)
                {
                    Parameters =
                    {
                        new NpgsqlParameter<string> { TypedValue = state.Session.Id },
                        new NpgsqlParameter<byte[]> { TypedValue = McpSessionStateJson.Serialize(state.Session) },
                        new NpgsqlParameter<long> { TypedValue = state.Session.Version },
                    },
                };
                await using NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                if (reader.GetInt64(0) == 0)
                {
                    return McpSessionUpdate.NotFound;
                }

                if (reader.IsDBNull(1))
                {
                    return McpSessionUpdate.Conflict;
                }

                state.Session.Version = reader.GetInt64(1);
                return McpSessionUpdate.Updated;
            },
            // Safe to repeat: a repeat after a write that committed unseen finds the version moved (a conflict), and
            // the runtime then re-reads and sees its change already there.
            idempotent: true,
            cancellationToken);
    }

    /// <inheritdoc/>
    public ValueTask<bool> DeleteAsync(string sessionId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sessionId);
        return _database.RunAsync(
            (Sql: _deleteSql, Id: sessionId),
            static async (connection, state, cancellationToken) =>
            {
                await using NpgsqlCommand command = new(state.Sql, connection)
                {
                    Parameters = { new NpgsqlParameter<string> { TypedValue = state.Id } },
                };
                return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
            },
            idempotent: true,
            cancellationToken);
    }

    /// <inheritdoc/>
    /// <remarks>Returns 0 when the session does not exist (deleted, or removed after expiry).</remarks>
    public ValueTask<long> AppendEventAsync(string sessionId, string streamId, ReadOnlyMemory<byte> message, bool last, int capacity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sessionId);
        ArgumentNullException.ThrowIfNull(streamId);
        return _database.RunAsync(
            (Sql: _appendSql, SessionId: sessionId, StreamId: streamId, Message: message, Last: last, Capacity: capacity),
            static async (connection, state, cancellationToken) =>
            {
                await using NpgsqlCommand command = new(state.Sql, connection)
                {
                    Parameters =
                    {
                        new NpgsqlParameter<string> { TypedValue = state.SessionId },
                        new NpgsqlParameter<string> { TypedValue = state.StreamId },
                        new NpgsqlParameter<ReadOnlyMemory<byte>> { NpgsqlDbType = NpgsqlDbType.Bytea, TypedValue = state.Message },
                        new NpgsqlParameter<bool> { TypedValue = state.Last },
                        new NpgsqlParameter<int> { TypedValue = state.Capacity },
                    },
                };
                try
                {
                    object? sequence = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
                    return sequence is long value ? value : 0L;
                }
                catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ForeignKeyViolation)
                {
                    return 0L; // the session was deleted between the existence check and the insert
                }
            },
            idempotent: false,
            cancellationToken);
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<McpStoredEvent>> ReadEventsAsync(string sessionId, string streamId, long afterSequence, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sessionId);
        ArgumentNullException.ThrowIfNull(streamId);
        return _database.RunAsync(
            (Sql: _readSql, SessionId: sessionId, StreamId: streamId, After: afterSequence),
            static async (connection, state, cancellationToken) =>
            {
                await using NpgsqlCommand command = new(state.Sql, connection)
                {
                    Parameters =
                    {
                        new NpgsqlParameter<string> { TypedValue = state.SessionId },
                        new NpgsqlParameter<string> { TypedValue = state.StreamId },
                        new NpgsqlParameter<long> { TypedValue = state.After },
                    },
                };
                var events = new List<McpStoredEvent>();
                await using NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    events.Add(new McpStoredEvent(reader.GetInt64(0), reader.GetFieldValue<byte[]>(1), reader.GetBoolean(2)));
                }

                return (IReadOnlyList<McpStoredEvent>)events;
            },
            idempotent: true,
            cancellationToken);
    }

    /// <inheritdoc/>
    /// <remarks>Deletes in batches of 1000 with <c>SKIP LOCKED</c>, so replicas cleaning up at once do not wait on each other.</remarks>
    public ValueTask<int> RemoveExpiredAsync(CancellationToken cancellationToken)
    {
        return _database.RunAsync(
            _removeExpiredSql,
            static async (connection, sql, cancellationToken) =>
            {
                int total = 0;
                while (true)
                {
                    await using NpgsqlCommand command = new(sql, connection);
                    int removed = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    total += removed;
                    if (removed < RemoveBatch)
                    {
                        return total;
                    }
                }
            },
            idempotent: true,
            cancellationToken);
    }

    /// <summary>Disposes the connection pool when the store created it (the constructor with options).</summary>
    /// <summary>
    /// The <c>mcpgen-session-store</c> health check: Unhealthy, naming the database and the error, while PostgreSQL cannot
    /// be reached or does not answer within <see cref="PostgreSqlMcpOptions.HealthCheckTimeout"/>; Healthy again by itself.
    /// </summary>
    Task<Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult> Microsoft.Extensions.Diagnostics.HealthChecks.IHealthCheck.CheckHealthAsync(
        Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckContext context, CancellationToken cancellationToken)
        => _database.ProbeAsync("session store", context?.Registration?.FailureStatus ?? Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Unhealthy, cancellationToken);

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _ownsDatabase ? _database.DisposeAsync() : ValueTask.CompletedTask;

    /// <summary>Like <see cref="DisposeAsync"/>, for containers disposed synchronously.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();
}
