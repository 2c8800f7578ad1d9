using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace McpGen.Analyzers;

/// <summary>
/// Judges task tools (<c>[McpTool(Task = McpTaskSupport.Optional | Required)]</c>): a task outlives the request that
/// created it, so a tool that takes the request's <c>HttpContext</c> gets a detached copy without its headers and
/// connection (MCPG0070); <c>Rerunnable = true</c> on a tool that is never a task does nothing (MCPG0071).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class TaskToolAnalyzer : DiagnosticAnalyzer
{
    private const string HttpContextName = "Microsoft.AspNetCore.Http.HttpContext";

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Descriptors.TaskToolTakesHttpContext, Descriptors.RerunnableWithoutTask);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (McpSymbols.Create(start.Compilation) is { } symbols)
            {
                INamedTypeSymbol? httpContext = start.Compilation.GetTypeByMetadataName(HttpContextName);
                start.RegisterSymbolAction(symbolContext => Analyze(symbolContext, symbols, httpContext), SymbolKind.Method);
            }
        });
    }

    private static void Analyze(SymbolAnalysisContext context, McpSymbols symbols, INamedTypeSymbol? httpContext)
    {
        var method = (IMethodSymbol)context.Symbol;
        if (symbols.ToolAttributeOf(method) is not { } attribute || method.Locations.Length == 0 || !method.Locations[0].IsInSource)
        {
            return;
        }

        int support = 0;
        bool rerunnable = false;
        foreach (KeyValuePair<string, TypedConstant> argument in attribute.NamedArguments)
        {
            if (argument.Key == "Task" && argument.Value.Value is int value)
            {
                support = value;
            }
            else if (argument.Key == "Rerunnable" && argument.Value.Value is true)
            {
                rerunnable = true;
            }
        }

        if (support == 0)
        {
            if (rerunnable)
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    Descriptors.RerunnableWithoutTask,
                    SyntaxLocations.Argument(attribute, "Rerunnable", method.Locations[0], context.CancellationToken),
                    method.Name));
            }

            return;
        }

        if (httpContext is null)
        {
            return;
        }

        foreach (IParameterSymbol parameter in method.Parameters)
        {
            if (SymbolEqualityComparer.Default.Equals(parameter.Type, httpContext) && parameter.Locations.Length > 0 && parameter.Locations[0].IsInSource)
            {
                context.ReportDiagnostic(Diagnostic.Create(Descriptors.TaskToolTakesHttpContext, parameter.Locations[0], method.Name, parameter.Name));
            }
        }
    }
}
