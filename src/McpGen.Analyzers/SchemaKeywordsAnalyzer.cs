using System.Collections.Immutable;
using McpGen.Generator.Parsing;
using McpGen.Generator.Schema;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace McpGen.Analyzers;

/// <summary>
/// Reports <c>[McpSchema]</c> text the generator cannot add to a schema (MCPG0032): not JSON, not an object, a keyword
/// the C# type decides, or <c>$schema</c> below a tool's input schema. The checks are the generator's own
/// (<c>SchemaKeywords</c>), which leave such keywords out.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class SchemaKeywordsAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.InvalidSchemaKeywords);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (McpSymbols.Create(start.Compilation) is not null)
            {
                start.RegisterSymbolAction(Analyze, SymbolKind.NamedType, SymbolKind.Method, SymbolKind.Property);
            }
        });
    }

    private static void Analyze(SymbolAnalysisContext context)
    {
        ISymbol symbol = context.Symbol;
        Check(context, symbol, isToolRoot: symbol is IMethodSymbol { MethodKind: MethodKind.Ordinary });
        if (symbol is IMethodSymbol method)
        {
            foreach (IParameterSymbol parameter in method.Parameters)
            {
                Check(context, parameter, isToolRoot: false);
            }
        }
    }

    private static void Check(SymbolAnalysisContext context, ISymbol symbol, bool isToolRoot)
    {
        if (symbol.Locations.Length == 0 || !symbol.Locations[0].IsInSource
            || TypeFacts.GetAttribute(symbol, SchemaKeywords.AttributeName) is not { } attribute)
        {
            return;
        }

        SchemaKeywords.Read(symbol, isToolRoot, out string? error);
        if (error is not null)
        {
            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.InvalidSchemaKeywords,
                SyntaxLocations.Argument(attribute, null, symbol.Locations[0], context.CancellationToken),
                symbol.Name,
                error));
        }
    }
}
