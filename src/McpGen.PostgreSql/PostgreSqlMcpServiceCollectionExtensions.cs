using System;
using McpGen.PostgreSql;
using McpGen.Sessions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using McpGen.ClientInput;
using McpGen.Dispatch;
using McpGen.Http;
using McpGen.Streaming;

namespace McpGen;

/// <summary>Registers the PostgreSQL session store and backplane of store-backed McpGen servers.</summary>
public static class PostgreSqlMcpServiceCollectionExtensions
{
    /// <summary>
    /// Makes PostgreSQL the <see cref="IMcpSessionStore"/>, <see cref="IMcpBackplane"/> and task store
    /// (<see cref="McpGen.Tasks.IMcpTaskStore"/>, tasks of servers of every session mode) of this application (replacing
    /// the in-memory ones, whether this is called before or after <c>AddMcpServer</c>), and runs a background cleanup of
    /// expired sessions. Registers the health checks <c>mcpgen-session-store</c> and <c>mcpgen-backplane</c> (tag
    /// <c>ready</c>, see <see cref="McpHealthChecks"/>): Unhealthy while the database is unreachable, for a readiness
    /// probe. Nothing connects until the first request: the tables are created then, unless
    /// <see cref="PostgreSqlMcpOptions.AutoCreateSchema"/> is off.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="connectionString">An Npgsql connection string, e.g. <c>Host=db;Database=app;Username=app;Password=...</c>.</param>
    /// <param name="configure">Optional changes to <see cref="PostgreSqlMcpOptions"/> (schema, cleanup, timeouts).</param>
    /// <exception cref="ArgumentException">An option is invalid; the message names it and what to write instead.</exception>
    public static IServiceCollection AddMcpGenPostgreSql(this IServiceCollection services, string connectionString, Action<PostgreSqlMcpOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var options = new PostgreSqlMcpOptions { ConnectionString = connectionString };
        configure?.Invoke(options);
        return services.AddMcpGenPostgreSql(options);
    }

    /// <summary>
    /// Like <see cref="AddMcpGenPostgreSql(IServiceCollection, string, Action{PostgreSqlMcpOptions}?)"/>, on a data source the
    /// application already built (its pool, credentials and timeouts are used as they are, and it is not disposed here).
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="dataSource">The application's Npgsql data source.</param>
    /// <param name="configure">Optional changes to <see cref="PostgreSqlMcpOptions"/>.</param>
    public static IServiceCollection AddMcpGenPostgreSql(this IServiceCollection services, NpgsqlDataSource dataSource, Action<PostgreSqlMcpOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(dataSource);
        var options = new PostgreSqlMcpOptions { DataSource = dataSource };
        configure?.Invoke(options);
        return services.AddMcpGenPostgreSql(options);
    }

    /// <summary>
    /// <see cref="AddMcpGenPostgreSql(IServiceCollection, string, Action{PostgreSqlMcpOptions}?)"/> in builder form:
    /// <c>builder.Services.AddMcpServer&lt;Notes&gt;().WithPostgreSqlStore(connectionString)</c>. The store and backplane
    /// are the application's (every store-backed server of it shares them, each session keyed by its own id).
    /// </summary>
    public static McpServerBuilder WithPostgreSqlStore(this McpServerBuilder builder, string connectionString, Action<PostgreSqlMcpOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddMcpGenPostgreSql(connectionString, configure);
        return builder;
    }

    /// <summary>The builder form of the data-source overload of <c>AddMcpGenPostgreSql</c>.</summary>
    public static McpServerBuilder WithPostgreSqlStore(this McpServerBuilder builder, NpgsqlDataSource dataSource, Action<PostgreSqlMcpOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddMcpGenPostgreSql(dataSource, configure);
        return builder;
    }

    private static IServiceCollection AddMcpGenPostgreSql(this IServiceCollection services, PostgreSqlMcpOptions options)
    {
        options = options.Clone();
        options.Validate();

        // Calling this twice keeps only the last configuration; the in-memory defaults go whatever the order, because
        // they are registered with TryAdd.
        services.RemoveAll<PostgreSqlMcpDatabase>();
        services.RemoveAll<PostgreSqlMcpSessionStore>();
        services.RemoveAll<PostgreSqlMcpBackplane>();
        services.RemoveAll<IMcpSessionStore>();
        services.RemoveAll<IMcpBackplane>();
        services.RemoveAll<PostgreSqlMcpTaskStore>();
        services.RemoveAll<McpGen.Tasks.IMcpTaskStore>();

        services.AddSingleton(sp => new PostgreSqlMcpDatabase(options, sp.GetService<ILoggerFactory>()));
        services.AddSingleton(sp => new PostgreSqlMcpSessionStore(sp.GetRequiredService<PostgreSqlMcpDatabase>()));
        services.AddSingleton(sp => new PostgreSqlMcpBackplane(
            sp.GetRequiredService<PostgreSqlMcpDatabase>(),
            sp.GetService<ILoggerFactory>()?.CreateLogger<PostgreSqlMcpBackplane>()));
        services.AddSingleton<IMcpSessionStore>(sp => sp.GetRequiredService<PostgreSqlMcpSessionStore>());
        services.AddSingleton<IMcpBackplane>(sp => sp.GetRequiredService<PostgreSqlMcpBackplane>());
        services.AddSingleton(sp => new PostgreSqlMcpTaskStore(sp.GetRequiredService<PostgreSqlMcpDatabase>()));
        services.AddSingleton<McpGen.Tasks.IMcpTaskStore>(sp => sp.GetRequiredService<PostgreSqlMcpTaskStore>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, PostgreSqlMcpCleanupService>());

        // Readiness: mcpgen-session-store and mcpgen-backplane ask the PostgreSQL store and backplane (tags "ready", "mcpgen").
        services.AddHealthChecks().AddMcpGenChecks();
        return services;
    }
}
