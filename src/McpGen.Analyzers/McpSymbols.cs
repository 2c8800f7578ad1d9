using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace McpGen.Analyzers;

/// <summary>
/// The McpGen and framework symbols the analyzers look for, resolved once per compilation. <see cref="Create"/> returns
/// <see langword="null"/> when the compilation does not reference McpGen.Runtime, so the analyzers cost nothing there.
/// </summary>
internal sealed class McpSymbols
{
    public const string ServerAttributeName = "McpGen.McpServerAttribute";
    public const string ToolAttributeName = "McpGen.McpToolAttribute";
    public const string ResourceAttributeName = "McpGen.McpResourceAttribute";
    public const string PromptAttributeName = "McpGen.McpPromptAttribute";
    public const string CompletionAttributeName = "McpGen.McpCompletionAttribute";
    public const string RequiresSessionAttributeName = "McpGen.RequiresMcpSessionAttribute";
    public const string RequiresClientInputAttributeName = "McpGen.RequiresMcpClientInputAttribute";

    private readonly ConcurrentDictionary<INamedTypeSymbol, ServerSettings?> _servers = new(SymbolEqualityComparer.Default);

    private McpSymbols(Compilation compilation, INamedTypeSymbol serverAttribute, INamedTypeSymbol toolAttribute)
    {
        Compilation = compilation;
        ServerAttribute = serverAttribute;
        ToolAttribute = toolAttribute;
        ResourceAttribute = compilation.GetTypeByMetadataName(ResourceAttributeName);
        PromptAttribute = compilation.GetTypeByMetadataName(PromptAttributeName);
        CompletionAttribute = compilation.GetTypeByMetadataName(CompletionAttributeName);
        RequiresSession = compilation.GetTypeByMetadataName(RequiresSessionAttributeName);
        RequiresClientInput = compilation.GetTypeByMetadataName(RequiresClientInputAttributeName);
        DescriptionAttribute = compilation.GetTypeByMetadataName("System.ComponentModel.DescriptionAttribute");
        JsonSerializerContext = compilation.GetTypeByMetadataName("System.Text.Json.Serialization.JsonSerializerContext");
        JsonSerializableAttribute = compilation.GetTypeByMetadataName("System.Text.Json.Serialization.JsonSerializableAttribute");
    }

    public Compilation Compilation { get; }

    public INamedTypeSymbol ServerAttribute { get; }

    public INamedTypeSymbol ToolAttribute { get; }

    public INamedTypeSymbol? ResourceAttribute { get; }

    public INamedTypeSymbol? PromptAttribute { get; }

    public INamedTypeSymbol? CompletionAttribute { get; }

    public INamedTypeSymbol? RequiresSession { get; }

    public INamedTypeSymbol? RequiresClientInput { get; }

    public INamedTypeSymbol? DescriptionAttribute { get; }

    public INamedTypeSymbol? JsonSerializerContext { get; }

    public INamedTypeSymbol? JsonSerializableAttribute { get; }

    public static McpSymbols? Create(Compilation compilation)
    {
        INamedTypeSymbol? server = compilation.GetTypeByMetadataName(ServerAttributeName);
        INamedTypeSymbol? tool = compilation.GetTypeByMetadataName(ToolAttributeName);
        return server is null || tool is null ? null : new McpSymbols(compilation, server, tool);
    }

    public static AttributeData? FindAttribute(ISymbol symbol, INamedTypeSymbol? attribute)
    {
        if (attribute is null)
        {
            return null;
        }

        foreach (AttributeData data in symbol.GetAttributes())
        {
            if (SymbolEqualityComparer.Default.Equals(data.AttributeClass, attribute))
            {
                return data;
            }
        }

        return null;
    }

    public AttributeData? ServerAttributeOf(INamedTypeSymbol type) => FindAttribute(type, ServerAttribute);

    public AttributeData? ToolAttributeOf(IMethodSymbol method) => FindAttribute(method, ToolAttribute);

    /// <summary>The session settings of an [McpServer] class, or <see langword="null"/> when the type is not one.</summary>
    public ServerSettings? ServerSettingsOf(INamedTypeSymbol type)
        => _servers.GetOrAdd(type, t => ServerAttributeOf(t) is { } data ? ServerSettings.Read(data) : null);

    /// <summary>The [McpTool] methods of a type, in declaration order (source file, then position).</summary>
    public ImmutableArray<(IMethodSymbol Method, AttributeData Attribute)> ToolsOf(INamedTypeSymbol type)
        => MethodsWith(type, ToolAttribute);

    /// <summary>The methods of a type carrying <paramref name="attribute"/> (the first one each), in declaration order.</summary>
    public static ImmutableArray<(IMethodSymbol Method, AttributeData Attribute)> MethodsWith(INamedTypeSymbol type, INamedTypeSymbol? attribute)
        => attribute is null
            ? ImmutableArray<(IMethodSymbol, AttributeData)>.Empty
            : type.GetMembers()
                .OfType<IMethodSymbol>()
                .Select(m => (Method: m, Attribute: FindAttribute(m, attribute)!))
                .Where(t => t.Attribute is not null)
                .OrderBy(t => t.Method.Locations.FirstOrDefault()?.SourceTree?.FilePath, System.StringComparer.Ordinal)
                .ThenBy(t => t.Method.Locations.FirstOrDefault()?.SourceSpan.Start ?? 0)
                .ToImmutableArray();

    /// <summary>Whether the method is declared in source (so it has a location to report at).</summary>
    public static bool IsInSource(IMethodSymbol method) => method.Locations.Length > 0 && method.Locations[0].IsInSource;
}
