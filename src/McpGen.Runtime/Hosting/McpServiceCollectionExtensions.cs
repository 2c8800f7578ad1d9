using System;
using McpGen.Sessions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using McpGen.ClientInput;
using McpGen.Dispatch;
using McpGen.Http;
using McpGen.Streaming;

namespace McpGen;

/// <summary>Registers McpGen servers with the service collection.</summary>
public static class McpServiceCollectionExtensions
{
    /// <summary>
    /// Registers the services the <typeparamref name="TServer"/> endpoint needs. The server class itself is not
    /// registered: it is created per call by generated code, its constructor parameters resolved from the request's services.
    /// </summary>
    /// <typeparam name="TServer">A <c>partial</c> class marked <see cref="McpServerAttribute"/>.</typeparam>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Optional configuration of <see cref="McpServerOptions"/>.</param>
    public static IServiceCollection AddMcpServer<TServer>(this IServiceCollection services, Action<McpServerOptions>? configure = null)
        where TServer : class, IMcpServer
    {
        ArgumentNullException.ThrowIfNull(services);
        AddMcpServerCore(services, configure);
        services.TryAddSingleton<McpChangeNotifier<TServer>>();
        return services;
    }

    /// <summary>
    /// Registers the services every McpGen endpoint shares (idempotent), including ASP.NET Core Data Protection, which
    /// seals the <c>requestState</c> of multi round-trip requests. Configure its key ring as usual
    /// (<c>services.AddDataProtection().PersistKeysTo...</c>) so that every replica accepts the state another one issued.
    /// </summary>
    public static IServiceCollection AddMcpServerCore(this IServiceCollection services, Action<McpServerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<McpServerOptions>();
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.TryAddSingleton<IMcpSessionStore, InMemoryMcpSessionStore>();
        services.TryAddSingleton<IMcpBackplane, InMemoryMcpBackplane>();
        services.AddDataProtection();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<PendingClientRequests>();
        services.TryAddSingleton<McpEndpointServices>();
        McpHealthChecks.AddDrainAndChecks(services);
        return services;
    }
}
