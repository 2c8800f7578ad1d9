using System;

namespace McpGen;

/// <summary>
/// Marks an API that asks the client for input in the stateless way (multi round-trip requests: the tool returns
/// <c>resultType: "input_required"</c> with a <c>requestState</c>, and the client calls again with the answer).
/// 2026-07-28 clients complete it on any endpoint; <c>initialize</c>-era clients cannot, unless the server has a session.
/// </summary>
/// <remarks>
/// <para>
/// A tool of a stateless server that calls a member carrying this attribute gets a build warning (MCPG0014) at the
/// call: legacy clients cannot complete the tool on this endpoint. <c>Session = McpSessionMode.Sticky</c> or
/// <c>Session = McpSessionMode.Store</c> serves them too (the input request then travels on the request's SSE stream).
/// </para>
/// <para>
/// On a type or interface, the attribute covers all of its members. On your own helper method it passes the
/// requirement to its callers: calls inside the helper are not reported, calls to the helper from a tool are.
/// </para>
/// </remarks>
[AttributeUsage(
    AttributeTargets.Method | AttributeTargets.Constructor | AttributeTargets.Property | AttributeTargets.Class | AttributeTargets.Interface,
    AllowMultiple = false,
    Inherited = false)]
public sealed class RequiresMcpClientInputAttribute : Attribute
{
    /// <summary>Marks an API that asks the client for input through multi round-trip requests.</summary>
    /// <param name="feature">What asks for input, as the diagnostic names it (for example <c>"form elicitation"</c>).</param>
    public RequiresMcpClientInputAttribute(string feature)
    {
        Feature = feature;
    }

    /// <summary>What asks for input, as the diagnostic names it (for example <c>"form elicitation"</c>).</summary>
    public string Feature { get; }

    /// <summary>An optional link to documentation about the feature.</summary>
    public string? Url { get; set; }
}
