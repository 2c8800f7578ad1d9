using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace McpGen.Analyzers;

/// <summary>
/// Rejects client input (members marked [RequiresMcpClientInput]: elicitation, sampling, roots) asked from an
/// [McpCompletion] method of any server (MCPG0052): MCP carries client input only for tools/call, resources/read and
/// prompts/get. Calls are followed as MCPG0014 follows them (<see cref="MarkedMembers"/>): intraprocedurally, lambdas
/// and local functions included; a completion method that carries the marker itself is reported at its name.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class CompletionClientInputAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.ClientInputInCompletion);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (McpSymbols.Create(start.Compilation) is not { CompletionAttribute: not null, RequiresClientInput: not null } symbols)
            {
                return;
            }

            start.RegisterSymbolAction(symbolContext => AnalyzeDeclaration(symbolContext, symbols), SymbolKind.Method);
            // Operations are looked at only inside completion methods' bodies, not at every call site of the compilation.
            start.RegisterOperationBlockStartAction(block =>
            {
                if (block.OwningSymbol is IMethodSymbol method && IsCompletion(method, symbols))
                {
                    block.RegisterOperationAction(
                        operationContext => AnalyzeOperation(operationContext, symbols),
                        OperationKind.Invocation,
                        OperationKind.ObjectCreation,
                        OperationKind.PropertyReference,
                        OperationKind.MethodReference);
                }
            });
        });
    }

    private static bool IsCompletion(IMethodSymbol method, McpSymbols symbols)
        => McpSymbols.FindAttribute(method, symbols.CompletionAttribute) is not null && symbols.IsServerMember(method);

    private static void AnalyzeDeclaration(SymbolAnalysisContext context, McpSymbols symbols)
    {
        var method = (IMethodSymbol)context.Symbol;
        if (method.Locations.Length > 0 && IsCompletion(method, symbols)
            && MarkedMembers.OwnFeature(method, symbols.RequiresClientInput) is { } feature)
        {
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.ClientInputInCompletion, method.Locations[0], method.Name, feature, method.Name));
        }
    }

    private static void AnalyzeOperation(OperationAnalysisContext context, McpSymbols symbols)
    {
        ISymbol? target = context.Operation switch
        {
            IInvocationOperation invocation => invocation.TargetMethod,
            IObjectCreationOperation creation => creation.Constructor,
            IPropertyReferenceOperation property => property.Property,
            IMethodReferenceOperation reference => reference.Method,
            _ => null,
        };
        if (target is null || MarkedMembers.ContainingMethod(context.ContainingSymbol) is not { } method || !IsCompletion(method, symbols)
            || MarkedMembers.OwnFeature(method, symbols.RequiresClientInput) is not null
            || MarkedMembers.Feature(target, symbols.RequiresClientInput) is not { } feature)
        {
            return;
        }

        context.ReportDiagnostic(Diagnostic.Create(
            Descriptors.ClientInputInCompletion,
            context.Operation.Syntax.GetLocation(),
            method.Name,
            feature,
            MarkedMembers.Describe(target)));
    }
}
