using System.Collections.Immutable;
using McpGen.Generator.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace McpGen.Analyzers;

/// <summary>
/// Suggests a description for tools that have neither an XML &lt;summary&gt; nor [Description] (MCPG0010, info). Doc
/// comments are read with the generator's own reader (linked), so both agree with or without GenerateDocumentationFile.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ToolDescriptionAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.MissingToolDescription);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (McpSymbols.Create(start.Compilation) is { } symbols)
            {
                start.RegisterSymbolAction(symbolContext => AnalyzeMethod(symbolContext, symbols), SymbolKind.Method);
            }
        });
    }

    private static void AnalyzeMethod(SymbolAnalysisContext context, McpSymbols symbols)
    {
        var method = (IMethodSymbol)context.Symbol;
        if (symbols.ToolAttributeOf(method) is null
            || !symbols.IsServerMember(method)
            || method.Locations.Length == 0
            || McpSymbols.FindAttribute(method, symbols.DescriptionAttribute) is { ConstructorArguments.Length: 1 } description
                && description.ConstructorArguments[0].Value is string { Length: > 0 })
        {
            return;
        }

        if (!string.IsNullOrWhiteSpace(DocComments.Summary(DocComments.Read(method, context.CancellationToken))))
        {
            return;
        }

        context.ReportDiagnostic(Diagnostic.Create(Descriptors.MissingToolDescription, method.Locations[0], method.Name));
    }
}
