using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using McpGen.Generator.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace McpGen.Analyzers;

/// <summary>
/// Reports <c>[McpHeader]</c> parameters the generator leaves without <c>x-mcp-header</c> (MCPG0033): a name that is not
/// an HTTP token or that another parameter of the tool already uses (case-insensitively), a parameter that is not a
/// string, boolean or small-integer argument, or one that is not an argument of a tool at all. Mirrors
/// <c>ToolParser.Header</c>.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class HeaderParameterAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.InvalidHeaderParameter);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (McpSymbols.Create(start.Compilation) is { } symbols)
            {
                start.RegisterSymbolAction(symbolContext => Analyze(symbolContext, symbols), SymbolKind.Method);
            }
        });
    }

    private static void Analyze(SymbolAnalysisContext context, McpSymbols symbols)
    {
        var method = (IMethodSymbol)context.Symbol;
        bool isTool = symbols.ToolAttributeOf(method) is not null;
        var taken = new List<(string Name, string Parameter)>();
        foreach (IParameterSymbol parameter in method.Parameters)
        {
            if (Decorations.HeaderOf(parameter) is not { } attribute || parameter.Locations.Length == 0 || !parameter.Locations[0].IsInSource)
            {
                continue;
            }

            string name = Decorations.HeaderName(attribute);
            string? reason = Reason(parameter, name, isTool, method, taken, context.Compilation, context.CancellationToken);
            if (reason is null)
            {
                taken.Add((name, parameter.Name));
                continue;
            }

            if (reason.Length > 0)
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    Descriptors.InvalidHeaderParameter,
                    SyntaxLocations.Argument(attribute, null, parameter.Locations[0], context.CancellationToken),
                    parameter.Name,
                    method.Name,
                    reason));
            }
        }
    }

    /// <summary>Why the header is left out; empty when another rule reports the parameter; <see langword="null"/> when it is valid.</summary>
    private static string? Reason(IParameterSymbol parameter, string name, bool isTool, IMethodSymbol method, List<(string Name, string Parameter)> taken, Compilation compilation, System.Threading.CancellationToken cancellationToken)
    {
        if (!isTool)
        {
            return $"'{method.Name}' is not an [McpTool] method, and x-mcp-header only describes tool arguments";
        }

        switch (ToolTypes.Classify(parameter, compilation, cancellationToken))
        {
            case ParameterBinding.Skipped:
            case ParameterBinding.Unsupported:
                return string.Empty; // MCPG0007 or MCPG0011
            case ParameterBinding.Special:
                return "the parameter is not a JSON argument (it is supplied by the runtime or dependency injection), so there is no value to mirror";
        }

        if (Decorations.HeaderNameError(name) is { } nameError)
        {
            return nameError;
        }

        if (!Decorations.IsHeaderType(parameter.Type))
        {
            return $"its type '{parameter.Type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)}' cannot be mirrored: x-mcp-header takes strings "
                + "(and enums, dates, Guid, Uri), booleans and integers up to 32 bits, not numbers with a fraction, 64-bit integers (beyond the JavaScript safe range), objects or arrays";
        }

        (string Name, string Parameter) clash = taken.FirstOrDefault(t => string.Equals(t.Name, name, System.StringComparison.OrdinalIgnoreCase));
        if (clash.Name is not null)
        {
            return $"Mcp-Param-{name} is already mirrored from parameter '{clash.Parameter}' (header names ignore case); give this one another name";
        }

        return null;
    }
}
