using McpGen;
using Microsoft.AspNetCore.Authentication.JwtBearer;

namespace SecuredServer;

/// <summary>How the secured sample registers and maps itself (also used by the integration tests).</summary>
public static class SecuredServerServices
{
    /// <summary>
    /// JwtBearer that accepts only tokens issued by the configured authorization server for this resource (RFC 8707
    /// audience), plus the MCP authorization metadata from <c>Mcp:Authorization</c>.
    /// </summary>
    public static IServiceCollection AddSecuredServer(this IServiceCollection services, IConfiguration configuration)
    {
        IConfigurationSection mcp = configuration.GetSection("Mcp:Authorization");
        var options = new McpAuthorizationOptions();
        options.Bind(mcp);
        string resource = options.Resource
            ?? throw new InvalidOperationException("Set Mcp:Authorization:Resource to this server's public MCP URL (e.g. https://mcp.example.com/mcp): tokens must be issued for it.");
        string issuer = options.AuthorizationServers.FirstOrDefault()
            ?? throw new InvalidOperationException("Set Mcp:Authorization:AuthorizationServers:0 to the issuer URL of the authorization server.");

        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer(jwt =>
            {
                // Discovery and signing keys from the issuer's metadata; the audience must be this resource (RFC 8707).
                jwt.Authority = issuer;
                jwt.Audience = resource;
                jwt.RequireHttpsMetadata = !bool.TryParse(configuration["Mcp:Authorization:RequireHttpsMetadata"], out bool https) || https;
                jwt.MapInboundClaims = false;
                jwt.TokenValidationParameters.ValidIssuer = issuer;
            });
        services.AddAuthorization();
        services.AddMcpAuthorization(mcp);
        services.AddMcpServer<NotesServer>();
        return services;
    }

    /// <summary>Maps the MCP endpoint (authorization required) and, through AddMcpAuthorization, its anonymous metadata.</summary>
    public static IEndpointConventionBuilder MapSecuredServer(this IEndpointRouteBuilder endpoints, string pattern = "/mcp")
        => endpoints.MapMcp<NotesServer>(pattern).RequireAuthorization();
}
