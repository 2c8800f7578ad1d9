using System;
using System.Collections.Generic;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace McpGen;

/// <summary>
/// What an MCP endpoint that requires authorization tells clients (RFC 9728 Protected Resource Metadata and the
/// <c>WWW-Authenticate</c> challenge). Registered by <c>services.AddMcpAuthorization(...)</c>, bound from configuration by
/// <c>AddMcpAuthorization(builder.Configuration.GetSection("Mcp:Authorization"))</c> and validated at startup.
/// The runtime only describes the resource and shapes challenges: tokens are validated by the ASP.NET Core
/// authentication scheme (JwtBearer with the audience set to <see cref="Resource"/>) and are never passed on to anything.
/// </summary>
public sealed class McpAuthorizationOptions
{
    /// <summary>
    /// The canonical URI of the MCP server (RFC 8707 resource indicator, no fragment, no trailing slash), for example
    /// <c>https://mcp.example.com/mcp</c>. Set it behind proxies and whenever tokens carry it as their audience. When null,
    /// each request derives it from its own scheme, host, path base and the endpoint's path.
    /// </summary>
    public string? Resource { get; set; }

    /// <summary>The issuer URLs of the authorization servers that issue tokens for this resource (at least one).</summary>
    public List<string> AuthorizationServers { get; set; } = [];

    /// <summary>
    /// The scopes this resource understands: <c>scopes_supported</c> in the metadata, and the <c>scope</c> of the 401
    /// challenge unless <see cref="ChallengeScopes"/> is set. Empty: both are omitted.
    /// </summary>
    public List<string> ScopesSupported { get; set; } = [];

    /// <summary>
    /// The <c>scope</c> of the endpoint's 401 challenge: what a client should request first (least privilege; handlers
    /// with <c>[McpScope]</c> ask for more with a step-up 403). Null: <see cref="ScopesSupported"/>.
    /// </summary>
    public List<string>? ChallengeScopes { get; set; }

    /// <summary>How tokens may be presented: <c>bearer_methods_supported</c>. Default <c>["header"]</c>, which is what MCP requires of clients.</summary>
    public List<string> BearerMethodsSupported { get; set; } = ["header"];

    /// <summary>Optional human-readable name of the resource: <c>resource_name</c>.</summary>
    public string? ResourceName { get; set; }

    /// <summary>Optional URL of documentation for developers: <c>resource_documentation</c>.</summary>
    public string? ResourceDocumentation { get; set; }

    /// <summary>
    /// Reads the options from a configuration section (keys <c>Resource</c>, <c>AuthorizationServers</c>,
    /// <c>ScopesSupported</c>, <c>ChallengeScopes</c>, <c>BearerMethodsSupported</c>, <c>ResourceName</c>, <c>ResourceDocumentation</c>; lists as
    /// arrays). Present keys replace the current values. Reads keys directly, so it is trim- and AOT-safe.
    /// </summary>
    public void Bind(IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(section);
        Resource = section[nameof(Resource)] ?? Resource;
        ResourceName = section[nameof(ResourceName)] ?? ResourceName;
        ResourceDocumentation = section[nameof(ResourceDocumentation)] ?? ResourceDocumentation;
        AuthorizationServers = ReadList(section, nameof(AuthorizationServers)) ?? AuthorizationServers;
        ScopesSupported = ReadList(section, nameof(ScopesSupported)) ?? ScopesSupported;
        ChallengeScopes = ReadList(section, nameof(ChallengeScopes)) ?? ChallengeScopes;
        BearerMethodsSupported = ReadList(section, nameof(BearerMethodsSupported)) ?? BearerMethodsSupported;
    }

    private static List<string>? ReadList(IConfiguration section, string key)
    {
        IConfigurationSection list = section.GetSection(key);
        if (list.Value is { Length: > 0 } single)
        {
            // A plain string: space-separated values ("AuthorizationServers": "https://a https://b").
            return [.. single.Split(' ', StringSplitOptions.RemoveEmptyEntries)];
        }

        var values = new List<string>();
        foreach (IConfigurationSection child in list.GetChildren())
        {
            if (child.Value is { Length: > 0 } value)
            {
                values.Add(value);
            }
        }

        return values.Count == 0 ? null : values;
    }
}

/// <summary>Startup validation of <see cref="McpAuthorizationOptions"/>: every problem in one message, with the fix.</summary>
internal sealed class McpAuthorizationOptionsValidator : IValidateOptions<McpAuthorizationOptions>
{
    public ValidateOptionsResult Validate(string? name, McpAuthorizationOptions options)
    {
        var errors = new List<string>();
        if (options.Resource is { } resource
            && (!Uri.TryCreate(resource, UriKind.Absolute, out Uri? uri) || !IsHttp(uri) || uri.Fragment.Length > 0))
        {
            errors.Add($"McpAuthorizationOptions.Resource '{resource}' is not an absolute http(s) URI without a fragment. "
                + "Set it to the MCP endpoint's public URL (e.g. https://mcp.example.com/mcp), or leave it unset to derive it from each request.");
        }

        if (options.AuthorizationServers is not { Count: > 0 })
        {
            errors.Add("McpAuthorizationOptions.AuthorizationServers is empty. List at least one authorization server issuer URL "
                + "(e.g. \"Mcp:Authorization:AuthorizationServers:0\": \"https://login.example.com\"): MCP clients find where to get tokens through it.");
        }
        else
        {
            foreach (string server in options.AuthorizationServers)
            {
                if (!Uri.TryCreate(server, UriKind.Absolute, out Uri? issuer) || !IsHttp(issuer) || issuer.Query.Length > 0 || issuer.Fragment.Length > 0)
                {
                    errors.Add($"McpAuthorizationOptions.AuthorizationServers has '{server}', which is not an issuer URL "
                        + "(absolute http(s), no query, no fragment; RFC 8414). Use the issuer exactly as the authorization server's metadata states it.");
                }
            }
        }

        foreach (string scope in options.ScopesSupported ?? [])
        {
            if (scope.Length == 0 || scope.AsSpan().IndexOfAny(" \"\\") >= 0)
            {
                errors.Add($"McpAuthorizationOptions.ScopesSupported has '{scope}': a scope is one non-empty token without spaces, quotes or backslashes (RFC 6749 section 3.3).");
            }
        }

        foreach (string method in options.BearerMethodsSupported ?? [])
        {
            if (method is not ("header" or "body"))
            {
                errors.Add($"McpAuthorizationOptions.BearerMethodsSupported has '{method}'. Use \"header\" (what MCP clients send); "
                    + "\"query\" is not allowed: MCP forbids access tokens in the URI.");
            }
        }

        if (options.ResourceDocumentation is { } docs && !Uri.TryCreate(docs, UriKind.Absolute, out _))
        {
            errors.Add($"McpAuthorizationOptions.ResourceDocumentation '{docs}' is not an absolute URL.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static bool IsHttp(Uri uri) => uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp;
}
