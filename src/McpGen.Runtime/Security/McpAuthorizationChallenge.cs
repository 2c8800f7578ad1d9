using System;
using System.Collections.Generic;
using System.Text;
using System.Threading.Tasks;
using McpGen.Http;
using McpGen.Protocol;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace McpGen;

/// <summary>
/// The MCP authorization answers of an endpoint: the 401 challenge that points at the Protected Resource Metadata
/// (RFC 9728 section 5.1) and the 403 <c>insufficient_scope</c> step-up (RFC 6750 section 3.1), both with an exact
/// JSON-RPC error body (code -32000, the transport-level code of this runtime; -32001 is the TypeScript SDK's
/// <c>RequestTimeout</c>, so it is not used). Per-handler checks call <see cref="WriteInsufficientScopeAsync"/>.
/// </summary>
public static class McpAuthorizationChallenge
{
    /// <summary>The well-known path prefix of RFC 9728 metadata.</summary>
    public const string WellKnownPath = "/.well-known/oauth-protected-resource";

    /// <summary>
    /// Answers 403 with <c>WWW-Authenticate: Bearer error="insufficient_scope", scope="&lt;scopes&gt;", resource_metadata="&lt;url&gt;"</c>
    /// and a JSON-RPC error for the request (<paramref name="rawRequestId"/>: the id as raw JSON, empty for <c>null</c>).
    /// Call it before the response has started (a handler's required scope is missing at call time). Does nothing if the
    /// response has started.
    /// </summary>
    /// <param name="context">The request of the MCP endpoint.</param>
    /// <param name="scopes">The scopes the request needs (all of them, not only the missing ones: clients request exactly these).</param>
    /// <param name="rawRequestId">The JSON-RPC id as raw JSON bytes (<c>1</c>, <c>"a"</c>); empty means <c>"id": null</c>.</param>
    public static Task WriteInsufficientScopeAsync(HttpContext context, IReadOnlyList<string> scopes, ReadOnlySpan<byte> rawRequestId = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(scopes);
        if (context.Response.HasStarted)
        {
            return Task.CompletedTask;
        }

        context.Response.Headers.WWWAuthenticate = InsufficientScopeHeader(context, scopes);
        return McpResponses.WriteErrorAsync(context, rawRequestId, InsufficientScopeError(scopes, "This request"), Logger(context));
    }

    /// <summary>The <c>WWW-Authenticate</c> value of a step-up 403: <c>Bearer error="insufficient_scope", scope="...", resource_metadata="..."</c>.</summary>
    public static string InsufficientScopeHeader(HttpContext context, IReadOnlyList<string> scopes)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(scopes);
        var header = new StringBuilder("Bearer error=\"insufficient_scope\"");
        if (scopes.Count > 0)
        {
            AppendParameter(header, "scope", string.Join(' ', scopes));
        }

        if (ResourceMetadataUrl(context) is { } metadata)
        {
            AppendParameter(header, "resource_metadata", metadata);
        }

