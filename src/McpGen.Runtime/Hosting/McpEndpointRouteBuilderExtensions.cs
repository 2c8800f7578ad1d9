using System;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
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
        // Marks the routes as MCP and, after AddMcpAuthorization, maps the RFC 9728 metadata beside them (Security/).
        => McpGen.Security.McpProtectedResourceMetadata.Attach(endpoints, pattern, MapMcpRoutes(endpoints, pattern, definition));

    private static IEndpointConventionBuilder MapMcpRoutes(IEndpointRouteBuilder endpoints, string pattern, McpServerDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(definition);
        McpEndpointServices shared = McpEndpointServices.Create(endpoints.ServiceProvider, definition.Name)
            ?? throw new InvalidOperationException(
                $"McpGen services are not registered. Call builder.Services.AddMcpServer<{definition.Name}>() before app.MapMcp(...).");
        McpStartupValidation.Validate(definition, endpoints.ServiceProvider, shared.SerializerOptions, shared.Options.SerializerOptions is not null);
        McpAuthorizationValidation.Validate(definition, endpoints.ServiceProvider);
        var endpoint = new McpEndpoint(definition, shared);
        endpoints.ServiceProvider.GetService<Microsoft.Extensions.Hosting.IHostApplicationLifetime>()?.ApplicationStopped
            .Register(static state => ((McpEndpoint)state!).DisposeAsync().AsTask().GetAwaiter().GetResult(), endpoint);
        string messagePath = pattern.TrimEnd('/') + "/message";
        if (!definition.LegacySse)
        {
            if (!shared.Options.ServeStreamableHttpOnSsePath)
            {
                return endpoints.Map(pattern, endpoint.HandleAsync)
                    .WithDisplayName($"MCP {definition.Name}");
            }

            // Opt-in: {pattern}/sse is a second URL of the same Streamable HTTP endpoint (one group, so conventions apply to both).
            RouteGroupBuilder streamable = endpoints.MapGroup(pattern);
            streamable.Map("", endpoint.HandleAsync).WithDisplayName($"MCP {definition.Name}");
            streamable.Map("/sse", endpoint.HandleAsync).WithDisplayName($"MCP {definition.Name} (Streamable HTTP on /sse)");
            return streamable;
        }

        // The deprecated HTTP+SSE transport beside Streamable HTTP: one group, so conventions apply to all three routes.
        // GET {pattern}/sse without Mcp-Session-Id opens an HTTP+SSE stream; anything else sent there is a client mixing
        // up the transports (HandleSsePathAsync: 405 with a JSON-RPC error, or Streamable HTTP when opted in).
        RouteGroupBuilder group = endpoints.MapGroup(pattern);
        group.Map("", endpoint.HandleAsync).WithDisplayName($"MCP {definition.Name}");
        group.Map("/sse", context => HttpMethods.IsGet(context.Request.Method) && !context.Request.Headers.ContainsKey("Mcp-Session-Id")
                ? endpoint.HandleLegacySseOpenAsync(context, messagePath)
                : endpoint.HandleSsePathAsync(context, messagePath))
            .WithDisplayName($"MCP {definition.Name} HTTP+SSE stream");
        group.MapPost("/message", endpoint.HandleLegacySseMessageAsync).WithDisplayName($"MCP {definition.Name} HTTP+SSE messages");
        return group;
    }
}
