using System.Collections.Immutable;
using McpGen.Generator.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace McpGen.Analyzers;

/// <summary>
/// Reports tool parameters whose type has no JSON Schema mapping (MCPG0011), using the generator's own schema builder,
/// so a tool is never silently left out of <c>tools/list</c>.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ToolParameterTypeAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.UnsupportedParameterType);

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
        if (symbols.ToolAttributeOf(method) is null || !symbols.IsServerMember(method))
        {
            return;
        }

        foreach (IParameterSymbol parameter in method.Parameters)
        {
            if (ToolTypes.Classify(parameter, context.Compilation, context.CancellationToken) != ParameterBinding.Unsupported
                || parameter.Locations.Length == 0)
            {
                continue;
            }

            Location location = parameter.DeclaringSyntaxReferences.Length > 0
                && parameter.DeclaringSyntaxReferences[0].GetSyntax(context.CancellationToken) is ParameterSyntax { Type: { } type }
                ? type.GetLocation()
                : parameter.Locations[0];
            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.UnsupportedParameterType,
                location,
                parameter.Name,
                method.Name,
                parameter.Type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat),
                Reason(parameter.Type)));
        }
    }

    private static string Reason(ITypeSymbol type)
    {
        type = TypeFacts.UnwrapNullable(type) ?? type;
        if (type.IsRefLikeType)
        {
            return " (a ref struct cannot be read from JSON)";
        }

        if (type is IArrayTypeSymbol { Rank: > 1 })
        {
            return " (use a jagged array or a list instead of a multi-dimensional array)";
        }

        if (TypeFacts.TryGetDictionary(type, out ITypeSymbol key, out _))
        {
            return key.SpecialType == SpecialType.System_String ? " (its value type has none)" : " (dictionary keys must be strings)";
        }

        if (TypeFacts.TryGetCollection(type, out _, out _))
        {
            return " (its element type has none)";
        }

        if (type.TypeKind == TypeKind.Delegate)
        {
            return " (a delegate cannot be read from JSON)";
        }

        if (type.IsTupleType)
        {
            return " (use a record instead of a tuple)";
        }

        string ns = type.ContainingNamespace?.ToDisplayString() ?? string.Empty;
        if (ns == "System" || ns.StartsWith("System.", System.StringComparison.Ordinal) || ns.StartsWith("Microsoft.", System.StringComparison.Ordinal))
        {
            return " (framework types other than the supported ones have none)";
        }

        return type.TypeKind is TypeKind.Class or TypeKind.Struct && !type.IsAbstract ? " (one of its properties has none)" : string.Empty;
    }
}
