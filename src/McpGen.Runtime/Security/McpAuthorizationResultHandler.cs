using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;

namespace McpGen.Security;

/// <summary>
/// Wraps the application's <see cref="IAuthorizationMiddlewareResultHandler"/> (ASP.NET Core's default unless the
/// application registered its own first). On MCP endpoints it lets the authentication scheme challenge or forbid as
/// usual (JwtBearer writes its <c>WWW-Authenticate: Bearer error="invalid_token"...</c>), then adds the MCP parts:
/// <c>resource_metadata</c> and <c>scope</c> on 401, <c>insufficient_scope</c> on a 403 from a failed
/// <see cref="McpScopeRequirement"/>, and a JSON-RPC error body on both. Works with any scheme; other endpoints are untouched.
/// </summary>
internal sealed class McpAuthorizationResultHandler(IAuthorizationMiddlewareResultHandler inner) : IAuthorizationMiddlewareResultHandler
{
    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        bool mcp = context.GetEndpoint()?.Metadata.GetMetadata<McpEndpointMetadata>() is not null;
        await inner.HandleAsync(next, context, policy, authorizeResult).ConfigureAwait(false);
        if (!mcp || context.Response.HasStarted)
        {
            return;
        }

        if (authorizeResult.Challenged && context.Response.StatusCode == StatusCodes.Status401Unauthorized)
        {
            await McpAuthorizationChallenge.CompleteUnauthorizedAsync(context).ConfigureAwait(false);
        }
        else if (authorizeResult.Forbidden && context.Response.StatusCode == StatusCodes.Status403Forbidden)
        {
            await McpAuthorizationChallenge.CompleteForbiddenAsync(context, FailedScopes(authorizeResult.AuthorizationFailure)).ConfigureAwait(false);
        }
    }

    private static IReadOnlyList<string> FailedScopes(AuthorizationFailure? failure)
    {
        var scopes = new List<string>();
        foreach (IAuthorizationRequirement requirement in failure?.FailedRequirements ?? [])
        {
            if (requirement is McpScopeRequirement scoped)
            {
                foreach (string scope in scoped.Scopes)
                {
                    if (!scopes.Contains(scope))
                    {
                        scopes.Add(scope);
                    }
                }
            }
        }

        return scopes;
    }
}
