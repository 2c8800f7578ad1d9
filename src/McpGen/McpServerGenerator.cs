using Microsoft.CodeAnalysis;

namespace McpGen.Generator;

/// <summary>Generates the MCP server code of every <c>[McpServer]</c> partial class. (Skeleton: pipeline lands next.)</summary>
[Generator(LanguageNames.CSharp)]
public sealed partial class McpServerGenerator : IIncrementalGenerator
{
    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
    }
}
