using System;

namespace McpGen;

/// <summary>
/// OAuth scopes a caller's access token must carry to use a tool, resource (or template) or prompt (on its method), or
/// every handler of the server (on the <see cref="McpServerAttribute"/> class). Every scope named by every
/// <see cref="McpScopeAttribute"/> that applies is required; class-level scopes add to handler-level ones, and
/// <c>[AllowAnonymous]</c> on the handler lifts them all.
/// </summary>
/// <remarks>
/// Scopes are read from the caller's <c>scope</c> and <c>scp</c> claims (space-separated values or one claim per scope).
/// An unauthenticated caller gets 401; an authenticated one without a scope gets 403 with
/// <c>WWW-Authenticate: Bearer error="insufficient_scope", scope="..."</c> (step-up), and the handler is left out of the
/// lists it would appear in. Each scope is a non-empty RFC 6749 scope token without spaces (MCPG0061).
/// </remarks>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = true, Inherited = true)]
public sealed class McpScopeAttribute : Attribute
{
    /// <summary>Requires <paramref name="scopes"/> (all of them).</summary>
    /// <param name="scopes">The scope tokens, such as <c>notes:write</c>.</param>
    public McpScopeAttribute(params string[] scopes)
    {
        Scopes = scopes ?? [];
    }

    /// <summary>The required scopes.</summary>
    public string[] Scopes { get; }
}