        return header.ToString();
    }

    /// <summary>
    /// The absolute URL of the endpoint's Protected Resource Metadata: from <see cref="McpAuthorizationOptions.Resource"/>
    /// when set (<c>https://host/.well-known/oauth-protected-resource/path</c>), else from the request. Null when
    /// <c>AddMcpAuthorization</c> was not called.
    /// </summary>
    public static string? ResourceMetadataUrl(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        McpAuthorizationOptions? options = Options(context);
        if (options is null)
        {
            return null;
        }

        if (options.Resource is { } configured && Uri.TryCreate(configured, UriKind.Absolute, out Uri? resource))
        {
            string path = resource.AbsolutePath.TrimEnd('/');
            return resource.GetLeftPart(UriPartial.Authority) + WellKnownPath + path;
        }

        HttpRequest request = context.Request;
        return request.Scheme + "://" + request.Host.ToUriComponent() + request.PathBase.ToUriComponent() + WellKnownPath + McpPath(context);
    }

    /// <summary>The canonical resource URI of the endpoint this request reached (configured, or derived from the request).</summary>
    public static string ResourceUri(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (Options(context)?.Resource is { } configured)
        {
            return configured;
        }

        HttpRequest request = context.Request;
        return request.Scheme + "://" + request.Host.ToUriComponent() + request.PathBase.ToUriComponent() + McpPath(context);
    }

    /// <summary>
    /// Turns the 401 the authentication scheme wrote into the MCP challenge: adds <c>resource_metadata</c> and
    /// <c>scope</c> to its Bearer challenge (keeping <c>error="invalid_token"</c> and the rest), or adds a Bearer
    /// challenge when the scheme wrote none, then writes the JSON-RPC error body.
    /// </summary>
    internal static Task CompleteUnauthorizedAsync(HttpContext context)
    {
        if (context.Response.HasStarted)
        {
            return Task.CompletedTask;
        }

        McpAuthorizationOptions? options = Options(context);
        bool invalidToken = AddChallengeParameters(context, options?.ChallengeScopes ?? options?.ScopesSupported ?? []);
        return McpResponses.WriteErrorAsync(context, default, UnauthorizedError(context, invalidToken, what: "this MCP endpoint"), Logger(context));
    }

    /// <summary>
    /// Adds <c>resource_metadata</c> (when <c>AddMcpAuthorization</c> was called) and <c>scope</c> to the Bearer challenge
    /// the authentication scheme wrote, keeping its own parameters, or adds a Bearer challenge when it wrote none.
    /// Returns whether the scheme rejected a token (<c>error="invalid_token"</c>).
    /// </summary>
    internal static bool AddChallengeParameters(HttpContext context, IReadOnlyList<string> scopes)
    {
        HttpResponse response = context.Response;
        var ours = new StringBuilder();
        if (ResourceMetadataUrl(context) is { } metadata)
        {
            AppendParameter(ours, "resource_metadata", metadata);
        }

        if (scopes.Count > 0)
        {
            AppendParameter(ours, "scope", string.Join(' ', scopes));
        }

        string[] existing = response.Headers.WWWAuthenticate.ToArray()!;
        bool merged = false;
        bool invalidToken = false;
        for (int i = 0; i < existing.Length; i++)
        {
            string value = existing[i];
            if (merged || !IsBearer(value))
            {
                continue;
            }

            string rest = value.Length > 6 ? value[6..].TrimStart() : "";
            invalidToken = rest.Contains("error=\"invalid_token\"", StringComparison.Ordinal);
            existing[i] = "Bearer " + ours + (rest.Length > 0 && ours.Length > 0 ? ", " : "") + rest;
            merged = true;
        }

        response.Headers.WWWAuthenticate = merged ? existing : [.. existing, ("Bearer " + ours).TrimEnd()];
        return invalidToken;
    }

    /// <summary>The JSON-RPC error of a 401: what was rejected and how to get a token for this resource.</summary>
    internal static McpError UnauthorizedError(HttpContext context, bool invalidToken, string what)
    {
        string resourceUri = ResourceUri(context);
        string message = invalidToken
            ? $"Unauthorized: the access token was rejected (invalid_token: expired, badly signed, or issued for another audience than '{resourceUri}'). "
            : $"Unauthorized: {what} requires an OAuth access token. ";
        message += $"Read the resource metadata named by WWW-Authenticate resource_metadata, get a token for resource '{resourceUri}' "
            + "from one of its authorization_servers, and send it on every request as 'Authorization: Bearer <token>'.";
        return new McpError(StatusCodes.Status401Unauthorized, JsonRpcErrorCodes.TransportError, message);
    }

    /// <summary>The JSON-RPC error of a step-up 403: the scopes to request.</summary>
    internal static McpError InsufficientScopeError(IReadOnlyList<string> scopes, string what)
    {
        string joined = string.Join(' ', scopes);
        return new McpError(StatusCodes.Status403Forbidden, JsonRpcErrorCodes.TransportError,
            $"Forbidden: insufficient_scope. {what} needs the scope(s) '{joined}', which the access token does not grant. "
            + $"Request a new token with scope=\"{joined}\" from the authorization server (step-up authorization) and retry.");
    }

    /// <summary>Writes the JSON-RPC body of a 403 the authorization policy produced; a failed scope requirement adds the step-up challenge.</summary>
    internal static Task CompleteForbiddenAsync(HttpContext context, IReadOnlyList<string> scopes)
    {
        if (context.Response.HasStarted)
        {
            return Task.CompletedTask;
        }

        if (scopes.Count > 0)
        {
            return WriteInsufficientScopeAsync(context, scopes);
        }

        return McpResponses.WriteErrorAsync(context, default, new McpError(StatusCodes.Status403Forbidden, JsonRpcErrorCodes.TransportError,
            "Forbidden: the caller is authenticated, but this MCP endpoint's authorization policy does not admit it. "
            + "Use an identity the policy allows (see the server's RequireAuthorization policy); a new token with the same rights will not help."), Logger(context));
    }

    private static bool IsBearer(string value)
        => value.StartsWith("Bearer", StringComparison.OrdinalIgnoreCase) && (value.Length == 6 || value[6] == ' ');

    private static void AppendParameter(StringBuilder header, string name, string value)
    {
        if (header.Length > 0 && header[^1] != ' ')
        {
            header.Append(header.ToString().Contains('=') ? ", " : " ");
        }

        header.Append(name).Append("=\"");
        foreach (char c in value)
        {
            if (c is '"' or '\\')
            {
                header.Append('\\');
            }

            header.Append(c);
        }

        header.Append('"');
    }

    private static string McpPath(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<McpEndpointMetadata>() is { } mcp && mcp.Path is { } path)
        {
            return path;
        }

        return context.Request.Path.ToUriComponent().TrimEnd('/');
    }

    private static McpAuthorizationOptions? Options(HttpContext context)
        => context.RequestServices.GetService<McpAuthorizationMarker>() is null
            ? null
            : context.RequestServices.GetService<IOptions<McpAuthorizationOptions>>()?.Value;

    private static ILogger Logger(HttpContext context)
        => context.RequestServices.GetService<ILoggerFactory>()?.CreateLogger("McpGen.Security.Authorization") ?? NullLogger.Instance;
}

/// <summary>Marks the endpoints MapMcp maps, with the MCP path they serve (null when the pattern has route parameters).</summary>
internal sealed class McpEndpointMetadata(string? path)
{
    public string? Path { get; } = path;
}

/// <summary>Registered by AddMcpAuthorization: MapMcp maps the metadata endpoints and shapes challenges when it is present.</summary>
internal sealed class McpAuthorizationMarker
{
    private int _rootMapped;

    /// <summary>True the first time only: the root-form metadata belongs to the first endpoint mapped.</summary>
    public bool ClaimRoot() => System.Threading.Interlocked.Exchange(ref _rootMapped, 1) == 0;
}
