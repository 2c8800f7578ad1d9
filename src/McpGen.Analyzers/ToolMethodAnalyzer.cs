using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace McpGen.Analyzers;

/// <summary>
/// Checks the shape of [McpTool] methods: inside an [McpServer] class (MCPG0004), not generic (MCPG0005), not
/// async void (MCPG0006), no ref/out/in/pointer parameters (MCPG0007).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ToolMethodAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        Descriptors.ToolOutsideServer,
        Descriptors.GenericTool,
        Descriptors.AsyncVoidTool,
        Descriptors.ByRefToolParameter);

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
        if (symbols.ToolAttributeOf(method) is null || method.Locations.Length == 0)
        {
            return;
        }

        Location name = method.Locations[0];
        if (!symbols.IsServerMember(method))
        {
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.ToolOutsideServer, name, method.Name, method.ContainingType.Name));
        }

        if (method.IsGenericMethod)
        {
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.GenericTool, name, method.Name));
        }

        if (method.IsAsync && method.ReturnsVoid)
        {
            Location location = method.DeclaringSyntaxReferences.Length > 0
                && method.DeclaringSyntaxReferences[0].GetSyntax(context.CancellationToken) is MethodDeclarationSyntax declaration
                ? declaration.ReturnType.GetLocation()
                : name;
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.AsyncVoidTool, location, method.Name));
        }

        foreach (IParameterSymbol parameter in method.Parameters)
        {
            string? problem = parameter.RefKind switch
            {
                RefKind.Ref => "passed by ref",
                RefKind.Out => "an out parameter",
                RefKind.In => "passed by in",
                RefKind.RefReadOnlyParameter => "passed by ref readonly",
                _ => parameter.Type.TypeKind is TypeKind.Pointer or TypeKind.FunctionPointer ? "a pointer" : null,
            };
            if (problem is not null && parameter.Locations.Length > 0)
            {
                context.ReportDiagnostic(Diagnostic.Create(Descriptors.ByRefToolParameter, parameter.Locations[0], parameter.Name, method.Name, problem));
            }
        }
    }
}
