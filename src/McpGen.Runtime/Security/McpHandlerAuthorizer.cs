using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Security.Claims;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace McpGen.Security;

/// <summary>What the caller of a handler with <see cref="McpAuthorization"/> may do.</summary>
internal enum McpAccess
{
    /// <summary>The caller may use the handler.</summary>
    Allowed,

    /// <summary>The caller is not authenticated: 401 through the authentication scheme's challenge.</summary>
    Challenge,

    /// <summary>The caller is authenticated, but a policy or role requirement fails: 403.</summary>
    Forbidden,

    /// <summary>The caller is authenticated and authorized, but its token lacks a required scope: 403 <c>insufficient_scope</c>.</summary>
    InsufficientScope,
}

/// <summary>
/// Decides per handler call (and per list) whether the caller may use a handler, with ASP.NET Core's own authorization:
/// the <c>[Authorize]</c> data of the handler combined into one <see cref="AuthorizationPolicy"/> as the authorization
/// middleware does (<see cref="AuthorizationPolicy.CombineAsync(IAuthorizationPolicyProvider, IEnumerable{IAuthorizeData})"/>,
/// so named policies, roles as a <c>RolesAuthorizationRequirement</c> and the default policy for a plain
/// <c>[Authorize]</c>), evaluated by <see cref="IPolicyEvaluator"/> (which uses <see cref="IAuthorizationService"/> and
/// the policy's authentication schemes), then the required scopes against the principal's <c>scope</c>/<c>scp</c> claims.
/// One per endpoint: combined policies are cached per handler when the policy provider allows it.
/// </summary>
internal sealed class McpHandlerAuthorizer
{
    private readonly ConcurrentDictionary<McpAuthorization, AuthorizationPolicy?> _policies = new(ReferenceEqualityComparer.Instance);

    /// <summary>Decides whether the caller of <paramref name="http"/> may use a handler with <paramref name="authorization"/>.</summary>
    public async ValueTask<McpAccess> AuthorizeAsync(HttpContext http, McpAuthorization authorization)
    {
        IServiceProvider services = http.RequestServices;
        AuthorizationPolicy? policy = await PolicyAsync(services, authorization).ConfigureAwait(false);
        if (policy is not null)
        {
            if (services.GetService<IPolicyEvaluator>() is { } evaluator)
            {
                AuthenticateResult authentication = await evaluator.AuthenticateAsync(policy, http).ConfigureAwait(false);
                PolicyAuthorizationResult result = await evaluator.AuthorizeAsync(policy, authentication, http, resource: null).ConfigureAwait(false);
                if (result.Challenged)
                {
                    return McpAccess.Challenge;
                }

                if (!result.Succeeded)
                {
                    return McpAccess.Forbidden;
                }
            }
            else
            {
                IAuthorizationService authorizer = Required<IAuthorizationService>(services);
                AuthorizationResult result = await authorizer.AuthorizeAsync(http.User, resource: null, policy).ConfigureAwait(false);
                if (!result.Succeeded)
                {
                    return IsAuthenticated(http.User) ? McpAccess.Forbidden : McpAccess.Challenge;
                }
            }
        }
        else if (!IsAuthenticated(http.User))
        {
            return McpAccess.Challenge;
        }

        return McpScopes.Missing(http.User, authorization.Scopes).Count == 0 ? McpAccess.Allowed : McpAccess.InsufficientScope;
    }

    private static bool IsAuthenticated(ClaimsPrincipal? user) => user?.Identity?.IsAuthenticated == true;

    private async ValueTask<AuthorizationPolicy?> PolicyAsync(IServiceProvider services, McpAuthorization authorization)
    {
        if (authorization.AuthorizeData.Count == 0)
        {
            return null;
        }

        if (_policies.TryGetValue(authorization, out AuthorizationPolicy? cached))
        {
            return cached;
        }

        IAuthorizationPolicyProvider provider = Required<IAuthorizationPolicyProvider>(services);
        AuthorizationPolicy? policy = await AuthorizationPolicy.CombineAsync(provider, authorization.AuthorizeData).ConfigureAwait(false);
        if (provider.AllowsCachingPolicies)
        {
            _policies.TryAdd(authorization, policy);
        }

        return policy;
    }

    private static T Required<T>(IServiceProvider services) where T : notnull
        => services.GetService<T>() ?? throw new InvalidOperationException(
            $"{typeof(T).Name} is not registered, but handlers of this MCP server carry [Authorize] or [McpScope]. "
            + "Call builder.Services.AddAuthorization() (and add an authentication scheme, such as AddAuthentication().AddJwtBearer(...)).");
}
