using System;
using System.Collections.Generic;
using System.Data.Common;
using System.IO;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using McpGen.Sessions;
using Microsoft.Extensions.Logging;
using Npgsql;
using McpGen.ClientInput;
using McpGen.Dispatch;
using McpGen.Http;
using McpGen.Streaming;

namespace McpGen.PostgreSql;

/// <summary>
/// The database side shared by the store and the backplane of one process: the data source, the schema (created once,
/// on first use), and the one place where a failure is judged "database unavailable" (<see cref="McpStoreUnavailableException"/>,
/// 503 + <c>Retry-After</c>) or "a bug" (rethrown as it is).
/// </summary>
internal sealed class PostgreSqlMcpDatabase : IAsyncDisposable, IDisposable
{
    private readonly bool _ownsDataSource;
    private readonly SemaphoreSlim _readyLock = new(1, 1);
    private readonly string _where;
    private volatile bool _ready;
    private int _disposed;

    public PostgreSqlMcpDatabase(PostgreSqlMcpOptions options, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options = options.Clone();
        options.Validate();
        Options = options;
        if (options.DataSource is { } dataSource)
        {
            DataSource = dataSource;
        }
        else
        {
            var builder = new NpgsqlSlimDataSourceBuilder(WithTimeouts(options.ConnectionString!, options));
            if (loggerFactory is not null)
            {
                builder.UseLoggerFactory(loggerFactory);
            }

            DataSource = builder.Build();
            _ownsDataSource = true;
        }

        Schema = '"' + options.SchemaName + '"';
        var settings = new NpgsqlConnectionStringBuilder(DataSource.ConnectionString);
        _where = $"PostgreSQL at {settings.Host}:{settings.Port}, database '{settings.Database}'";
    }

    public PostgreSqlMcpOptions Options { get; }

    public NpgsqlDataSource DataSource { get; }

    /// <summary>The schema as a quoted identifier, for SQL text.</summary>
    public string Schema { get; }

    /// <summary>Whether the server stores text as UTF-8 (then any UTF-8 JSON can travel in a NOTIFY payload).</summary>
    public bool ServerIsUtf8 { get; private set; }

    /// <summary>The schema script for <paramref name="schemaName"/>, as McpGen runs it (psql meta-commands removed).</summary>
    public static string SchemaScript(string schemaName)
    {
        using Stream stream = typeof(PostgreSqlMcpDatabase).Assembly.GetManifestResourceStream("McpGen.PostgreSql.schema.sql")
            ?? throw new InvalidOperationException("The embedded schema.sql is missing from McpGen.PostgreSql.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var script = new StringBuilder();
        while (reader.ReadLine() is { } line)
        {
            if (!line.StartsWith('\\'))
            {
                script.AppendLine(line);
            }
        }

        return script
            .Replace(":\"schema\"", '"' + schemaName + '"')
            .Replace(":'schema'", "'" + schemaName + "'")
            .ToString();
    }

    /// <summary>
    /// Runs <paramref name="operation"/> on a pooled connection. A failure to reach the database becomes
    /// <see cref="McpStoreUnavailableException"/>. When the connection opened but then broke (a pooled connection that
    /// did not survive a database restart), the operation is tried once more on a new connection if that cannot apply it
    /// twice: it is <paramref name="idempotent"/>, or the server said it ended the session before running anything.
    /// </summary>
    public async ValueTask<T> RunAsync<T, TState>(TState state, Func<NpgsqlConnection, TState, CancellationToken, Task<T>> operation, bool idempotent, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        await EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        for (int attempt = 0; ; attempt++)
        {
            bool opened = false;
            try
            {
                NpgsqlConnection connection = await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                await using (connection.ConfigureAwait(false))
                {
                    opened = true;
                    return await operation(connection, state, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (IsUnavailable(e, cancellationToken))
            {
                // Idle pooled connections to a restarted server are all dead: drop them, not one per request.
                DataSource.Clear();
                if (!(opened && attempt == 0 && (idempotent || NotExecuted(e))))
                {
                    throw Unavailable(e);
                }
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.InvalidSchemaName)
            {
                throw new InvalidOperationException(
                    $"The McpGen tables are missing in schema {Schema} ({_where}): {e.MessageText}. Create them with the package's schema.sql (psql -v schema={Options.SchemaName} -f schema.sql) or set PostgreSqlMcpOptions.AutoCreateSchema = true.",
                    e);
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UndefinedColumn)
            {
                throw new InvalidOperationException(
                    $"The McpGen tables in schema {Schema} ({_where}) are from an older schema version: {e.MessageText}. Run the package's schema.sql again (psql -v schema={Options.SchemaName} -f schema.sql; it only adds what is missing) or set PostgreSqlMcpOptions.AutoCreateSchema = true.",
                    e);
            }
        }
    }

    /// <summary>
    /// The health of the database for <paramref name="what"/> (the session store, the backplane): one <c>SELECT 1</c>
    /// bounded by <see cref="PostgreSqlMcpOptions.HealthCheckTimeout"/>. Unhealthy names the database and the error; the
    /// next probe after the database is back is Healthy (the pool was cleared on the failure).
    /// </summary>
    public async Task<Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult> ProbeAsync(string what, Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus failure, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Options.HealthCheckTimeout);
        try
        {
            await RunAsync(0, static async (connection, _, ct) =>
            {
                await using var ping = new NpgsqlCommand("SELECT 1", connection);
                return await ping.ExecuteScalarAsync(ct).ConfigureAwait(false);
            }, idempotent: true, timeout.Token).ConfigureAwait(false);
            return Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Healthy($"McpGen {what}: {_where} answers.");
        }
        catch (Exception e) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            DataSource.Clear();
            return new(failure, $"McpGen {what}: {_where} did not answer within {Options.HealthCheckTimeout.TotalSeconds:0.#} s (PostgreSqlMcpOptions.HealthCheckTimeout). Check that the database is up and reachable from this replica.", e);
        }
        catch (McpStoreUnavailableException e)
        {
            return new(failure, $"McpGen {what}: " + e.Message, e);
        }
        catch (InvalidOperationException e)
        {
            return new(failure, $"McpGen {what}: " + e.Message, e);
        }
    }

    /// <summary>Opens a connection (for the backplane's listener); failures become <see cref="McpStoreUnavailableException"/>.</summary>
    public async ValueTask<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        await EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsUnavailable(e, cancellationToken))
        {
            DataSource.Clear();
            throw Unavailable(e);
        }
    }

