using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using McpGen.Generator.Model;
using McpGen.Generator.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace McpGen.Analyzers;

/// <summary>
/// Checks how the parameters of every handler kind ([McpTool], [McpResource], [McpPrompt], [McpCompletion] methods and
/// the server constructor) are bound, with the generator's own rules (linked <c>ToolParser</c>):
/// an interface or abstract class the service convention excludes (<c>ToolParser.NotAServiceReason</c>: IProgress&lt;int&gt;,
/// Stream...) is MCPG0050; a special value the handler kind cannot receive (<c>ToolParser.SupportsSpecial</c>:
/// IProgress&lt;McpProgress&gt; on a completion, McpCompletionContext outside one, request values in the constructor) is
/// MCPG0051. The generator leaves such handlers out; the other parameter rules (MCPG0011, MCPG0015-MCPG0017) stay quiet
/// about them.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class HandlerParameterAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Descriptors.NotAService, Descriptors.SpecialParameterNotSupported);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (McpSymbols.Create(start.Compilation) is { } symbols)
            {
                start.RegisterSymbolAction(symbolContext => AnalyzeServer(symbolContext, symbols), SymbolKind.NamedType);
            }
        });
    }

    private static void AnalyzeServer(SymbolAnalysisContext context, McpSymbols symbols)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (symbols.ServerAttributeOf(type) is null)
        {
            return;
        }

        bool hasInstanceHandler = false;
        foreach ((IMethodSymbol method, AttributeData attribute) in McpSymbols.MethodsWith(type, symbols.ToolAttribute))
        {
            hasInstanceHandler |= !method.IsStatic;
            AnalyzeMethod(context, symbols, method, HandlerKindSpec.Tool, $"tool '{ToolNames.Of(method, attribute)}'", null);
        }

        foreach ((IMethodSymbol method, AttributeData attribute) in McpSymbols.MethodsWith(type, symbols.ResourceAttribute))
        {
            hasInstanceHandler |= !method.IsStatic;
            string? uri = attribute.ConstructorArguments.FirstOrDefault().Value as string;
            AnalyzeMethod(context, symbols, method, HandlerKindSpec.Resource, $"resource '{(string.IsNullOrEmpty(uri) ? method.Name : uri)}'", uri);
        }

        foreach ((IMethodSymbol method, AttributeData attribute) in McpSymbols.MethodsWith(type, symbols.PromptAttribute))
        {
            hasInstanceHandler |= !method.IsStatic;
            AnalyzeMethod(context, symbols, method, HandlerKindSpec.Prompt, $"prompt '{PromptAnalyzer.NameOf(method, attribute)}'", null);
        }

        foreach ((IMethodSymbol method, AttributeData _) in McpSymbols.MethodsWith(type, symbols.CompletionAttribute))
        {
            hasInstanceHandler |= !method.IsStatic;
            AnalyzeMethod(context, symbols, method, HandlerKindSpec.Completion, $"completion method '{method.Name}'", null);
        }

        if (hasInstanceHandler && !type.IsAbstract && ServerParser.PublicConstructor(type) is { } constructor)
        {
            foreach (IParameterSymbol parameter in constructor.Parameters)
            {
                ReportSpecial(context, symbols, parameter, HandlerKindSpec.Server, $"the constructor of server '{type.Name}'");
            }
        }
    }

    private static void AnalyzeMethod(SymbolAnalysisContext context, McpSymbols symbols, IMethodSymbol method, HandlerKindSpec kind, string handler, string? uri)
    {
        if (!McpSymbols.IsInSource(method) || SyntaxLocations.CallProblem(method) is not null)
        {
            return;
        }

        CancellationToken cancellationToken = context.CancellationToken;
        foreach (IParameterSymbol parameter in method.Parameters)
        {
            if (ReportSpecial(context, symbols, parameter, kind, handler) || !IsCandidate(parameter)
                || ToolParser.SpecialSource(parameter) != ParameterSource.Json || !ToolParser.IsServiceShaped(parameter.Type)
                || ToolParser.NotAServiceReason(parameter.Type) is not { } reason)
            {
                continue;
            }

            // A tool argument with a JSON Schema, or a template variable, is not meant as a service (their rules apply).
            if ((kind == HandlerKindSpec.Tool && ToolTypes.Classify(parameter, context.Compilation, cancellationToken) != ParameterBinding.Special)
                || (kind == HandlerKindSpec.Resource && uri is not null && (uri.Contains("{" + parameter.Name + "}") || uri.Contains("{+" + parameter.Name + "}"))))
            {
                continue;
            }

            symbols.Report(context, Diagnostic.Create(
                Descriptors.NotAService,
                SyntaxLocations.ParameterType(parameter, cancellationToken),
                parameter.Name,
                handler,
                parameter.Type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat),
                reason));
        }
    }

    /// <summary>Reports a special value the handler kind cannot receive; returns whether the parameter is a special value at all.</summary>
    private static bool ReportSpecial(SymbolAnalysisContext context, McpSymbols symbols, IParameterSymbol parameter, HandlerKindSpec kind, string handler)
    {
        if (!IsCandidate(parameter))
        {
            return false;
        }

        ParameterSource source = ToolParser.SpecialSource(parameter);
        if (source is ParameterSource.Json or ParameterSource.Service)
        {
            return false;
        }

        if (!ToolParser.SupportsSpecial(kind, source))
        {
            symbols.Report(context, Diagnostic.Create(
                Descriptors.SpecialParameterNotSupported,
                SyntaxLocations.ParameterType(parameter, context.CancellationToken),
                parameter.Name,
                handler,
                parameter.Type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat),
                KindName(kind),
                Why(kind, source)));
        }

        return true;
    }

    private static bool IsCandidate(IParameterSymbol parameter)
        => parameter.Locations.Length > 0 && parameter.Locations[0].IsInSource
            && !SyntaxLocations.ContainsErrors(parameter.Type) && SyntaxLocations.PassProblem(parameter) is null;

    private static string KindName(HandlerKindSpec kind) => kind switch
    {
        HandlerKindSpec.Server => "a server constructor",
        HandlerKindSpec.Tool => "a tool",
        HandlerKindSpec.Resource => "a resource",
        HandlerKindSpec.Prompt => "a prompt",
        _ => "a completion",
    };

    private static string Why(HandlerKindSpec kind, ParameterSource source)
    {
        if (kind == HandlerKindSpec.Server)
        {
            return "the server is created from dependency injection, which holds no values of the request; take it as a parameter of each handler that needs it";
        }

        return source switch
        {
            ParameterSource.Progress => "a completion answer is always plain JSON, with no stream to report progress on; remove the parameter",
            ParameterSource.CompletionContext => "only [McpCompletion] methods receive McpCompletionContext (the other arguments of the prompt or template being completed); remove the parameter",
            _ => "remove the parameter",
        };
    }
}
