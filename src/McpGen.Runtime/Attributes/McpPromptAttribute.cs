using System;

namespace McpGen;

/// <summary>
/// Exposes a method of an <see cref="McpServerAttribute"/> class as an MCP prompt. Its <c>string</c> parameters are the
/// prompt's arguments (required unless nullable or defaulted; descriptions from <c>&lt;param&gt;</c> or
/// <c>[Description]</c>). It returns a <c>string</c> (one user message), a <see cref="PromptMessage"/> or a list of them,
/// a <see cref="GetPromptResult"/>, or a <c>Task</c>/<c>ValueTask</c> of those.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class McpPromptAttribute : Attribute
{
    /// <summary>Exposes the method under its snake_case name.</summary>
    public McpPromptAttribute()
    {
    }

    /// <summary>Exposes the method under <paramref name="name"/>.</summary>
    public McpPromptAttribute(string name)
    {
        Name = name;
    }

    /// <summary>The prompt name, or <see langword="null"/> for the snake_case method name.</summary>
    public string? Name { get; }

    /// <summary>A human-readable title.</summary>
    public string? Title { get; set; }
}