    /// <summary>Whether <paramref name="exception"/> means the database cannot be reached or cannot serve now.</summary>
    public static bool IsUnavailable(Exception exception, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return false;
        }

        return exception switch
        {
            // Connection exception (08), insufficient resources (53: too many connections), operator intervention
            // (57: admin/crash shutdown, cannot connect now, statement timeout).
            PostgresException pg => pg.SqlState.StartsWith("08", StringComparison.Ordinal)
                || pg.SqlState.StartsWith("53", StringComparison.Ordinal)
                || pg.SqlState.StartsWith("57", StringComparison.Ordinal),
            NpgsqlException => true, // I/O, refused connection, timeout, exhausted pool
            SocketException or IOException or TimeoutException => true,
            McpStoreUnavailableException => true,
            _ => false,
        };
    }

    /// <summary>
    /// Whether the server ended the connection before the command could commit: a backend that is shut down
    /// (57P01 admin_shutdown, 57P02 crash_shutdown) or refused (57P03) reports it instead of a result, while a committed
    /// command has already been answered. This is what an idle pooled connection says after a database restart.
    /// </summary>
    private static bool NotExecuted(Exception exception)
        => exception is PostgresException { SqlState: PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow };

    /// <summary>The exception a request gets when the database is down: it names the database and what to do.</summary>
    public McpStoreUnavailableException Unavailable(Exception cause)
    {
        if (cause is McpStoreUnavailableException already)
        {
            return already;
        }

        string reason = cause is PostgresException pg ? pg.MessageText : cause.Message;
        return new McpStoreUnavailableException(
            $"The MCP session store is unavailable ({_where}): {reason}. Retry after {Options.RetryAfter.TotalSeconds:0.#} s; if this persists, check that the database is up and reachable from this replica.",
            cause)
        {
            RetryAfter = Options.RetryAfter,
        };
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_ownsDataSource)
        {
            await DataSource.DisposeAsync().ConfigureAwait(false);
        }

        _readyLock.Dispose();
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>Learns the server's encoding and, when <see cref="PostgreSqlMcpOptions.AutoCreateSchema"/>, creates the schema; once per process.</summary>
    private async ValueTask EnsureReadyAsync(CancellationToken cancellationToken)
    {
        if (_ready)
        {
            return;
        }

        await _readyLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_ready)
            {
                return;
            }

            NpgsqlConnection connection = await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                ServerIsUtf8 = string.Equals(connection.PostgresParameters.GetValueOrDefault("server_encoding"), "UTF8", StringComparison.OrdinalIgnoreCase);
                if (Options.AutoCreateSchema)
                {
                    await using NpgsqlCommand command = new(SchemaScript(Options.SchemaName), connection);
                    await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
            }

            _ready = true;
        }
        catch (Exception e) when (IsUnavailable(e, cancellationToken))
        {
            DataSource.Clear();
            throw Unavailable(e);
        }
        finally
        {
            _readyLock.Release();
        }
    }

    /// <summary>Adds the options' timeouts to a connection string that does not set its own.</summary>
    private static string WithTimeouts(string connectionString, PostgreSqlMcpOptions options)
    {
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!given.ContainsKey("Timeout"))
        {
            builder.Timeout = Seconds(options.ConnectTimeout);
        }

        if (!given.ContainsKey("Command Timeout") && !given.ContainsKey("CommandTimeout"))
        {
            builder.CommandTimeout = Seconds(options.CommandTimeout);
        }

        if (!given.ContainsKey("Application Name") && !given.ContainsKey("ApplicationName"))
        {
            builder.ApplicationName = "McpGen";
        }

        return builder.ConnectionString;
    }

    private static int Seconds(TimeSpan value) => Math.Max(1, (int)Math.Ceiling(value.TotalSeconds));
}
