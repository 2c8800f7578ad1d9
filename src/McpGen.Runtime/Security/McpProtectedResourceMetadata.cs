using System;
using System.Buffers;
using System.Text.Json;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace McpGen.Security;

/// <summary>
/// Serves RFC 9728 Protected Resource Metadata for MCP endpoints. MapMcp calls <see cref="Attach"/>: it marks the MCP
/// routes (so <see cref="McpAuthorizationResultHandler"/> knows them) and, when <c>AddMcpAuthorization</c> was called,
/// maps the anonymous metadata routes: the path-inserted form <c>/.well-known/oauth-protected-resource{pattern}</c>
/// and, for the first MCP endpoint, the root form <c>/.well-known/oauth-protected-resource</c>.
/// </summary>
internal static class McpProtectedResourceMetadata
{
    public static IEndpointConventionBuilder Attach(IEndpointRouteBuilder endpoints, string pattern, IEndpointConventionBuilder mcp)
    {
        string path = "/" + pattern.Trim('/');
        bool parameterized = path.Contains('{', StringComparison.Ordinal);
        mcp.WithMetadata(new McpEndpointMetadata(parameterized ? null : path));
        if (endpoints.ServiceProvider.GetService<McpAuthorizationMarker>() is not { } marker)
        {
            return mcp;
        }

        // Fail at startup, not at the first request, when the options are wrong.
        _ = endpoints.ServiceProvider.GetRequiredService<IOptions<McpAuthorizationOptions>>().Value;
        if (path != "/")
        {
            endpoints.MapGet(McpAuthorizationChallenge.WellKnownPath + path, context => WriteAsync(context, null))
                .AllowAnonymous()
                .WithDisplayName($"MCP protected resource metadata {path}");
        }

        if (!parameterized && marker.ClaimRoot())
        {
            endpoints.MapGet(McpAuthorizationChallenge.WellKnownPath, context => WriteAsync(context, path == "/" ? "" : path))
                .AllowAnonymous()
                .WithDisplayName("MCP protected resource metadata (root)");
        }

        return mcp;
    }

    /// <summary>Writes the metadata; <paramref name="mcpPath"/> null = the MCP path is the request path after the well-known prefix.</summary>
    private static Task WriteAsync(HttpContext context, string? mcpPath)
    {
        McpAuthorizationOptions options = context.RequestServices.GetRequiredService<IOptions<McpAuthorizationOptions>>().Value;
        HttpRequest request = context.Request;
        string resource = options.Resource
            ?? request.Scheme + "://" + request.Host.ToUriComponent() + request.PathBase.ToUriComponent()
                + (mcpPath ?? request.Path.ToUriComponent()[McpAuthorizationChallenge.WellKnownPath.Length..]);

        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("resource", resource);
            WriteArray(json, "authorization_servers", options.AuthorizationServers);
            if (options.ScopesSupported.Count > 0)
            {
                WriteArray(json, "scopes_supported", options.ScopesSupported);
            }

            WriteArray(json, "bearer_methods_supported", options.BearerMethodsSupported.Count > 0 ? options.BearerMethodsSupported : ["header"]);
            if (options.ResourceName is { } name)
            {
                json.WriteString("resource_name", name);
            }

            if (options.ResourceDocumentation is { } docs)
            {
                json.WriteString("resource_documentation", docs);
            }

            json.WriteEndObject();
        }

        context.Response.Headers.CacheControl = "max-age=300";
        return McpGen.Http.McpResponses.WriteJsonAsync(context, StatusCodes.Status200OK, buffer.WrittenSpan);
    }

    private static void WriteArray(Utf8JsonWriter json, string name, System.Collections.Generic.IReadOnlyList<string> values)
    {
        json.WriteStartArray(name);
        foreach (string value in values)
        {
            json.WriteStringValue(value);
        }

        json.WriteEndArray();
    }
}
