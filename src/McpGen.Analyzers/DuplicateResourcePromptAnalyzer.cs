using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace McpGen.Analyzers;

/// <summary>
/// Reports resource URIs (or templates) and prompt names used twice within an [McpServer] class (MCPG0019), which
/// <c>ServerParser.WithoutDuplicateUris</c> and <c>ServerParser.WithoutDuplicateNames</c> drop. The first declaration
/// (by file path, then position) is the reference; each later one is reported.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class DuplicateResourcePromptAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.DuplicateResourceOrPrompt);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (McpSymbols.Create(start.Compilation) is { } symbols && (symbols.ResourceAttribute is not null || symbols.PromptAttribute is not null))
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

        var uris = new Dictionary<string, IMethodSymbol>(System.StringComparer.Ordinal);
        foreach ((IMethodSymbol method, AttributeData attribute) in McpSymbols.MethodsWith(type, symbols.ResourceAttribute))
        {
            if (!McpSymbols.IsInSource(method) || attribute.ConstructorArguments.FirstOrDefault().Value is not string { Length: > 0 } uri)
            {
                continue;
            }

            if (uris.TryGetValue(uri, out IMethodSymbol? owner))
            {
                bool template = uri.IndexOf('{') >= 0;
                symbols.Report(context, Diagnostic.Create(
                    Descriptors.DuplicateResourceOrPrompt,
                    SyntaxLocations.Argument(attribute, null, method.Locations[0], context.CancellationToken),
                    type.Name,
                    template ? "a resource template" : "a resource with URI",
                    uri,
                    owner.Name,
                    template ? "template" : "URI"));
            }
            else
            {
                uris.Add(uri, method);
            }
        }

        var prompts = new Dictionary<string, IMethodSymbol>(System.StringComparer.Ordinal);
        foreach ((IMethodSymbol method, AttributeData attribute) in McpSymbols.MethodsWith(type, symbols.PromptAttribute))
        {
            string name = PromptAnalyzer.NameOf(method, attribute);
            if (!McpSymbols.IsInSource(method) || name.Length == 0)
            {
                continue;
            }

            if (prompts.TryGetValue(name, out IMethodSymbol? owner))
            {
                symbols.Report(context, Diagnostic.Create(
                    Descriptors.DuplicateResourceOrPrompt,
                    ToolNames.NameLocation(method, attribute, context.CancellationToken),
                    type.Name,
                    "a prompt named",
                    name,
                    owner.Name,
                    "name with [McpPrompt(\"...\")]"));
            }
            else
            {
                prompts.Add(name, method);
            }
        }
    }
}
