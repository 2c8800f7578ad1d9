using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace McpGen;

/// <summary>
/// A complete <c>tools/call</c> result, for tools that need full control: several content blocks,
/// structured content and the error flag.
/// </summary>
public sealed class CallToolResult
{
    /// <summary>The content blocks.</summary>
    public IList<ContentBlock> Content { get; init; } = new List<ContentBlock>();

    /// <summary>Structured content (a JSON object for clients before 2026-07-28).</summary>
    public JsonNode? StructuredContent { get; init; }

    /// <summary>Whether the result reports a tool error (the model sees it and may retry).</summary>
    public bool IsError { get; init; }

    /// <summary>A result with one text block.</summary>
    public static CallToolResult FromText(string text) => new() { Content = [new TextContent(text)] };

    /// <summary>An error result with one text block.</summary>
    public static CallToolResult Error(string message) => new() { Content = [new TextContent(message)], IsError = true };

    internal void WriteMembers(Utf8JsonWriter writer)
    {
        writer.WriteStartArray("content");
        foreach (ContentBlock block in Content)
        {
            block.WriteTo(writer);
        }

        writer.WriteEndArray();
        if (StructuredContent is not null)
        {
            writer.WritePropertyName("structuredContent");
            StructuredContent.WriteTo(writer);
        }

        if (IsError)
        {
            McpGen.Diagnostics.McpOperation.ToolError(null);
            writer.WriteBoolean("isError", true);
        }
    }
}
