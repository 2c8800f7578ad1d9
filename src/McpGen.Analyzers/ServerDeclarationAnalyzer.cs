using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace McpGen.Analyzers;

/// <summary>
/// Checks the declaration of [McpServer] classes: the generator can only extend non-generic, non-static partial
/// classes, nested only in non-generic partial types (MCPG0001, MCPG0002; the rule of <c>ServerParser.IsValidServerType</c>
/// and <c>TryGetContainingTypes</c> in src/McpGen/Parsing/ServerParser.cs).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ServerDeclarationAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Descriptors.ServerClassNotPartial, Descriptors.UnsupportedServerClass);

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

    private static bool IsPartial(INamedTypeSymbol type, System.Threading.CancellationToken cancellationToken)
        => type.DeclaringSyntaxReferences.All(r => r.GetSyntax(cancellationToken) is TypeDeclarationSyntax declaration
            && declaration.Modifiers.Any(SyntaxKind.PartialKeyword));

    private static void AnalyzeType(SymbolAnalysisContext context, McpSymbols symbols)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (symbols.ServerAttributeOf(type) is null)
        {
            return;
        }

        var declarations = type.DeclaringSyntaxReferences
            .Select(reference => reference.GetSyntax(context.CancellationToken))
            .OfType<ClassDeclarationSyntax>()
            .ToList();
        foreach (ClassDeclarationSyntax declaration in declarations)
        {
            if (!declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
            {
                context.ReportDiagnostic(Diagnostic.Create(Descriptors.ServerClassNotPartial, declaration.Identifier.GetLocation(), type.Name));
            }
        }

        var problems = new List<string>();
        for (INamedTypeSymbol? outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            if (outer.IsGenericType)
            {
                problems.Add("nested in generic '" + outer.Name + "'");
                break;
            }

            if (!IsPartial(outer, context.CancellationToken))
            {
                problems.Add("nested in '" + outer.Name + "', which is not partial");
                break;
            }
        }

        if (type.TypeParameters.Length > 0)
        {
            problems.Add("generic");
        }

        if (type.IsStatic)
        {
            problems.Add("static");
        }

        if (problems.Count > 0 && declarations.Count > 0)
        {
            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.UnsupportedServerClass,
                declarations[0].Identifier.GetLocation(),
                type.Name,
                string.Join(" and ", problems)));
        }
    }
}
