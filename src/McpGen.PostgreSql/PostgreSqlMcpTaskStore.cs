using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using McpGen.Tasks;
using Npgsql;
using NpgsqlTypes;

namespace McpGen.PostgreSql;

/// <summary>
/// The <see cref="IMcpTaskStore"/> every replica shares: tasks (the 2026-07-28 Tasks extension) in the table
/// <c>tasks</c> of <see cref="PostgreSqlMcpOptions.SchemaName"/> (schema version 3). <c>AddMcpGenPostgreSql</c> (and
/// <c>.WithPostgreSqlStore</c>) registers it, for servers of every session mode: a stateless fleet with task tools
/// needs it as much as a store-backed one.
/// </summary>
/// <remarks>
/// Every operation is one round trip and strongly consistent (a committed insert is visible to every replica at once,
/// as the extension requires before the task handle is returned). A replacement is a compare-and-swap on the
/// <c>version</c> column. The per-principal live-task limit is enforced atomically: creates of one principal of one
/// server are serialized by a transaction-scoped advisory lock. Times (leases, expiry) are the replicas' clocks, so keep
/// them in sync (NTP): a skew shorter than a lease is harmless.
/// </remarks>
public sealed class PostgreSqlMcpTaskStore : IMcpTaskStore, IAsyncDisposable, IDisposable
{
    /// <summary>First key of the advisory lock that serializes creates of one principal (<c>'MCPG' + 2</c>).</summary>
    private const int CreateLockKey = 1296257097;

    /// <summary>How many expired tasks one cleanup statement deletes.</summary>
    private const int DeleteBatch = 1000;

    private readonly PostgreSqlMcpDatabase _database;
    private readonly bool _ownsDatabase;
    private readonly string _createSql;
    private readonly string _getSql;
    private readonly string _replaceSql;
    private readonly string _expiredLeasesSql;
    private readonly string _deleteExpiredSql;

    /// <summary>A store with its own connection pool (tests, tools); applications use <c>AddMcpGenPostgreSql</c>.</summary>
    public PostgreSqlMcpTaskStore(PostgreSqlMcpOptions options)
        : this(new PostgreSqlMcpDatabase(options), ownsDatabase: true)
    {
    }

    internal PostgreSqlMcpTaskStore(PostgreSqlMcpDatabase database, bool ownsDatabase = false)
    {
        _database = database;
        _ownsDatabase = ownsDatabase;
        string s = database.Schema;
        _createSql = $"""
            INSERT INTO {s}.tasks (id, server, principal, status, lease_expires_at, expires_at, version, record)
            SELECT $1, $2, $3, $4, $5, $6, 1, $7
            WHERE $8 <= 0 OR (SELECT count(*) FROM {s}.tasks WHERE server = $2 AND principal = $3 AND status < 2) < $8
            """;
        _getSql = $"SELECT record, version FROM {s}.tasks WHERE id = $1";
        _replaceSql = $"""
            UPDATE {s}.tasks SET status = $2, lease_expires_at = $3, expires_at = $4, record = $5, version = version + 1
            WHERE id = $1 AND version = $6
            """;
        _expiredLeasesSql = $"""
            SELECT record, version FROM {s}.tasks
            WHERE server = $1 AND status < 2 AND lease_expires_at < $2
            ORDER BY lease_expires_at LIMIT $3
            """;
        _deleteExpiredSql = $"""
            DELETE FROM {s}.tasks WHERE id IN (
                SELECT id FROM {s}.tasks WHERE expires_at < $1
                ORDER BY expires_at LIMIT {DeleteBatch}
                FOR UPDATE SKIP LOCKED)
            """;
    }

