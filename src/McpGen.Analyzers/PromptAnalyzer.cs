using System.Collections.Immutable;
using McpGen.Generator.Model;
using McpGen.Generator.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace McpGen.Analyzers;

/// <summary>
/// Checks the [McpPrompt] methods of each [McpServer] class: parameters are strings, special values or services
/// (MCPG0016, the rule of <c>PromptParser.Parameter</c> in src/McpGen/Parsing/PromptParser.cs, through the linked
/// <c>ToolParser</c> helpers).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class PromptAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Descriptors.NonStringPromptParameter);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (McpSymbols.Create(start.Compilation) is { PromptAttribute: not null } symbols)
            {
                start.RegisterSymbolAction(symbolContext => AnalyzeType(symbolContext, symbols), SymbolKind.NamedType);
            }
        });
    }

    /// <summary>The prompt name as the generator computes it: <c>[McpPrompt("name")]</c>, else the snake_case method name.</summary>
    public static string NameOf(IMethodSymbol method, AttributeData attribute)
        => attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Value is string name ? name : Names.ToSnakeCase(method.Name);

    private static void AnalyzeType(SymbolAnalysisContext context, McpSymbols symbols)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (symbols.ServerAttributeOf(type) is null)
        {
            return;
        }

        foreach ((IMethodSymbol method, AttributeData attribute) in McpSymbols.MethodsWith(type, symbols.PromptAttribute))
        {
            if (!McpSymbols.IsInSource(method))
            {
                continue;
            }

            string name = NameOf(method, attribute);
            foreach (IParameterSymbol parameter in method.Parameters)
            {
                if (parameter.Locations.Length > 0 && Problem(parameter) is { } problem)
                {
                    symbols.Report(context, Diagnostic.Create(
                        Descriptors.NonStringPromptParameter,
                        SyntaxLocations.ParameterType(parameter, context.CancellationToken),
                        parameter.Name,
                        name,
                        problem));
                }
            }
        }
    }

    /// <summary>What the parameter is, when the generator cannot bind it to a prompt argument; else <see langword="null"/>.</summary>
    private static string? Problem(IParameterSymbol parameter)
    {
        ITypeSymbol type = parameter.Type;
        if (SyntaxLocations.ContainsErrors(type))
        {
            return null;
        }

        if (SyntaxLocations.PassProblem(parameter) is { } passProblem)
        {
            return passProblem;
        }

        // Special values and interfaces/abstract classes: bound, or reported by MCPG0050/MCPG0051.
        if (ToolParser.SpecialSource(parameter) != ParameterSource.Json || type.SpecialType == SpecialType.System_String || ToolParser.IsServiceShaped(type))
        {
            return null;
        }

        return $"of type '{type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)}'";
    }
}
