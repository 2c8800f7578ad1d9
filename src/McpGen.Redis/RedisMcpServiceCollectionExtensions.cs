using System;
using McpGen.Redis;
using McpGen.Sessions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace McpGen;

/// <summary>Registers the Redis session store and backplane of store-backed McpGen servers.</summary>
public static class RedisMcpServiceCollectionExtensions
{
    /// <summary>
    /// Makes Redis the <see cref="IMcpSessionStore"/>, <see cref="IMcpBackplane"/> and task store
    /// (<see cref="McpGen.Tasks.IMcpTaskStore"/>, tasks of servers of every session mode) of this application (replacing the
    /// in-memory ones, whether this is called before or after <c>AddMcpServer</c>), and runs a background cleanup of
    /// expired sessions. Registers the health checks <c>mcpgen-session-store</c> and <c>mcpgen-backplane</c> (tag
    /// <c>ready</c>, see <see cref="McpHealthChecks"/>): Unhealthy while Redis is unreachable, for a readiness probe.
    /// Nothing connects until the first request; a replica starts while Redis is down and connects once it is back.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">A StackExchange.Redis configuration string, e.g. <c>127.0.0.1:6379</c> or <c>redis:6379,password=...</c>.</param>
    /// <param name="configure">Optional changes to <see cref="RedisMcpOptions"/> (key prefix, timeouts, cleanup).</param>
    /// <exception cref="ArgumentException">An option is invalid; the message names it and what to write instead.</exception>
    public static IServiceCollection AddMcpGenRedis(this IServiceCollection services, string configuration, Action<RedisMcpOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(configuration);
        var options = new RedisMcpOptions { Configuration = configuration };
        configure?.Invoke(options);
        options = options.Clone();
        options.Validate();
        return services.AddMcpGenRedisCore(_ => options);
    }

    /// <summary>
    /// Like <see cref="AddMcpGenRedis(IServiceCollection, string, Action{RedisMcpOptions}?)"/>, on the
    /// <see cref="IConnectionMultiplexer"/> the application registered in DI (shared with its cache or SignalR; used as it
    /// is, not disposed here). The options are checked when the application starts.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Optional changes to <see cref="RedisMcpOptions"/>.</param>
    public static IServiceCollection AddMcpGenRedis(this IServiceCollection services, Action<RedisMcpOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        return services.AddMcpGenRedisCore(sp =>
        {
            var options = new RedisMcpOptions
            {
                ConnectionMultiplexer = sp.GetService<IConnectionMultiplexer>()
                    ?? throw new InvalidOperationException("AddMcpGenRedis() without a configuration string takes the IConnectionMultiplexer from DI, and none is registered: register one (services.AddSingleton<IConnectionMultiplexer>(...)) or call AddMcpGenRedis(\"host:6379\")."),
            };
            configure?.Invoke(options);
            options = options.Clone();
            options.Validate();
            return options;
        });
    }

    /// <summary>
    /// <see cref="AddMcpGenRedis(IServiceCollection, string, Action{RedisMcpOptions}?)"/> in builder form:
    /// <c>builder.Services.AddMcpServer&lt;Notes&gt;().WithRedisStore("127.0.0.1:6379")</c>. The store and backplane are
    /// the application's (every store-backed server of it shares them, each session keyed by its own id).
    /// </summary>
    public static McpServerBuilder WithRedisStore(this McpServerBuilder builder, string configuration, Action<RedisMcpOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddMcpGenRedis(configuration, configure);
        return builder;
    }

    /// <summary>The builder form of the DI-multiplexer overload of <c>AddMcpGenRedis</c>.</summary>
    public static McpServerBuilder WithRedisStore(this McpServerBuilder builder, Action<RedisMcpOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddMcpGenRedis(configure);
        return builder;
    }

    private static IServiceCollection AddMcpGenRedisCore(this IServiceCollection services, Func<IServiceProvider, RedisMcpOptions> options)
    {
        // Calling this twice keeps only the last configuration; the in-memory defaults go whatever the order, because
        // they are registered with TryAdd.
        services.RemoveAll<RedisMcpConnection>();
        services.RemoveAll<RedisMcpSessionStore>();
        services.RemoveAll<RedisMcpBackplane>();
        services.RemoveAll<IMcpSessionStore>();
        services.RemoveAll<IMcpBackplane>();
        services.RemoveAll<RedisMcpTaskStore>();
        services.RemoveAll<McpGen.Tasks.IMcpTaskStore>();
        services.RemoveAll<RedisOptionsCheck>();

        services.AddSingleton(sp => new RedisMcpConnection(options(sp)));
        services.AddSingleton(sp => new RedisMcpSessionStore(sp.GetRequiredService<RedisMcpConnection>()));
        services.AddSingleton(sp => new RedisMcpBackplane(
            sp.GetRequiredService<RedisMcpConnection>(),
            sp.GetService<ILoggerFactory>()?.CreateLogger<RedisMcpBackplane>()));
        services.AddSingleton<IMcpSessionStore>(sp => sp.GetRequiredService<RedisMcpSessionStore>());
        services.AddSingleton<IMcpBackplane>(sp => sp.GetRequiredService<RedisMcpBackplane>());
        services.AddSingleton(sp => new RedisMcpTaskStore(sp.GetRequiredService<RedisMcpConnection>()));
        services.AddSingleton<McpGen.Tasks.IMcpTaskStore>(sp => sp.GetRequiredService<RedisMcpTaskStore>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, RedisMcpCleanupService>());

        // ValidateOnStart: a bad option (or a missing DI multiplexer) fails the start, naming the setting, not the first request.
        services.AddSingleton<RedisOptionsCheck>();
        services.AddOptions<RedisOptionsCheck.Marker>().Validate<RedisOptionsCheck>(static (_, check) => check.Run()).ValidateOnStart();

        // Readiness: mcpgen-session-store and mcpgen-backplane ask the Redis store and backplane (tags "ready", "mcpgen").
        services.AddHealthChecks().AddMcpGenChecks();
        return services;
    }

    /// <summary>Builds the connection (which checks the options) when the application starts; building connects nothing.</summary>
    private sealed class RedisOptionsCheck(IServiceProvider services)
    {
        public bool Run()
        {
            _ = services.GetRequiredService<RedisMcpConnection>();
            return true;
        }

        public sealed class Marker;
    }
}
