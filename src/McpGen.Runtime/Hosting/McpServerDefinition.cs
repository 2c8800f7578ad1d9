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

    /// <summary>
    /// The UTF-8 JSON array of the server's icons (<see cref="McpIconAttribute"/> on the class), reported in
    /// <c>serverInfo</c> to clients of protocol version 2025-11-25 and later; empty when the server has none.
    /// </summary>
    public ReadOnlyMemory<byte> Icons { get; init; }

    /// <summary>The session mode for <c>initialize</c>-era clients.</summary>
    public McpSessionMode SessionMode { get; }

    /// <summary>Whether the deprecated HTTP+SSE transport (2024-11-05) is served too (<see cref="McpServerAttribute.LegacySse"/>).</summary>
    public bool LegacySse { get; init; }

    /// <summary>The tools, ordered by name (ordinal), as <c>tools/list</c> reports them.</summary>
    public IReadOnlyList<McpToolDefinition> Tools { get; }

    /// <summary>The resources and resource templates, ordered by URI (ordinal).</summary>
    public IReadOnlyList<McpResourceDefinition> Resources { get; init; } = [];

    /// <summary>The prompts, ordered by name (ordinal).</summary>
    public IReadOnlyList<McpPromptDefinition> Prompts { get; init; } = [];

    /// <summary>Whether any <see cref="McpCompletionAttribute"/> method exists (declares the <c>completions</c> capability).</summary>
    public bool HasCompletions { get; init; }

    /// <summary>
    /// Whether some handler has an <see cref="McpToolDefinition.Authorization"/> (set by the generator): only then are
    /// calls authorized and lists filtered per caller; a server without authorization attributes pays nothing.
    /// </summary>
    public bool HasAuthorization { get; init; }

    /// <summary>
    /// What the handlers and the server constructor need from the application: required services and the JSON types
    /// read or written through <c>JsonTypeInfo</c>. <c>MapMcp</c> checks every one before serving and fails with one
    /// message listing all that are missing.
    /// </summary>
    public IReadOnlyList<McpHandlerRequirement> Requirements { get; init; } = [];

    /// <summary>
    /// Finds the resource a <c>resources/read</c> URI names: a fixed URI by exact match, else the first template (in
    /// declaration order) that matches it.
    /// </summary>
    /// <returns>The resource, or <see langword="null"/> when nothing matches.</returns>
    public virtual McpResourceDefinition? FindResource(string uri) => null;

    /// <summary>Finds a prompt by its exact (case-sensitive) name.</summary>
    public virtual McpPromptDefinition? FindPrompt(string name) => null;

    /// <summary>
    /// Finds the completion method for an argument of a prompt (<paramref name="isPrompt"/>) or a variable of a resource
    /// template (<paramref name="nameOrTemplate"/> is then the template exactly as declared).
    /// </summary>
    public virtual McpCompletionHandler? FindCompletion(bool isPrompt, string nameOrTemplate, string argument) => null;

    /// <summary>Finds a tool by its exact (case-sensitive) name.</summary>
    /// <returns>The tool, or <see langword="null"/> when the server has no tool of that name.</returns>
    public abstract McpToolDefinition? FindTool(string name);
}
