using Microsoft.CodeAnalysis;

namespace McpGen.Analyzers;

/// <summary>Every McpGen diagnostic. Ids are stable; each has a page under docs/diagnostics/.</summary>
internal static class Descriptors
{
    public const string Category = "McpGen";

    private const string HelpLinkBase = "https://github.com/mcpgen/mcpgen/blob/main/docs/diagnostics/";

    public static readonly DiagnosticDescriptor ServerClassNotPartial = new(
        id: "MCPG0001",
        title: "MCP server class must be partial",
        messageFormat: "The [McpServer] class '{0}' must be declared partial so McpGen can generate its server code",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "McpGen adds the generated dispatcher, schemas and binders to the server class itself, which needs every declaration of the class to be partial.",
        helpLinkUri: HelpLinkBase + "MCPG0001.md");
}
