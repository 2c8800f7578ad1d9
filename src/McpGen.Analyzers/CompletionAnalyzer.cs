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
/// Checks the [McpCompletion] methods of each [McpServer] class (MCPG0017): the method shape of
/// <c>CompletionParser</c>, the target and argument that <c>ServerParser.ValidCompletions</c> requires, and targets
/// claimed twice (every claim after the first, by file path then position, is reported).
/// </summary>
/// <remarks>
/// Prompts and templates are read with the generator's own (linked) <c>PromptParser</c> and
/// <c>ResourceParser.TryParseTemplate</c>; a target that exists but is itself invalid is left to MCPG0015/MCPG0016.
/// The parameter and return checks mirror <c>CompletionParser.Parameter</c> and <c>CompletionParser.IsStringSequence</c>
/// in src/McpGen/Parsing/CompletionParser.cs and must stay in sync with them.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class CompletionAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.InvalidCompletion);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (McpSymbols.Create(start.Compilation) is { CompletionAttribute: not null } symbols)
            {
                start.RegisterSymbolAction(symbolContext => AnalyzeType(symbolContext, symbols), SymbolKind.NamedType);
            }
        });
    }

    private static void AnalyzeType(SymbolAnalysisContext context, McpSymbols symbols)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (symbols.ServerAttributeOf(type) is null)
        {
            return;
        }

        CancellationToken cancellationToken = context.CancellationToken;
        var methods = McpMembers.Of(type)
            .Where(McpSymbols.IsInSource)
            .Select(m => (Method: m, Attributes: m.GetAttributes().Where(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, symbols.CompletionAttribute)).ToList()))
            .Where(m => m.Attributes.Count > 0)
            .OrderBy(m => m.Method.Locations[0].SourceTree?.FilePath, System.StringComparer.Ordinal)
            .ThenBy(m => m.Method.Locations[0].SourceSpan.Start)
            .ToList();
        if (methods.Count == 0)
        {
            return;
        }

        var prompts = McpSymbols.MethodsWith(type, symbols.PromptAttribute)
            .Select(p => (Name: PromptAnalyzer.NameOf(p.Method, p.Attribute), Spec: PromptParser.Parse(p.Method, p.Attribute, cancellationToken)))
            .ToList();
        var resources = McpSymbols.MethodsWith(type, symbols.ResourceAttribute)
            .Select(r => r.Attribute.ConstructorArguments.FirstOrDefault().Value as string)
            .Where(uri => !string.IsNullOrEmpty(uri))
            .Select(uri => uri!)
            .ToList();
        var claims = new Dictionary<(bool, string, string), IMethodSymbol>();
        foreach ((IMethodSymbol method, List<AttributeData> attributes) in methods)
        {
            void Report(Location location, string problem)
                => symbols.Report(context, Diagnostic.Create(Descriptors.InvalidCompletion, location, method.Name, problem));

            if (method.Parameters.Any(p => SyntaxLocations.ContainsErrors(p.Type)) || SyntaxLocations.ContainsErrors(method.ReturnType))
            {
                continue;
            }

            bool shapeOk = CheckShape(method, Report, cancellationToken);
            int acceptable = 0;
            var valid = new List<(AttributeData Attribute, bool IsPrompt, string Target, string Argument)>();
            foreach (AttributeData attribute in attributes)
            {
                Location Where(string? name) => SyntaxLocations.Argument(attribute, name, method.Locations[0], cancellationToken);
                string? prompt = ServerParser.NamedString(attribute, "Prompt");
                string? template = ServerParser.NamedString(attribute, "ResourceTemplate");
                string? argument = ServerParser.NamedString(attribute, "Argument");
                if (prompt is not null && template is not null)
                {
                    Report(Where("ResourceTemplate"), "[McpCompletion] sets both Prompt and ResourceTemplate; set exactly one (use one attribute per target)");
                    continue;
                }

                if (prompt is null && template is null)
                {
                    Report(Where(null), "[McpCompletion] sets neither Prompt nor ResourceTemplate; set Prompt = \"<prompt name>\" or ResourceTemplate = \"<template as declared>\"");
                    continue;
                }

                if (string.IsNullOrEmpty(argument))
                {
                    Report(Where("Argument"), $"[McpCompletion] has no Argument; set Argument to the {(prompt is not null ? "prompt argument" : "template variable")} it completes");
                    continue;
                }

                acceptable++;
                (string? problem, bool atTarget) = prompt is not null
                    ? PromptProblem(prompt, argument!, prompts, type.Name)
                    : TemplateProblem(template!, argument!, resources, type.Name);
                if (problem is not null)
                {
                    if (problem.Length > 0)
                    {
                        Report(Where(!atTarget ? "Argument" : prompt is not null ? "Prompt" : "ResourceTemplate"), problem);
                    }

                    continue;
                }

                valid.Add((attribute, prompt is not null, (prompt ?? template)!, argument!));
            }

            if (shapeOk && acceptable > 0 && !CompletionParser.Parse(method, attributes).Any())
            {
                Report(method.Locations[0], "the generator does not accept this method; take the partial value as a string and return IEnumerable<string> (or a Task/ValueTask of it)");
                continue;
            }

            if (!shapeOk)
            {
                continue;
            }

            foreach ((AttributeData attribute, bool isPrompt, string target, string argument) in valid)
            {
                if (claims.TryGetValue((isPrompt, target, argument), out IMethodSymbol? owner))
                {
                    Report(
                        SyntaxLocations.Argument(attribute, "Argument", method.Locations[0], cancellationToken),
                        $"method '{owner.Name}' already completes {(isPrompt ? "argument" : "variable")} '{argument}' of {(isPrompt ? "prompt" : "template")} '{target}', and the generator leaves out both; keep one");
                }
                else
                {
                    claims.Add((isPrompt, target, argument), method);
                }
            }
        }
    }

    /// <summary>Reports what the generator rejects in the method itself; returns whether nothing was.</summary>
    private static bool CheckShape(IMethodSymbol method, System.Action<Location, string> report, CancellationToken cancellationToken)
    {
        if (SyntaxLocations.CallProblem(method) is { } callProblem)
        {
            report(method.Locations[0], callProblem);
            return false;
        }

        bool ok = true;
        bool hasValue = false;
        foreach (IParameterSymbol parameter in method.Parameters)
        {
            if (parameter.Locations.Length == 0)
            {
                continue;
            }

            if (SyntaxLocations.PassProblem(parameter) is { } passProblem)
            {
                report(parameter.Locations[0], $"parameter '{parameter.Name}' is {passProblem}; take a plain value parameter");
                ok = false;
                continue;
            }

            ParameterSource source = ToolParser.SpecialSource(parameter);
            if (source != ParameterSource.Json)
            {
                // A special value completions cannot receive (IProgress<McpProgress>) is MCPG0051.
                ok &= ToolParser.SupportsSpecial(HandlerKindSpec.Completion, source);
                continue;
            }

            if (parameter.Type.SpecialType == SpecialType.System_String && !hasValue)
            {
                hasValue = true;
                continue;
            }

            if (ToolParser.IsServiceShaped(parameter.Type))
            {
                // An interface or abstract class the service convention excludes is MCPG0050.
                ok &= ToolParser.NotAServiceReason(parameter.Type) is null;
            }
            else
            {
                report(
                    SyntaxLocations.ParameterType(parameter, cancellationToken),
                    $"parameter '{parameter.Name}' cannot be bound: the first string parameter receives the partial value, and the others must be a McpCompletionContext, a CancellationToken, another special value or a service; use McpCompletionContext for the other arguments");
                ok = false;
            }
        }

        if (!hasValue)
        {
            report(method.Locations[0], "it has no string parameter for the partial value; add one, such as 'string value'");
            ok = false;
        }

        ITypeSymbol? result = ToolParser.UnwrapTask(method.ReturnType, out _);
        if (result is null || !IsStringSequence(result))
        {
            report(
                SyntaxLocations.ReturnType(method, cancellationToken),
                $"it returns '{method.ReturnType.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)}'; return IEnumerable<string> (a string[] or List<string> too) or a Task/ValueTask of it");
            ok = false;
        }

        return ok;
    }

    /// <summary>
    /// What is wrong with a prompt target: a message, an empty string when the prompt exists but is itself invalid
    /// (reported elsewhere), or <see langword="null"/>; and whether it is the target (else the argument) that is wrong.
    /// </summary>
    private static (string? Problem, bool AtTarget) PromptProblem(string prompt, string argument, List<(string Name, PromptSpec? Spec)> prompts, string server)
    {
        var matches = prompts.Where(p => p.Name == prompt).ToList();
        if (matches.Count == 0)
        {
            return ($"server '{server}' has no prompt named '{prompt}'; name one of its prompts ({List(prompts.Select(p => p.Name))})", true);
        }

        if (matches.Count > 1 || matches[0].Spec is not { } spec)
        {
            return (string.Empty, true);
        }

        var arguments = spec.Parameters.Where(p => p.Source == ParameterSource.Json).Select(p => p.Name).ToList();
        return arguments.Contains(argument)
            ? (null, false)
            : ($"prompt '{prompt}' has no argument '{argument}'; name one of its arguments ({List(arguments)})", false);
    }

    /// <summary>As <see cref="PromptProblem"/>, for a resource template target.</summary>
    private static (string? Problem, bool AtTarget) TemplateProblem(string template, string argument, List<string> resources, string server)
    {
        var templates = resources.Where(uri => uri.IndexOf('{') >= 0).ToList();
        int count = resources.Count(uri => uri == template);
        if (count == 0)
        {
            return ($"server '{server}' has no resource template '{template}'; name one of its templates exactly as declared ({List(templates)})", true);
        }

        if (template.IndexOf('{') < 0)
        {
            return ($"server '{server}' has a resource with the fixed URI '{template}', which has no variables to complete; name one of its templates ({List(templates)})", true);
        }

        var parts = new List<UriTemplatePartSpec>();
        if (count > 1 || !ResourceParser.TryParseTemplate(template, parts))
        {
            return (string.Empty, true);
        }

        var variables = parts.Where(p => p.IsVariable).Select(p => p.Text).ToList();
        return variables.Contains(argument)
            ? (null, false)
            : ($"template '{template}' has no variable '{argument}'; name one of its variables ({List(variables)})", false);
    }

    private static string List(IEnumerable<string> names)
    {
        string list = string.Join(", ", names.Select(n => "'" + n + "'"));
        return list.Length == 0 ? "it has none" : list;
    }

    /// <summary>Mirrors <c>CompletionParser.IsStringSequence</c>.</summary>
    private static bool IsStringSequence(ITypeSymbol type)
    {
        if (type.SpecialType == SpecialType.System_String)
        {
            return false;
        }

        if (type is IArrayTypeSymbol { Rank: 1 } array)
        {
            return array.ElementType.SpecialType == SpecialType.System_String;
        }

        IEnumerable<INamedTypeSymbol> candidates = type is INamedTypeSymbol named ? type.AllInterfaces.Concat(new[] { named }) : type.AllInterfaces;
        return candidates.Any(i => TypeFacts.Is(i, "System.Collections.Generic.IEnumerable`1") && i.TypeArguments[0].SpecialType == SpecialType.System_String);
    }
}
