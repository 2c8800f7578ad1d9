using System;

namespace McpGen;

/// <summary>
/// Marks a method that suggests values for one argument of a prompt (<see cref="Prompt"/>) or one variable of a resource
/// template (<see cref="ResourceTemplate"/>), for <c>completion/complete</c>. The method takes the partial value as a
/// <c>string</c> (and optionally a <see cref="McpCompletionContext"/> and a <c>CancellationToken</c>) and returns
/// <c>IEnumerable&lt;string&gt;</c> or a <c>Task</c>/<c>ValueTask</c> of it; at most 100 values are sent, with
/// <c>hasMore</c> and <c>total</c> when there are more.
/// </summary>
/// <example><c>[McpCompletion(Prompt = "summarize", Argument = "language")]</c></example>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true, Inherited = false)]
public sealed class McpCompletionAttribute : Attribute
{
    /// <summary>The prompt whose argument this completes.</summary>
    public string? Prompt { get; set; }

    /// <summary>The resource template (exactly as declared) whose variable this completes.</summary>
    public string? ResourceTemplate { get; set; }

    /// <summary>The argument or template variable name.</summary>
    public string Argument { get; set; } = "";
}
