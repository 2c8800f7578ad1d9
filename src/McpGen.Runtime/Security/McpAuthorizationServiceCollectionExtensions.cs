using System;
using System.Linq;
using McpGen.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace McpGen;

/// <summary>Registers MCP authorization: Protected Resource Metadata and the spec's 401/403 challenges.</summary>
public static class McpAuthorizationServiceCollectionExtensions
{
    /// <summary>
    /// Turns on MCP authorization for every endpoint <c>MapMcp</c> maps afterwards: it serves RFC 9728 metadata at
    /// <c>/.well-known/oauth-protected-resource/{path}</c> and <c>/.well-known/oauth-protected-resource</c> (anonymous),
    /// and makes the 401/403 of <c>RequireAuthorization()</c> carry the MCP <c>WWW-Authenticate</c> parameters and a
    /// JSON-RPC error body. Authentication itself stays the application's (e.g. <c>AddAuthentication().AddJwtBearer(...)</c>
    /// with the audience set to the resource). The options are validated at startup.
    /// </summary>
    /// <remarks>
    /// An application's own <see cref="IAuthorizationMiddlewareResultHandler"/> registered before this call is wrapped,
    /// not replaced. McpGen never forwards the caller's token: handlers that call other APIs need their own credentials.
    /// </remarks>
    public static IServiceCollection AddMcpAuthorization(this IServiceCollection services, Action<McpAuthorizationOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        AddCore(services).Configure(configure);
        return services;
    }

    /// <summary>
    /// <see cref="AddMcpAuthorization(IServiceCollection, Action{McpAuthorizationOptions})"/> with the options read from
    /// <paramref name="configuration"/> (e.g. <c>builder.Configuration.GetSection("Mcp:Authorization")</c>), then
    /// <paramref name="configure"/>.
    /// </summary>
    public static IServiceCollection AddMcpAuthorization(this IServiceCollection services, IConfiguration configuration, Action<McpAuthorizationOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        OptionsBuilder<McpAuthorizationOptions> options = AddCore(services).Configure(o => o.Bind(configuration));
        if (configure is not null)
        {
            options.Configure(configure);
        }

        return services;
    }

    private static OptionsBuilder<McpAuthorizationOptions> AddCore(IServiceCollection services)
    {
        OptionsBuilder<McpAuthorizationOptions> options = services.AddOptions<McpAuthorizationOptions>();
        if (services.Any(d => d.ServiceType == typeof(McpAuthorizationMarker)))
        {
            return options;
        }

        services.AddSingleton<McpAuthorizationMarker>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<McpAuthorizationOptions>, McpAuthorizationOptionsValidator>());
        options.ValidateOnStart();

        ServiceDescriptor? previous = services.LastOrDefault(d => d.ServiceType == typeof(IAuthorizationMiddlewareResultHandler) && !d.IsKeyedService);
        services.RemoveAll<IAuthorizationMiddlewareResultHandler>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler>(provider => new McpAuthorizationResultHandler(Inner(provider, previous)));
        return options;
    }

    private static IAuthorizationMiddlewareResultHandler Inner(IServiceProvider provider, ServiceDescriptor? previous)
        => previous switch
        {
            null => new AuthorizationMiddlewareResultHandler(),
            { ImplementationInstance: IAuthorizationMiddlewareResultHandler instance } => instance,
            { ImplementationFactory: { } factory } => (IAuthorizationMiddlewareResultHandler)factory(provider),
            { ImplementationType: { } type } => (IAuthorizationMiddlewareResultHandler)ActivatorUtilities.CreateInstance(provider, type),
            _ => new AuthorizationMiddlewareResultHandler(),
        };
}
