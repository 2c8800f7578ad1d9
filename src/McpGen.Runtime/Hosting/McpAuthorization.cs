using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.AspNetCore.Authorization;

namespace McpGen;

/// <summary>
/// Who may use one handler, decided at compile time from <see cref="AuthorizeAttribute"/>,
/// <see cref="AllowAnonymousAttribute"/> and <see cref="McpScopeAttribute"/> on the server class and the handler method.
/// Produced by the McpGen source generator; a handler anyone may use has none (<see langword="null"/>).
/// </summary>
/// <remarks>
/// The rules combine as ASP.NET Core combines the <see cref="IAuthorizeData"/> of an endpoint
/// (<see cref="AuthorizationPolicy.CombineAsync(IAuthorizationPolicyProvider, IEnumerable{IAuthorizeData})"/>): each named
/// policy, each role list (any role of the list) and, for an <c>[Authorize]</c> with neither, the default policy. The
/// scopes are required on top, all of them.
/// </remarks>
public sealed class McpAuthorization
{
    /// <summary>Creates the authorization data of a handler. Called by generated code only.</summary>
    /// <param name="authorizeData">The <c>[Authorize]</c> attributes of the class and the handler (may be empty when only scopes apply).</param>
    /// <param name="scopes">The required OAuth scopes (may be empty).</param>
    public McpAuthorization(IAuthorizeData[] authorizeData, string[] scopes)
    {
        ArgumentNullException.ThrowIfNull(authorizeData);
        ArgumentNullException.ThrowIfNull(scopes);
        AuthorizeData = authorizeData;
        Scopes = scopes;
        Key = string.Join("\n", authorizeData.Select(d => $"{d.Policy}\u001f{d.Roles}\u001f{d.AuthenticationSchemes}"))
            + "\u001e" + string.Join(" ", scopes);
    }

    /// <summary>The <c>[Authorize]</c> data, class first, then the handler's.</summary>
    public IReadOnlyList<IAuthorizeData> AuthorizeData { get; }

    /// <summary>The required OAuth scopes (every one of them).</summary>
    public IReadOnlyList<string> Scopes { get; }

    /// <summary>The required scopes as one space-separated string, as <c>WWW-Authenticate</c>'s <c>scope</c> carries them.</summary>
    public string ScopeText => _scopeText ??= string.Join(" ", Scopes);

    private string? _scopeText;

    /// <summary>A text equal for equal rules: handlers with the same rules share one decision per caller when lists are filtered.</summary>
    internal string Key { get; }

    /// <summary>How error messages name the rules: <c>policy 'Editors'</c>, <c>roles 'admin'</c>, <c>an authenticated user</c>.</summary>
    internal string Describe()
    {
        var parts = new List<string>();
        foreach (IAuthorizeData data in AuthorizeData)
        {
            if (!string.IsNullOrEmpty(data.Policy))
            {
                parts.Add($"policy '{data.Policy}'");
            }

            if (!string.IsNullOrEmpty(data.Roles))
            {
                parts.Add($"one of the roles '{data.Roles}'");
            }
        }

        if (parts.Count == 0)
        {
            parts.Add("an authenticated user (the default authorization policy)");
        }

        return string.Join(" and ", parts.Distinct(StringComparer.Ordinal));
    }
}
