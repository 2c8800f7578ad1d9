using System;
using McpGen.Sessions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
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
    /// <param name="configure">Optional configuration of this server's <see cref="McpServerOptions"/>.</param>
    /// <returns>The server's builder: <c>.Configure(...)</c>, <c>.BindConfiguration("Mcp:Weather")</c>, store registrations.</returns>
    public static McpServerBuilder AddMcpServer<TServer>(this IServiceCollection services, Action<McpServerOptions>? configure = null)
        where TServer : class, IMcpServer
    {
        ArgumentNullException.ThrowIfNull(services);
        AddMcpServerCore(services);
        services.TryAddSingleton<McpChangeNotifier<TServer>>();
        string name = TServer.Definition.Name;
        services.AddOptions<McpServerOptions>(name).ValidateOnStart();
        services.AddSingleton(new McpServerRegistration(name));
        var builder = new McpServerBuilder(services, name);
        if (configure is not null)
        {
            builder.Configure(configure);
        }

        return builder;
    }

    /// <summary>
    /// Registers the services every McpGen endpoint shares (idempotent), including ASP.NET Core Data Protection, which
    /// seals the <c>requestState</c> of multi round-trip requests. Configure its key ring as usual
    /// (<c>services.AddDataProtection().PersistKeysTo...</c>) so that every replica accepts the state another one issued.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Optional options for every server of the application (each server's own apply after).</param>
    public static IServiceCollection AddMcpServerCore(this IServiceCollection services, Action<McpServerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<McpServerOptions>();
        if (configure is not null)
        {
            services.ConfigureAll(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<McpServerOptions>, McpServerOptionsValidator>());
        services.TryAddSingleton<IMcpSessionStore, InMemoryMcpSessionStore>();
        services.TryAddSingleton<IMcpBackplane, InMemoryMcpBackplane>();
        services.TryAddSingleton<McpGen.Tasks.IMcpTaskStore, McpGen.Tasks.InMemoryMcpTaskStore>();
        services.AddDataProtection();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<PendingClientRequests>();
        McpHealthChecks.AddDrainAndChecks(services);
        return services;
    }
}
