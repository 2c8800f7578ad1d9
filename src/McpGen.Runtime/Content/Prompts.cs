using System;
using System.Collections.Generic;
using System.Text.Json;

namespace McpGen;

/// <summary>One message of a prompt: a role and one content block.</summary>
public sealed class PromptMessage(McpRole role, ContentBlock content)
{
    /// <summary>Who says it.</summary>
    public McpRole Role { get; } = role;

    /// <summary>What is said.</summary>
    public ContentBlock Content { get; } = content ?? throw new ArgumentNullException(nameof(content));

    /// <summary>A user message with one text block.</summary>
    public static PromptMessage User(string text) => new(McpRole.User, new TextContent(text));

    /// <summary>An assistant message with one text block.</summary>
    public static PromptMessage Assistant(string text) => new(McpRole.Assistant, new TextContent(text));

    /// <summary>Writes the message as a JSON object.</summary>
    public void WriteTo(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteString("role", Role == McpRole.User ? "user" : "assistant");
        writer.WritePropertyName("content");
        Content.WriteTo(writer);
        writer.WriteEndObject();
    }
}

/// <summary>A complete <c>prompts/get</c> result: an optional description and the messages.</summary>
public sealed class GetPromptResult
{
    /// <summary>A description of this rendering of the prompt.</summary>
    public string? Description { get; init; }

    /// <summary>The messages.</summary>
    public IList<PromptMessage> Messages { get; init; } = new List<PromptMessage>();
}

/// <summary>What a completion method knows: the other arguments already filled in, and the request.</summary>
public sealed class McpCompletionContext
{
    internal McpCompletionContext(McpRequestContext request, IReadOnlyDictionary<string, string> arguments)
    {
        Request = request;
        Arguments = arguments;
    }

    /// <summary>The request.</summary>
    public McpRequestContext Request { get; }

    /// <summary>The values of the other arguments the client has already resolved (<c>context.arguments</c>).</summary>
    public IReadOnlyDictionary<string, string> Arguments { get; }

    /// <summary>The request's service scope (used by generated code to create the server and resolve services).</summary>
    public IServiceProvider Services => Request.HttpContext.RequestServices;
}

/// <summary>The level of a log message sent to the client (syslog severities, RFC 5424).</summary>
public enum McpLogLevel
{
    /// <summary>Debug.</summary>
    Debug,

    /// <summary>Info.</summary>
    Info,

    /// <summary>Notice.</summary>
    Notice,

    /// <summary>Warning.</summary>
    Warning,

    /// <summary>Error.</summary>
    Error,

    /// <summary>Critical.</summary>
    Critical,

    /// <summary>Alert.</summary>
    Alert,

    /// <summary>Emergency.</summary>
    Emergency,
}
