using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using McpGen.Generator.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace McpGen.Analyzers;

/// <summary>
/// Reports <c>[McpIcon]</c> attributes clients cannot use (MCPG0030) and <c>[McpMeta]</c> entries with an invalid or
/// reserved key, a value that is not JSON, or a repeated key (MCPG0031), with the generator's own checks
/// (<c>Decorations</c>), which leave those attributes out.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class MetadataAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.InvalidIcon, Descriptors.InvalidMeta);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (McpSymbols.Create(start.Compilation) is not null)
            {
                start.RegisterSymbolAction(Analyze, SymbolKind.NamedType, SymbolKind.Method);
            }
        });
    }

    private static void Analyze(SymbolAnalysisContext context)
    {
        ISymbol symbol = context.Symbol;
        if (symbol.Locations.Length == 0 || !symbol.Locations[0].IsInSource)
        {
            return;
        }

        foreach (AttributeData icon in Decorations.AttributesOf(symbol, Decorations.IconAttribute))
        {
            if (Decorations.IconError(icon, out string? argument) is { } error)
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    Descriptors.InvalidIcon,
                    SyntaxLocations.Argument(icon, argument, symbol.Locations[0], context.CancellationToken),
                    symbol.Name,
                    error));
            }
        }

        var keys = new HashSet<string>(System.StringComparer.Ordinal);
        foreach (AttributeData meta in Decorations.AttributesOf(symbol, Decorations.MetaAttribute))
        {
            string? error = Decorations.MetaError(meta, out string key, out _);
            int argument = error is not null && Decorations.MetaKeyError(key) is null ? 1 : 0;
            if (error is null && !keys.Add(key))
            {
                error = $"the key '{key}' is already set by an earlier [McpMeta] on '{symbol.Name}'; keep one";
            }

            if (error is not null)
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    Descriptors.InvalidMeta,
                    Positional(meta, argument, symbol.Locations[0], context.CancellationToken),
                    symbol.Name,
                    error));
            }
        }
    }

    /// <summary>The positional argument at <paramref name="index"/> of an attribute, else the attribute, else <paramref name="fallback"/>.</summary>
    private static Location Positional(AttributeData attribute, int index, Location fallback, CancellationToken cancellationToken)
    {
        if (attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is not AttributeSyntax syntax)
        {
            return fallback;
        }

        AttributeArgumentSyntax[] positional = (syntax.ArgumentList?.Arguments ?? default)
            .Where(a => a.NameEquals is null && a.NameColon is null)
            .ToArray();
        return index < positional.Length ? positional[index].GetLocation() : syntax.GetLocation();
    }
}
