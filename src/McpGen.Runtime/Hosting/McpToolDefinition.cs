using System;
using System.Collections.Generic;
using System.Threading.Tasks;

namespace McpGen;

/// <summary>Invokes one tool: binds its arguments, calls the method and writes the result. Emitted by the generator.</summary>
/// <param name="context">The call: arguments, services, request data and the result writer.</param>
public delegate ValueTask McpToolHandler(McpHandlerContext context);

/// <summary>
/// What a handler (tool, resource reader, prompt renderer) may do besides returning its result; decides whether the
/// response can be plain JSON. Computed by the generator from the handler's parameters.
/// </summary>
[Flags]
public enum McpHandlerFeatures
{
    /// <summary>The handler only returns its result: the response is always <c>application/json</c>.</summary>
    None = 0,

    /// <summary>The handler may report progress (it takes an <c>IProgress&lt;McpProgress&gt;</c> or the request context).</summary>
    Progress = 1,

    /// <summary>
    /// The handler takes <see cref="McpRequestContext"/>: it may send log messages, ask the client for input, notify
    /// changes, or keep the context past its return.
    /// </summary>
    RequestContext = 2,
}

/// <summary>The compile-time description of one tool, produced by the McpGen source generator.</summary>
public sealed class McpToolDefinition
{
    /// <summary>Creates a tool definition. Called by generated code only.</summary>
    /// <param name="name">The tool name.</param>
    /// <param name="json">The UTF-8 JSON of the <c>Tool</c> object, exactly as <c>tools/list</c> reports it.</param>
    /// <param name="handler">The generated invoker.</param>
    /// <param name="features">What the tool may send besides its result.</param>
    public McpToolDefinition(string name, byte[] json, McpToolHandler handler, McpHandlerFeatures features = McpHandlerFeatures.None)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(handler);
        Name = name;
        Json = json;
        Handler = handler;
        Features = features;
    }

    /// <summary>The tool name.</summary>
    public string Name { get; }

    /// <summary>The UTF-8 JSON of the <c>Tool</c> object (name, title, description, inputSchema, outputSchema, annotations).</summary>
    public ReadOnlyMemory<byte> Json { get; }

    /// <summary>The generated invoker.</summary>
    public McpToolHandler Handler { get; }

    /// <summary>What the tool may send besides its result.</summary>
    public McpHandlerFeatures Features { get; }

    /// <summary>
    /// The arguments mirrored into <c>Mcp-Param-{Name}</c> headers (<c>x-mcp-header</c> in the input schema), which the
    /// endpoint checks against the body of 2026-07-28 calls. Empty for most tools.
    /// </summary>
    public IReadOnlyList<McpToolHeader> Headers { get; init; } = [];

    /// <summary>Who may call the tool and see it in <c>tools/list</c>; <see langword="null"/> when anyone may.</summary>
    public McpAuthorization? Authorization { get; init; }

    /// <summary>Whether calls may become tasks (<see cref="McpToolAttribute.Task"/>).</summary>
    public McpTaskSupport TaskSupport { get; init; }

    /// <summary>Whether a task that lost its worker replica runs again from the start (<see cref="McpToolAttribute.Rerunnable"/>).</summary>
    public bool Rerunnable { get; init; }
}

/// <summary>
/// A tool argument mirrored into an HTTP header (<see cref="McpHeaderAttribute"/>, <c>x-mcp-header</c>). Produced by
/// the McpGen source generator.
/// </summary>
public sealed class McpToolHeader
{
    /// <summary>Creates a mirrored header. Called by generated code only.</summary>
    /// <param name="name">The header name after <c>Mcp-Param-</c>, an HTTP token such as <c>Region</c>.</param>
    /// <param name="argument">The argument (input schema property) whose value the header carries.</param>
    public McpToolHeader(string name, string argument)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(argument);
        Name = name;
        HeaderName = "Mcp-Param-" + name;
        Argument = argument;
    }

    /// <summary>The header name after <c>Mcp-Param-</c>.</summary>
    public string Name { get; }

    /// <summary>The full header name, <c>Mcp-Param-{Name}</c>.</summary>
    public string HeaderName { get; }

    /// <summary>The argument whose value the header carries.</summary>
    public string Argument { get; }
}