    /// <inheritdoc />
    public ValueTask<bool> CreateAsync(McpTaskRecord task, int maxLiveTasks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        return _database.RunAsync(
            (Store: this, Task: task with { Version = 1 }, Max: maxLiveTasks),
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
                            new NpgsqlParameter<string> { TypedValue = state.Store._database.Options.SchemaName + "/" + state.Task.ServerName + "/" + state.Task.PrincipalKey },
                        },
                    });
                }

                var insert = new NpgsqlBatchCommand(state.Store._createSql)
                {
                    Parameters =
                    {
                        new NpgsqlParameter<string> { TypedValue = state.Task.TaskId },
                        new NpgsqlParameter<string> { TypedValue = state.Task.ServerName },
                        new NpgsqlParameter<string> { TypedValue = state.Task.PrincipalKey },
                        new NpgsqlParameter<short> { TypedValue = (short)state.Task.Status },
                        Time(state.Task.LeaseExpiresAt),
                        Time(state.Task.ExpiresAt),
                        new NpgsqlParameter<byte[]> { TypedValue = McpTaskRecordJson.Serialize(state.Task) },
                        new NpgsqlParameter<int> { TypedValue = state.Max },
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
                    throw new InvalidOperationException($"A task with id '{state.Task.TaskId}' exists.", e);
                }

                return insert.RecordsAffected == 1;
            },
            idempotent: false,
            cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<McpTaskRecord?> GetAsync(string taskId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(taskId);
        return _database.RunAsync(
            (Sql: _getSql, Id: taskId),
            static async (connection, state, cancellationToken) =>
            {
                await using NpgsqlCommand command = new(state.Sql, connection)
                {
                    Parameters = { new NpgsqlParameter<string> { TypedValue = state.Id } },
                };
                await using NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
                    ? McpTaskRecordJson.Deserialize(reader.GetFieldValue<byte[]>(0), reader.GetInt64(1))
                    : null;
            },
            idempotent: true,
            cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<bool> TryReplaceAsync(McpTaskRecord task, long expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        return _database.RunAsync(
            (Sql: _replaceSql, Task: task, Expected: expectedVersion),
            static async (connection, state, cancellationToken) =>
            {
                await using NpgsqlCommand command = new(state.Sql, connection)
                {
                    Parameters =
                    {
                        new NpgsqlParameter<string> { TypedValue = state.Task.TaskId },
                        new NpgsqlParameter<short> { TypedValue = (short)state.Task.Status },
                        Time(state.Task.LeaseExpiresAt),
                        Time(state.Task.ExpiresAt),
                        new NpgsqlParameter<byte[]> { TypedValue = McpTaskRecordJson.Serialize(state.Task) },
                        new NpgsqlParameter<long> { TypedValue = state.Expected },
                    },
                };
                return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
            },
            idempotent: true, // a compare-and-swap: run twice, the second finds the version moved
            cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<McpTaskRecord>> ListExpiredLeasesAsync(string serverName, DateTimeOffset now, int max, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(serverName);
        return _database.RunAsync(
            (Sql: _expiredLeasesSql, Server: serverName, Now: now, Max: max),
            static async (connection, state, cancellationToken) =>
            {
                await using NpgsqlCommand command = new(state.Sql, connection)
                {
                    Parameters =
                    {
                        new NpgsqlParameter<string> { TypedValue = state.Server },
                        Time(state.Now),
                        new NpgsqlParameter<int> { TypedValue = state.Max },
                    },
                };
                var tasks = new List<McpTaskRecord>();
                await using NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    tasks.Add(McpTaskRecordJson.Deserialize(reader.GetFieldValue<byte[]>(0), reader.GetInt64(1)));
                }

                return (IReadOnlyList<McpTaskRecord>)tasks;
            },
            idempotent: true,
            cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<int> DeleteExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken)
        => _database.RunAsync(
            (Sql: _deleteExpiredSql, Now: now),
            static async (connection, state, cancellationToken) =>
            {
                await using NpgsqlCommand command = new(state.Sql, connection) { Parameters = { Time(state.Now) } };
                return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            },
            idempotent: true,
            cancellationToken);

    private static NpgsqlParameter<DateTime> Time(DateTimeOffset time)
        => new() { NpgsqlDbType = NpgsqlDbType.TimestampTz, TypedValue = time.UtcDateTime };

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _ownsDatabase ? _database.DisposeAsync() : ValueTask.CompletedTask;

    /// <summary>Like <see cref="DisposeAsync"/>, for containers disposed synchronously.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();
}
