using System;
using System.Collections.Generic;

namespace McpGen;

/// <summary>
/// The compile-time description of one MCP server class, produced by the McpGen source generator.
/// The generated subclass supplies a switch-based <see cref="FindTool"/>.
/// </summary>
public abstract class McpServerDefinition
{
    /// <summary>Creates a definition. Called by generated code only.</summary>
    /// <param name="name">The server name reported in <c>serverInfo</c>.</param>
    /// <param name="version">The server version reported in <c>serverInfo</c>.</param>
    /// <param name="sessionMode">The session mode for <c>initialize</c>-era clients.</param>
    /// <param name="tools">The tools, ordered by name (ordinal).</param>
    protected McpServerDefinition(string name, string version, McpSessionMode sessionMode, McpToolDefinition[] tools)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(version);
        ArgumentNullException.ThrowIfNull(tools);
        Name = name;
        Version = version;
        SessionMode = sessionMode;
        Tools = tools;
    }

    /// <summary>The server name reported in <c>serverInfo</c>.</summary>
    public string Name { get; }

    /// <summary>The server version reported in <c>serverInfo</c>.</summary>
    public string Version { get; }

    /// <summary>The human-readable server title, if any.</summary>
    public string? Title { get; init; }

    /// <summary>Instructions for the client's model, if any.</summary>
    public string? Instructions { get; init; }

    /// <summary>The session mode for <c>initialize</c>-era clients.</summary>
    public McpSessionMode SessionMode { get; }

    /// <summary>The tools, ordered by name (ordinal), as <c>tools/list</c> reports them.</summary>
    public IReadOnlyList<McpToolDefinition> Tools { get; }

    /// <summary>Finds a tool by its exact (case-sensitive) name.</summary>
    /// <returns>The tool, or <see langword="null"/> when the server has no tool of that name.</returns>
    public abstract McpToolDefinition? FindTool(string name);
}
