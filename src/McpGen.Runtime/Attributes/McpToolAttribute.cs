using System;

namespace McpGen;

/// <summary>
/// Exposes a method of an <see cref="McpServerAttribute"/> class as an MCP tool.
/// </summary>
/// <remarks>
/// The tool name is the one given here, or the method name in snake_case (<c>GetForecast</c> becomes <c>get_forecast</c>).
/// The description comes from the method's XML <c>&lt;summary&gt;</c> or a <c>[Description]</c> attribute; parameter
/// descriptions from <c>&lt;param&gt;</c> or <c>[Description]</c> on the parameter.
/// </remarks>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class McpToolAttribute : Attribute
{
    /// <summary>Exposes the method under its snake_case name.</summary>
    public McpToolAttribute()
    {
    }

    /// <summary>Exposes the method under <paramref name="name"/>.</summary>
    /// <param name="name">The tool name: 1 to 128 characters of <c>A-Z a-z 0-9 _ - .</c>.</param>
    public McpToolAttribute(string name)
    {
        Name = name;
    }

    /// <summary>The tool name, or <see langword="null"/> for the snake_case method name.</summary>
    public string? Name { get; }

    /// <summary>A human-readable title for the tool.</summary>
    public string? Title { get; set; }

    /// <summary>Hint: the tool does not modify its environment (<c>readOnlyHint</c>).</summary>
    public bool ReadOnly { get; set; }

    /// <summary>Hint: the tool may perform destructive updates (<c>destructiveHint</c>). Only reported when set.</summary>
    public bool Destructive { get; set; }

    /// <summary>Hint: calling the tool repeatedly with the same arguments has no additional effect (<c>idempotentHint</c>).</summary>
    public bool Idempotent { get; set; }

    /// <summary>Hint: the tool interacts with an open world of external entities (<c>openWorldHint</c>). Only reported when set.</summary>
    public bool OpenWorld { get; set; }

    /// <summary>
    /// Whether calls may become tasks (<see cref="McpTaskSupport"/>; default <see cref="McpTaskSupport.Forbidden"/>): a
    /// 2026-07-28 client that declares the Tasks extension gets a task handle and polls <c>tasks/get</c>. The method
    /// stays the plain (async) method it is; progress and status messages go through <see cref="McpRequestContext"/>.
    /// See docs/tasks.md.
    /// </summary>
    public McpTaskSupport Task { get; set; }

    /// <summary>
    /// For task tools: when the replica running a task is lost (its lease expires), the task runs again from the start
    /// on another replica instead of ending <c>failed</c>. Set it only when running the tool twice is harmless.
    /// </summary>
    public bool Rerunnable { get; set; }
}
