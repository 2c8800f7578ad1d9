using System;
using System.Threading.Tasks;
using McpGen.Dispatch;
using McpGen.Protocol;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;

namespace McpGen.Security;

/// <summary>
/// The answers to a handler call the caller may not make (<see cref="McpAccess"/>). On a Streamable HTTP response of
/// its own: 401 through the authentication scheme's challenge (as the authorization middleware would answer), 403
/// through its forbid, and for a missing scope 403 with <c>WWW-Authenticate: Bearer error="insufficient_scope",
/// scope="..."</c> (step-up); the challenges carry <c>resource_metadata</c> when <c>AddMcpAuthorization</c> was called
/// (<see cref="McpAuthorizationChallenge"/> shapes them, as it does for the endpoint's <c>RequireAuthorization()</c>), and
/// each has a JSON-RPC error body (<see cref="ErrorCode"/>). Where there is no HTTP status of its own (a batch element,
/// the HTTP+SSE stream) only the JSON-RPC error is sent.
/// </summary>
internal static class McpAuthorizationResponses
{
    /// <summary>
    /// The JSON-RPC error code of an unauthorized or forbidden handler call: the same code as the endpoint-level 401/403
    /// (-32001 would read as the TypeScript SDK's <c>RequestTimeout</c>).
    /// </summary>
    public const int ErrorCode = JsonRpcErrorCodes.TransportError;

    /// <summary>Answers a call the caller may not make.</summary>
    public static async Task WriteDeniedAsync(McpAccess access, string noun, string name, McpAuthorization authorization, HttpContext http, McpResponder responder, ReadOnlyMemory<byte> rawId)
    {
        McpError error = Error(access, noun, name, authorization);
        if (!responder.Answers(http))
        {
            await responder.WriteErrorAsync(rawId.Span, error).ConfigureAwait(false);
            return;
        }

        HttpResponse response = http.Response;
        switch (access)
        {
            case McpAccess.Challenge:
                await SchemeAsync(http, challenge: true).ConfigureAwait(false);
                if (response.StatusCode == StatusCodes.Status401Unauthorized && !response.HasStarted
                    && McpAuthorizationChallenge.AddChallengeParameters(http, authorization.Scopes))
                {
                    error = McpAuthorizationChallenge.UnauthorizedError(http, invalidToken: true, what: $"{noun} '{name}'");
                }

                break;
            case McpAccess.Forbidden:
                await SchemeAsync(http, challenge: false).ConfigureAwait(false);
                break;
            default:
                response.StatusCode = StatusCodes.Status403Forbidden;
                response.Headers.WWWAuthenticate = McpAuthorizationChallenge.InsufficientScopeHeader(http, authorization.Scopes);
                break;
        }

        // A scheme that answers otherwise (a cookie scheme's redirect) keeps its answer.
        if (response.HasStarted || response.StatusCode is not (StatusCodes.Status200OK or StatusCodes.Status401Unauthorized or StatusCodes.Status403Forbidden))
        {
            return;
        }

        await responder.WriteErrorAsync(rawId.Span, error).ConfigureAwait(false);
    }

    /// <summary>The JSON-RPC error (and the HTTP status it travels with) for a denied call.</summary>
    public static McpError Error(McpAccess access, string noun, string name, McpAuthorization authorization) => access switch
    {
        McpAccess.Challenge => new McpError(StatusCodes.Status401Unauthorized, ErrorCode,
            $"Unauthorized: {noun} '{name}' requires {authorization.Describe()}{ScopeClause(authorization)}, and the request is not authenticated. "
            + "Get an access token as the resource metadata named by WWW-Authenticate resource_metadata describes, send it as 'Authorization: Bearer <token>' and call it again."),
        McpAccess.Forbidden => new McpError(StatusCodes.Status403Forbidden, ErrorCode,
            $"Forbidden: {noun} '{name}' requires {authorization.Describe()}, which the caller does not satisfy. "
            + "Ask the server's administrator for access; the list results show only what this caller may use."),
        _ => new McpError(StatusCodes.Status403Forbidden, ErrorCode,
            $"Forbidden: {noun} '{name}' requires the scope '{authorization.ScopeText}', which the access token does not carry. "
            + $"Obtain a token with scope=\"{authorization.ScopeText}\" (step-up authorization) and call it again."),
    };

    private static string ScopeClause(McpAuthorization authorization)
        => authorization.Scopes.Count == 0 ? "" : $" with the scope '{authorization.ScopeText}'";

    /// <summary>Challenges or forbids through the default authentication scheme; without one, sets 401 or 403 itself.</summary>
    private static async Task SchemeAsync(HttpContext http, bool challenge)
    {
        if (http.RequestServices.GetService(typeof(IAuthenticationService)) is not null)
        {
            try
            {
                await (challenge ? http.ChallengeAsync() : http.ForbidAsync()).ConfigureAwait(false);
                return;
            }
            catch (InvalidOperationException)
            {
                // No default challenge/forbid scheme is configured.
            }
        }

        http.Response.StatusCode = challenge ? StatusCodes.Status401Unauthorized : StatusCodes.Status403Forbidden;
    }
}

/// <summary>Log messages of per-handler authorization.</summary>
internal static partial class McpAuthorizationLog
{
    [Microsoft.Extensions.Logging.LoggerMessage(600, Microsoft.Extensions.Logging.LogLevel.Information, "MCP {Kind} '{Name}' denied to the caller: {Access}.")]
    public static partial void HandlerDenied(Microsoft.Extensions.Logging.ILogger logger, string kind, string name, string access);
}
