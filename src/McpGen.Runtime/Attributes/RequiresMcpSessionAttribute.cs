using System;

namespace McpGen;

/// <summary>
/// Marks an API that needs an MCP session: it sends a server-to-client request or notification outside the
/// response to the current request (sampling, elicitation, roots, ping, list-changed and resource-updated
/// notifications, resource subscriptions, the GET stream, resumability, legacy HTTP+SSE).
/// </summary>
/// <remarks>
/// <para>
/// In the spirit of <c>[RequiresUnreferencedCode]</c>: a tool of a stateless server (<c>[McpServer]</c> or
/// <c>[McpServer(Stateless = true)]</c>) that calls a member carrying this attribute, directly or in a lambda or local
/// function of its body, is a build error (MCPG0013) at the call, because a stateless endpoint has nowhere to send the
/// request or to receive its answer. <c>Session = McpSessionMode.Sticky</c> or <c>Session = McpSessionMode.Store</c>
/// serves it.
/// </para>
/// <para>
/// On a type or interface, the attribute covers all of its members. On your own helper method it passes the
/// requirement to its callers: calls inside the helper are not reported, calls to the helper from a tool are.
/// On a tool method itself, it declares that the tool needs a session.
/// </para>
/// </remarks>
[AttributeUsage(
    AttributeTargets.Method | AttributeTargets.Constructor | AttributeTargets.Property | AttributeTargets.Class | AttributeTargets.Interface,
    AllowMultiple = false,
    Inherited = false)]
public sealed class RequiresMcpSessionAttribute : Attribute
{
    /// <summary>Marks an API that needs an MCP session.</summary>
    /// <param name="feature">What needs the session, as the diagnostic names it (for example <c>"sampling"</c>).</param>
    public RequiresMcpSessionAttribute(string feature)
    {
        Feature = feature;
    }

    /// <summary>What needs the session, as the diagnostic names it (for example <c>"sampling"</c>).</summary>
    public string Feature { get; }

    /// <summary>An optional link to documentation about the feature and the session modes that serve it.</summary>
    public string? Url { get; set; }
}
