using System;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using McpGen.ClientInput;
using McpGen.Dispatch;
using McpGen.Http;
using McpGen.Streaming;

namespace McpGen;

/// <summary>Maps McpGen servers to endpoints.</summary>
public static class McpEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Serves <typeparamref name="TServer"/> over MCP Streamable HTTP at <paramref name="pattern"/>, for every client era.
    /// </summary>
    /// <returns>The endpoint's convention builder: chain <c>RequireAuthorization()</c>, CORS or rate limiting as usual.</returns>
    public static IEndpointConventionBuilder MapMcp<TServer>(this IEndpointRouteBuilder endpoints, string pattern)
        where TServer : class, IMcpServer
        => endpoints.MapMcp(pattern, TServer.Definition);

    /// <summary>Serves the server described by <paramref name="definition"/> at <paramref name="pattern"/>.</summary>
    /// <exception cref="InvalidOperationException">
    /// A service a handler or the server constructor requires is not registered, or a complex argument or result type is
    /// unknown to the JSON options (<see cref="McpServerDefinition.Requirements"/>); the message lists every one and its fix.
    /// </exception>
    public static IEndpointConventionBuilder MapMcp(this IEndpointRouteBuilder endpoints, string pattern, McpServerDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(definition);
        McpEndpointServices shared = endpoints.ServiceProvider.GetService<McpEndpointServices>()
            ?? throw new InvalidOperationException(
                $"McpGen services are not registered. Call builder.Services.AddMcpServer<{definition.Name}>() before app.MapMcp(...).");
        McpStartupValidation.Validate(definition, endpoints.ServiceProvider, shared.SerializerOptions, shared.Options.SerializerOptions is not null);
        var endpoint = new McpEndpoint(definition, shared);
        endpoints.ServiceProvider.GetService<Microsoft.Extensions.Hosting.IHostApplicationLifetime>()?.ApplicationStopped
            .Register(static state => ((McpEndpoint)state!).DisposeAsync().AsTask().GetAwaiter().GetResult(), endpoint);
        if (!definition.LegacySse)
        {
            return endpoints.Map(pattern, endpoint.HandleAsync)
                .WithDisplayName($"MCP {definition.Name}");
        }

        // The deprecated HTTP+SSE transport beside Streamable HTTP: one group, so conventions apply to all three routes.
        RouteGroupBuilder group = endpoints.MapGroup(pattern);
        string messagePath = pattern.TrimEnd('/') + "/message";
        group.Map("", endpoint.HandleAsync).WithDisplayName($"MCP {definition.Name}");
        group.MapGet("/sse", context => endpoint.HandleLegacySseOpenAsync(context, messagePath)).WithDisplayName($"MCP {definition.Name} HTTP+SSE stream");
        group.MapPost("/message", endpoint.HandleLegacySseMessageAsync).WithDisplayName($"MCP {definition.Name} HTTP+SSE messages");
        return group;
    }
}
