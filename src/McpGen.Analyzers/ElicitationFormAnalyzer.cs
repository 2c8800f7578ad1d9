using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using McpGen.Generator.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace McpGen.Analyzers;

/// <summary>
/// Checks [McpElicitationForm] types: a declaration and constructor the generator can implement and call (MCPG0020),
/// and fields a form can hold (MCPG0021). The verdicts are the generator's own <c>ElicitationParser</c> (linked), so
/// what is reported is exactly what the generator leaves out.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ElicitationFormAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        Descriptors.InvalidElicitationForm,
        Descriptors.UnsupportedElicitationField);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (start.Compilation.GetTypeByMetadataName(ElicitationParser.FormAttribute) is { } formAttribute)
            {
                start.RegisterSymbolAction(symbolContext => AnalyzeType(symbolContext, formAttribute), SymbolKind.NamedType);
            }
        });
    }

    private static void AnalyzeType(SymbolAnalysisContext context, INamedTypeSymbol formAttribute)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (McpSymbols.FindAttribute(type, formAttribute) is null)
        {
            return;
        }

        Location location = NameLocation(type, context);
        if (ElicitationParser.DeclarationProblem(type, context.CancellationToken) is { } problem)
        {
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.InvalidElicitationForm, location, type.Name, problem));
            return;
        }

        ElicitationParser.FormShape shape = ElicitationParser.Analyze(type, context.Compilation, context.CancellationToken);
        if (shape.ConstructorProblem is not null)
        {
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.InvalidElicitationForm, location, type.Name, shape.ConstructorProblem));
            return;
        }

        foreach (KeyValuePair<ISymbol, string> field in shape.FieldProblems)
        {
            Location fieldLocation = field.Key.Locations.FirstOrDefault(l => l.IsInSource) ?? location;
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.UnsupportedElicitationField, fieldLocation, field.Key.Name, type.Name, field.Value));
        }
    }

    /// <summary>The identifier of the first declaration (the one carrying the attribute, when known).</summary>
    private static Location NameLocation(INamedTypeSymbol type, SymbolAnalysisContext context)
    {
        foreach (SyntaxReference reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(context.CancellationToken) is TypeDeclarationSyntax declaration && declaration.AttributeLists.Count > 0)
            {
                return declaration.Identifier.GetLocation();
            }
        }

        return type.Locations.FirstOrDefault() ?? Location.None;
    }
}
