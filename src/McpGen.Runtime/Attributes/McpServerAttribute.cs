using System;

namespace McpGen;

/// <summary>
/// Marks a <c>partial</c> class as an MCP server. The McpGen source generator emits, at compile time,
/// the descriptors, JSON Schemas, argument binders and dispatcher of every <see cref="McpToolAttribute"/> method
/// in the class, and makes the class usable with <c>AddMcpServer&lt;T&gt;()</c> and <c>MapMcp&lt;T&gt;(pattern)</c>.
/// </summary>
/// <remarks>
/// The session mode decides what an <c>initialize</c>-era client gets: <c>[McpServer]</c> and
/// <c>[McpServer(Stateless = true)]</c> are stateless; <c>[McpServer(Stateless = false)]</c> or
/// <c>Session = McpSessionMode.Sticky</c> are sticky; <c>Session = McpSessionMode.Store</c> is store-backed.
/// </remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class McpServerAttribute : Attribute
{
    /// <summary>
    /// <see langword="true"/> (the default) serves every client statelessly; <see langword="false"/> is shorthand for
    /// <see cref="McpSessionMode.Sticky"/>. Setting both this and <see cref="Session"/> to disagreeing values is a build error.
    /// </summary>
    public bool Stateless { get; set; } = true;

    /// <summary>The session mode for <c>initialize</c>-era clients. Defaults to <see cref="McpSessionMode.Stateless"/>.</summary>
    public McpSessionMode Session { get; set; }

    /// <summary>The server name reported in <c>serverInfo</c>. Defaults to the class name.</summary>
    public string? Name { get; set; }

    /// <summary>The server version reported in <c>serverInfo</c>. Defaults to the assembly's informational version, or 1.0.0.</summary>
    public string? Version { get; set; }

    /// <summary>A human-readable title reported in <c>serverInfo</c>.</summary>
    public string? Title { get; set; }

    /// <summary>Instructions for the client's model, reported by <c>initialize</c> and <c>server/discover</c>.</summary>
    public string? Instructions { get; set; }

    /// <summary>
    /// Also serve the deprecated HTTP+SSE transport of protocol version 2024-11-05 for old clients: <c>GET {pattern}/sse</c>
    /// opens the event stream and announces <c>{pattern}/message?sessionId=...</c>, where the client POSTs its messages.
    /// Needs a session (<see cref="McpSessionMode.Sticky"/> or <see cref="McpSessionMode.Store"/>; with Store the message
    /// POST may land on any replica): on a stateless server it is a build error (MCPG0040).
    /// </summary>
    public bool LegacySse { get; set; }
}
