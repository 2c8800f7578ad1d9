using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using McpGen.Generator.Model;
using McpGen.Generator.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace McpGen.Analyzers;

/// <summary>
/// Checks the [McpResource] methods of each [McpServer] class: URI template, parameters and return type the generator
/// can serve (MCPG0015) and subscribable resources of a stateless server (MCPG0018).
/// </summary>
/// <remarks>
/// The template verdict is the generator's own <c>ResourceParser.TryParseTemplate</c> and the special and service
/// parameters are <c>ToolParser</c>'s (both linked); the variable types and return types mirror the private
/// <c>ResourceParser.Variable</c> and <c>ResourceParser.Return</c> in src/McpGen/Parsing/ResourceParser.cs and must stay
/// in sync with them. Whatever else <c>ResourceParser.Parse</c> rejects is still reported, at the method name.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ResourceAnalyzer : DiagnosticAnalyzer
{
    private const string ResourceContentsType = "McpGen.ResourceContents";

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        Descriptors.InvalidResource,
        Descriptors.SubscribableResourceOnStatelessServer);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (McpSymbols.Create(start.Compilation) is { ResourceAttribute: not null } symbols)
            {
                start.RegisterSymbolAction(symbolContext => AnalyzeType(symbolContext, symbols), SymbolKind.NamedType);
            }
        });
    }

    private static void AnalyzeType(SymbolAnalysisContext context, McpSymbols symbols)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (symbols.ServerSettingsOf(type) is not { } settings)
        {
            return;
        }

        foreach ((IMethodSymbol method, AttributeData attribute) in McpSymbols.MethodsWith(type, symbols.ResourceAttribute))
        {
            if (!McpSymbols.IsInSource(method))
            {
                continue;
            }

            Location uriLocation = SyntaxLocations.Argument(attribute, null, method.Locations[0], context.CancellationToken);
            string? uri = attribute.ConstructorArguments.FirstOrDefault().Value as string;
            Analyze(context, symbols, method, attribute, uri, uriLocation);
            if (string.IsNullOrEmpty(uri))
            {
                continue;
            }

            if (settings.Mode == SessionMode.Stateless && attribute.NamedArguments.Any(a => a.Key == "Subscribable" && a.Value.Value is true))
            {
                symbols.Report(context, Diagnostic.Create(
                    Descriptors.SubscribableResourceOnStatelessServer,
                    SyntaxLocations.Argument(attribute, "Subscribable", method.Locations[0], context.CancellationToken),
                    uri,
                    type.Name));
            }
        }
    }

    /// <summary>Reports every MCPG0015 of one resource method.</summary>
    private static void Analyze(SymbolAnalysisContext context, McpSymbols symbols, IMethodSymbol method, AttributeData attribute, string? uri, Location uriLocation)
    {
        CancellationToken cancellationToken = context.CancellationToken;
        string shown = string.IsNullOrEmpty(uri) ? method.Name : uri!;
        void Report(Location location, string problem)
            => symbols.Report(context, Diagnostic.Create(Descriptors.InvalidResource, location, shown, method.Name, problem));

        if (method.Parameters.Any(p => SyntaxLocations.ContainsErrors(p.Type)) || SyntaxLocations.ContainsErrors(method.ReturnType))
        {
            return;
        }

        if (string.IsNullOrEmpty(uri))
        {
            Report(uriLocation, "its URI is empty; pass a URI such as \"config://app/settings\" or a template such as \"weather://{city}/forecast\"");
            return;
        }

        if (SyntaxLocations.CallProblem(method) is { } callProblem)
        {
            Report(method.Locations[0], callProblem);
            return;
        }

        bool reported = false;
        bool isTemplate = uri!.IndexOf('{') >= 0;
        var parts = new List<UriTemplatePartSpec>();
        if (isTemplate && !ResourceParser.TryParseTemplate(uri, parts))
        {
            Report(uriLocation, TemplateProblem(uri));
            return;
        }

        var variables = parts.Where(p => p.IsVariable).Select(p => p.Text).ToList();
        foreach (IParameterSymbol parameter in method.Parameters)
        {
            if (parameter.Locations.Length == 0)
            {
                continue;
            }

            if (SyntaxLocations.PassProblem(parameter) is { } passProblem)
            {
                Report(parameter.Locations[0], $"parameter '{parameter.Name}' is {passProblem}; take a plain value parameter");
                reported = true;
                continue;
            }

            ParameterSource source = ToolParser.SpecialSource(parameter);
            if (source != ParameterSource.Json)
            {
                // A special value resources cannot receive is MCPG0051 (the generator leaves the resource out).
                reported |= !ToolParser.SupportsSpecial(HandlerKindSpec.Resource, source);
                continue;
            }

            if (variables.Contains(parameter.Name))
            {
                if (VariableTypeProblem(parameter.Type) is { } typeProblem)
                {
                    Report(SyntaxLocations.ParameterType(parameter, cancellationToken), $"template variable '{parameter.Name}' is bound to {typeProblem}");
                    reported = true;
                }

                continue;
            }

            if (ToolParser.IsServiceShaped(parameter.Type))
            {
                // An interface or abstract class the service convention excludes is MCPG0050.
                reported |= ToolParser.NotAServiceReason(parameter.Type) is not null;
            }
            else
            {
                Report(parameter.Locations[0], isTemplate
                    ? $"parameter '{parameter.Name}' is not a variable of the template; add {{{parameter.Name}}} to the template, rename the parameter to one of its variables ({string.Join(", ", variables)}), or take a special value or a service"
                    : $"parameter '{parameter.Name}' has nothing to bind to, since a fixed URI has no variables; make the URI a template with {{{parameter.Name}}}, or take a special value or a service");
                reported = true;
            }
        }

        foreach (string variable in variables)
        {
            if (!method.Parameters.Any(p => p.Name == variable))
            {
                Report(uriLocation, $"template variable '{variable}' has no parameter; add a parameter named '{variable}' (string, int, long, double, bool, Guid or an enum)");
                reported = true;
            }
        }

        if (ReturnProblem(method.ReturnType) is { } returnProblem)
        {
            Report(SyntaxLocations.ReturnType(method, cancellationToken), returnProblem);
            reported = true;
        }

        if (!reported && ResourceParser.Parse(method, attribute, 0, cancellationToken) is null)
        {
            Report(method.Locations[0], "the generator does not accept this method; check its parameters and return type against the [McpResource] documentation");
        }
    }

    /// <summary>Why <c>ResourceParser.TryParseTemplate</c> rejects a template, in words (the verdict is the parser's).</summary>
    private static string TemplateProblem(string uri)
    {
        const string Supported = "only {name} and {+name} are supported (RFC 6570 level 1 and reserved expansion), with names of letters, digits and '_' not starting with a digit";
        var names = new HashSet<string>(System.StringComparer.Ordinal);
        bool literalSinceVariable = true;
        bool anyVariable = false;
        int i = 0;
        while (i < uri.Length)
        {
            char c = uri[i];
            if (c == '}')
            {
                return $"the template has a '}}' without a '{{' at position {i}; balance the braces";
            }

            if (c != '{')
            {
                literalSinceVariable = true;
                i++;
                continue;
            }

            int close = uri.IndexOf('}', i + 1);
            if (close < 0)
            {
                return $"the template has a '{{' without a '}}' at position {i}; balance the braces";
            }

            string expression = uri.Substring(i + 1, close - i - 1);
            string name = expression.StartsWith("+", System.StringComparison.Ordinal) ? expression.Substring(1) : expression;
            bool valid = name.Length > 0 && !char.IsDigit(name[0])
                && name.All(ch => ch is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_');
            if (!valid)
            {
                return $"the expression '{{{expression}}}' is not supported; {Supported}";
            }

            if (!names.Add(name))
            {
                return $"variable '{name}' appears twice; give each variable its own name";
            }

            if (anyVariable && !literalSinceVariable)
            {
                return $"variable '{name}' follows another variable with no literal text between them, so the URI cannot be split; put a literal such as '/' between them";
            }

            anyVariable = true;
            literalSinceVariable = false;
            i = close + 1;
        }

        return "the generator cannot parse the template; " + Supported;
    }

    /// <summary>Why a type cannot bind a template variable (mirrors <c>ResourceParser.Variable</c>), or <see langword="null"/>.</summary>
    private static string? VariableTypeProblem(ITypeSymbol type)
    {
        string shown = type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat);
        if (TypeFacts.UnwrapNullable(type) is not null)
        {
            return $"'{shown}', but a matched variable always has a value; use the non-nullable type";
        }

        return TypeFacts.PrimitiveKind(type) is ArgumentKind.String or ArgumentKind.Int32 or ArgumentKind.Int64 or ArgumentKind.Double
            or ArgumentKind.Boolean or ArgumentKind.Guid or ArgumentKind.Enum
            ? null
            : $"type '{shown}', which the generator cannot parse from a URI; use string, int, long, double, bool, Guid or an enum, and convert in the method";
    }

    /// <summary>Why the generator cannot write the result (mirrors <c>ResourceParser.Return</c>), or <see langword="null"/>.</summary>
    private static string? ReturnProblem(ITypeSymbol returnType)
    {
        ITypeSymbol? type = ToolParser.UnwrapTask(returnType, out _);
        bool supported = type is not null && type.SpecialType != SpecialType.System_Void
            && (type.SpecialType == SpecialType.System_String
                || type is IArrayTypeSymbol { Rank: 1, ElementType.SpecialType: SpecialType.System_Byte }
                || (type is INamedTypeSymbol { TypeArguments.Length: 1 } memory && TypeFacts.Is(memory, "System.ReadOnlyMemory`1")
                    && memory.TypeArguments[0].SpecialType == SpecialType.System_Byte)
                || TypeFacts.DerivesFrom(type, ResourceContentsType)
                || ToolParser.IsEnumerableOf(type, ResourceContentsType));
        return supported
            ? null
            : $"it returns '{returnType.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)}'; return string (text), byte[] or ReadOnlyMemory<byte> (blob), ResourceContents or a list of them, or a Task/ValueTask of those";
    }
}
