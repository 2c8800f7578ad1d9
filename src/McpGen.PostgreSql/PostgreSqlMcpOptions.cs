using System;
using Npgsql;

namespace McpGen.PostgreSql;

/// <summary>
/// Options of the PostgreSQL session store and backplane (<see cref="PostgreSqlMcpSessionStore"/>,
/// <see cref="PostgreSqlMcpBackplane"/>), set through <c>services.AddMcpGenPostgreSql(connectionString, configure)</c>.
/// </summary>
public sealed class PostgreSqlMcpOptions
{
    /// <summary>
    /// The Npgsql connection string (<c>Host=...;Database=...;Username=...;Password=...</c>). Ignored when
    /// <see cref="DataSource"/> is set. <see cref="ConnectTimeout"/> and <see cref="CommandTimeout"/> are applied to it
    /// unless it sets <c>Timeout</c> or <c>Command Timeout</c> itself.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// A data source the application already has (its pooling, credentials and timeouts are used as they are); the store
    /// does not dispose it. When <see langword="null"/>, one is built from <see cref="ConnectionString"/>.
    /// </summary>
    public NpgsqlDataSource? DataSource { get; set; }

    /// <summary>
    /// The schema that holds the tables (<c>sessions</c>, <c>streams</c>, <c>events</c>, <c>payloads</c>). Letters,
    /// digits and <c>_</c>, at most 63 characters, not starting with a digit. Default <c>mcpgen</c>.
    /// </summary>
    public string SchemaName { get; set; } = "mcpgen";

    /// <summary>
    /// Create the schema and tables on first use (idempotent, serialized across replicas). Default <see langword="true"/>.
    /// Turn it off when the tables are created ahead of time with the package's <c>schema.sql</c>.
    /// </summary>
    public bool AutoCreateSchema { get; set; } = true;

    /// <summary>How often expired sessions and old backplane payloads are deleted. Default 1 minute.</summary>
    public TimeSpan CleanupInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The PostgreSQL channel the backplane uses for <c>LISTEN</c>/<c>NOTIFY</c> (one for all backplane channels).
    /// Letters, digits and <c>_</c>, at most 63 characters. Default: <see cref="SchemaName"/>, so two applications with
    /// their own schemas in one database do not hear each other.
    /// </summary>
    public string? NotifyChannel { get; set; }

    /// <summary>
    /// How long a backplane message too large for a <c>NOTIFY</c> payload is kept for its receivers. Default 5 minutes;
    /// a receiver that falls further behind drops the message (and logs it).
    /// </summary>
    public TimeSpan PayloadRetention { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long opening a connection may take before a call fails with <see cref="McpGen.Sessions.McpStoreUnavailableException"/>
    /// (Npgsql <c>Timeout</c>, whole seconds). Default 5 seconds.
    /// </summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long one statement may run before a call fails with <see cref="McpGen.Sessions.McpStoreUnavailableException"/>
    /// (Npgsql <c>Command Timeout</c>, whole seconds). Default 10 seconds.
    /// </summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long the health checks (<c>mcpgen-session-store</c>, <c>mcpgen-backplane</c>) wait for the database before
    /// they report Unhealthy. Default 2 seconds: a readiness probe must answer well within its own timeout.
    /// </summary>
    public TimeSpan HealthCheckTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The <c>Retry-After</c> that requests failing during a database outage are answered with. Default 2 seconds.</summary>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The notify channel in effect: <see cref="NotifyChannel"/>, else <see cref="SchemaName"/>.</summary>
    internal string EffectiveNotifyChannel => string.IsNullOrEmpty(NotifyChannel) ? SchemaName : NotifyChannel;

    /// <summary>Checks the options; throws <see cref="ArgumentException"/> naming the first bad one and what to write instead.</summary>
    internal void Validate()
    {
        if (DataSource is null && string.IsNullOrWhiteSpace(ConnectionString))
        {
            throw new ArgumentException("PostgreSqlMcpOptions needs a ConnectionString or a DataSource.");
        }

        if (!IsIdentifier(SchemaName))
        {
            throw new ArgumentException($"PostgreSqlMcpOptions.SchemaName '{SchemaName}' is not a plain identifier: use letters, digits and '_', at most 63 characters, not starting with a digit.");
        }

        if (!IsIdentifier(EffectiveNotifyChannel))
        {
            throw new ArgumentException($"PostgreSqlMcpOptions.NotifyChannel '{NotifyChannel}' is not a plain identifier: use letters, digits and '_', at most 63 characters, not starting with a digit.");
        }

        Positive(CleanupInterval, nameof(CleanupInterval));
        Positive(PayloadRetention, nameof(PayloadRetention));
        Positive(ConnectTimeout, nameof(ConnectTimeout));
        Positive(CommandTimeout, nameof(CommandTimeout));
        Positive(RetryAfter, nameof(RetryAfter));
        Positive(HealthCheckTimeout, nameof(HealthCheckTimeout));
    }

    /// <summary>A shallow copy, so that later changes of the caller's instance do not reach a running store.</summary>
    internal PostgreSqlMcpOptions Clone() => (PostgreSqlMcpOptions)MemberwiseClone();

    private static void Positive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero)
        {
            throw new ArgumentException($"PostgreSqlMcpOptions.{name} must be positive (it is {value}).");
        }
    }

    private static bool IsIdentifier(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > 63 || char.IsAsciiDigit(name[0]))
        {
            return false;
        }

        foreach (char c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_')
            {
                return false;
            }
        }

        return true;
    }
}
