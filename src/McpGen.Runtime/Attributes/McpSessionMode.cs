namespace McpGen;

/// <summary>
/// Where the state of an <c>initialize</c>-era (2025-11-25 and older) client session lives.
/// Modern (2026-07-28) clients are always served statelessly, whatever the mode.
/// </summary>
public enum McpSessionMode
{
    /// <summary>No session state: any replica serves any request; no <c>Mcp-Session-Id</c> is issued.</summary>
    Stateless = 0,

    /// <summary>State lives on the replica that ran <c>initialize</c>; needs load-balancer affinity on <c>Mcp-Session-Id</c>.</summary>
    Sticky = 1,

    /// <summary>State lives in a shared store, so any replica can serve any request of the session.</summary>
    Store = 2,
}
