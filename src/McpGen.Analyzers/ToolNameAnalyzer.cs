using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace McpGen.Analyzers;

/// <summary>
/// Checks the tool names of each [McpServer] class: valid characters and length (MCPG0008) and unique within the
/// server (MCPG0009: the first declaration, by file path then position, keeps the name; each later one is reported).
/// Inherited tools count (<c>McpMembers.Of</c>); a duplicate in a base class is reported there.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ToolNameAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Descriptors.InvalidToolName, Descriptors.DuplicateToolName);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (McpSymbols.Create(start.Compilation) is { } symbols)
            {
                start.RegisterSymbolAction(symbolContext => AnalyzeType(symbolContext, symbols), SymbolKind.NamedType);
            }
        });
    }

    private static void AnalyzeType(SymbolAnalysisContext context, McpSymbols symbols)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (symbols.ServerAttributeOf(type) is null)
        {
            return;
        }

        var first = new Dictionary<string, IMethodSymbol>(System.StringComparer.Ordinal);
        foreach ((IMethodSymbol method, AttributeData attribute) in symbols.ToolsOf(type))
        {
            if (method.Locations.Length == 0 || !method.Locations[0].IsInSource)
            {
                continue;
            }

            string name = ToolNames.Of(method, attribute);
            Location location = ToolNames.NameLocation(method, attribute, context.CancellationToken);
            if (!ToolNames.IsValid(name))
            {
                symbols.Report(context, Diagnostic.Create(Descriptors.InvalidToolName, location, name));
                continue;
            }

            if (first.TryGetValue(name, out IMethodSymbol? owner))
            {
                symbols.Report(context, Diagnostic.Create(
                    Descriptors.DuplicateToolName,
                    location,
                    ImmutableDictionary<string, string?>.Empty
                        .Add(DiagnosticIds.ToolNameProperty, name)
                        .Add(DiagnosticIds.ServerTypeProperty, McpGen.Generator.Parsing.TypeFacts.MetadataName(type)),
                    type.Name,
                    name,
                    owner.Name));
            }
            else
            {
                first.Add(name, method);
            }
        }
    }
}
