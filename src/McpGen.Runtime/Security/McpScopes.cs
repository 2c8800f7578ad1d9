using System;
using System.Collections.Generic;
using System.Security.Claims;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Authorization;

namespace McpGen;

/// <summary>Reads the OAuth scopes an access token granted, from the principal authentication produced.</summary>
public static class McpScopes
{
    /// <summary>
    /// The claim types that carry scopes: <c>scope</c> (RFC 9068, RFC 8693), <c>scp</c> (Microsoft Entra ID, Okta) and the
    /// name JwtBearer maps <c>scp</c> to when <c>MapInboundClaims</c> is on. A claim value may hold several space-separated scopes.
    /// </summary>
    public static readonly IReadOnlyList<string> ClaimTypes = ["scope", "scp", "http://schemas.microsoft.com/identity/claims/scope"];

    /// <summary>Whether <paramref name="principal"/> was granted <paramref name="scope"/>.</summary>
    public static bool Has(ClaimsPrincipal? principal, string scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        if (principal is null)
        {
            return false;
        }

        foreach (Claim claim in principal.Claims)
        {
            if (!IsScopeClaim(claim.Type))
            {
                continue;
            }

            foreach (Range part in claim.Value.AsSpan().Split(' '))
            {
                if (claim.Value.AsSpan()[part].SequenceEqual(scope))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>The scopes of <paramref name="required"/> that <paramref name="principal"/> lacks, in their order (empty when it has them all).</summary>
    public static IReadOnlyList<string> Missing(ClaimsPrincipal? principal, IReadOnlyList<string> required)
    {
        ArgumentNullException.ThrowIfNull(required);
        List<string>? missing = null;
        foreach (string scope in required)
        {
            if (!Has(principal, scope))
            {
                (missing ??= []).Add(scope);
            }
        }

        return missing ?? (IReadOnlyList<string>)Array.Empty<string>();
    }

    private static bool IsScopeClaim(string type)
    {
        foreach (string scopeType in ClaimTypes)
        {
            if (string.Equals(type, scopeType, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>
/// An authorization requirement met when the token granted every one of <see cref="Scopes"/>. When an MCP endpoint's
/// policy fails on it, the 403 carries <c>WWW-Authenticate: Bearer error="insufficient_scope", scope="..."</c> so clients
/// can step up. Add it with <c>policy.RequireMcpScope("notes:read")</c>.
/// </summary>
public sealed class McpScopeRequirement : AuthorizationHandler<McpScopeRequirement>, IAuthorizationRequirement
{
    /// <summary>Creates a requirement for all of <paramref name="scopes"/>.</summary>
    public McpScopeRequirement(IReadOnlyList<string> scopes)
    {
        ArgumentNullException.ThrowIfNull(scopes);
        if (scopes.Count == 0)
        {
            throw new ArgumentException("Name at least one scope the endpoint requires.", nameof(scopes));
        }

        Scopes = scopes;
    }

    /// <summary>The scopes the caller must have, all of them.</summary>
    public IReadOnlyList<string> Scopes { get; }

    /// <inheritdoc />
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, McpScopeRequirement requirement)
    {
        if (McpScopes.Missing(context.User, requirement.Scopes).Count == 0)
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}

/// <summary>Adds <see cref="McpScopeRequirement"/> to authorization policies.</summary>
public static class McpScopePolicyExtensions
{
    /// <summary>Requires that the access token granted every one of <paramref name="scopes"/> (step-up 403 on MCP endpoints when not).</summary>
    public static AuthorizationPolicyBuilder RequireMcpScope(this AuthorizationPolicyBuilder policy, params string[] scopes)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return policy.AddRequirements(new McpScopeRequirement(scopes));
    }
}
