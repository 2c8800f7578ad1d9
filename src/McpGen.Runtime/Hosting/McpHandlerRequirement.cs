using System;

namespace McpGen;

/// <summary>The kind of generated handler a <see cref="McpHandlerRequirement"/> belongs to.</summary>
public enum McpHandlerKind
{
    /// <summary>The server class itself: a parameter of the constructor the generated code calls.</summary>
    Server,

    /// <summary>An <see cref="McpToolAttribute"/> method.</summary>
    Tool,

    /// <summary>An <see cref="McpResourceAttribute"/> method.</summary>
    Resource,

    /// <summary>An <see cref="McpPromptAttribute"/> method.</summary>
    Prompt,

    /// <summary>An <see cref="McpCompletionAttribute"/> method.</summary>
    Completion,
}

/// <summary>What a <see cref="McpHandlerRequirement"/> asks of the application.</summary>
public enum McpRequirementKind
{
    /// <summary>A required service, resolved with <c>GetRequiredService</c>.</summary>
    Service,

    /// <summary>A required keyed service (<c>[FromKeyedServices(key)]</c>), resolved with <c>GetRequiredKeyedService</c>.</summary>
    KeyedService,

    /// <summary>A type read or written through <c>JsonTypeInfo</c> from the configured <c>JsonSerializerOptions</c>.</summary>
    Json,
}

/// <summary>
/// One thing a generated handler needs from the application to be callable: a service from dependency injection or the
/// JSON type information of a complex argument or result. The generator lists them per server
/// (<see cref="McpServerDefinition.Requirements"/>) and <c>MapMcp</c> checks them all before serving, so a missing
/// registration fails at startup with one message instead of at the first call.
/// </summary>
public sealed class McpHandlerRequirement
{
    /// <summary>Creates a requirement. Called by generated code only.</summary>
    /// <param name="handlerKind">The kind of handler.</param>
    /// <param name="handlerName">The tool or prompt name, the resource URI (or template), the completion method, or the server class.</param>
    /// <param name="parameterName">The parameter, or <see langword="null"/> for a tool's result.</param>
    /// <param name="typeName">The type as C# shows it (<c>List&lt;string&gt;</c>), for messages.</param>
    /// <param name="type">The type looked up (the service type, or the type handed to <c>GetTypeInfo</c>).</param>
    /// <param name="kind">What is required.</param>
    /// <param name="serviceKey">The key of a <see cref="McpRequirementKind.KeyedService"/>.</param>
    public McpHandlerRequirement(McpHandlerKind handlerKind, string handlerName, string? parameterName, string typeName, Type type, McpRequirementKind kind, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(handlerName);
        ArgumentNullException.ThrowIfNull(typeName);
        ArgumentNullException.ThrowIfNull(type);
        HandlerKind = handlerKind;
        HandlerName = handlerName;
        ParameterName = parameterName;
        TypeName = typeName;
        Type = type;
        Kind = kind;
        ServiceKey = serviceKey;
    }

    /// <summary>The kind of handler.</summary>
    public McpHandlerKind HandlerKind { get; }

    /// <summary>The tool or prompt name, the resource URI (or template), the completion method, or the server class.</summary>
    public string HandlerName { get; }

    /// <summary>The parameter, or <see langword="null"/> for a tool's result.</summary>
    public string? ParameterName { get; }

    /// <summary>The type as C# shows it (<c>List&lt;string&gt;</c>).</summary>
    public string TypeName { get; }

    /// <summary>The type looked up.</summary>
    public Type Type { get; }

    /// <summary>What is required.</summary>
    public McpRequirementKind Kind { get; }

    /// <summary>The key of a <see cref="McpRequirementKind.KeyedService"/>; otherwise <see langword="null"/>.</summary>
    public object? ServiceKey { get; }
}
