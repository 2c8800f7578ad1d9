using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using McpGen.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace McpGen.Generator.Parsing;

/// <summary>
/// Turns an <c>[McpServer]</c> class symbol into a <see cref="ServerSpec"/>. Invalid input is skipped silently
/// (the server, or just the tool): McpGen.Analyzers reports it. Analyzers judge, the generator obeys.
/// </summary>
internal static class ServerParser
{
    public const string ServerAttribute = "McpGen.McpServerAttribute";
    private const string ToolAttribute = "McpGen.McpToolAttribute";
    private const string ResourceAttribute = "McpGen.McpResourceAttribute";
    private const string PromptAttribute = "McpGen.McpPromptAttribute";
    private const string CompletionAttribute = "McpGen.McpCompletionAttribute";

    public static ServerSpec? Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        if (context.TargetSymbol is not INamedTypeSymbol type || !IsValidServerType(type, cancellationToken))
        {
            return null;
        }

        if (!TryGetContainingTypes(type, cancellationToken, out List<TypeDeclarationSpec> containingTypes))
        {
            return null;
        }

        Compilation compilation = context.SemanticModel.Compilation;
        AttributeData attribute = context.Attributes[0];
        var tools = new List<ToolSpec>();
        var resources = new List<ResourceSpec>();
        var prompts = new List<PromptSpec>();
        var completions = new List<CompletionSpec>();
        foreach (IMethodSymbol method in McpMembers.Of(type))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (TypeFacts.GetAttribute(method, ToolAttribute) is { } toolAttribute
                && ToolParser.Parse(method, toolAttribute, compilation, cancellationToken) is { } tool)
            {
                tools.Add(tool with { Authorization = AuthorizationParser.Parse(method, type) });
            }

            if (TypeFacts.GetAttribute(method, ResourceAttribute) is { } resourceAttribute
                && ResourceParser.Parse(method, resourceAttribute, resources.Count, cancellationToken) is { } resource)
            {
                resources.Add(resource with { Authorization = AuthorizationParser.Parse(method, type) });
            }

            if (TypeFacts.GetAttribute(method, PromptAttribute) is { } promptAttribute
                && PromptParser.Parse(method, promptAttribute, cancellationToken) is { } prompt)
            {
                prompts.Add(prompt with { Authorization = AuthorizationParser.Parse(method, type) });
            }

            AttributeData[] completionAttributes = method.GetAttributes()
                .Where(a => TypeFacts.Is(a.AttributeClass, CompletionAttribute))
                .ToArray();
            if (completionAttributes.Length > 0)
            {
                completions.AddRange(CompletionParser.Parse(method, completionAttributes));
            }
        }

        tools = WithoutDuplicateNames(tools);
        resources = WithoutDuplicateUris(resources);
        prompts = WithoutDuplicateNames(prompts);
        completions = ValidCompletions(completions, resources, prompts);
        var constructor = new List<ServiceSpec>();
        DisposeKind dispose = DisposeKind.None;
        if (tools.Any(t => !t.IsStatic) || resources.Any(r => !r.IsStatic) || prompts.Any(p => !p.IsStatic) || completions.Any(c => !c.IsStatic))
        {
            if (type.IsAbstract || !TryGetConstructorServices(type, constructor))
            {
                return null;
            }

            dispose = TypeFacts.Implements(type, "System.IAsyncDisposable") ? DisposeKind.AsyncDisposable
                : TypeFacts.Implements(type, "System.IDisposable") ? DisposeKind.Disposable
                : DisposeKind.None;
        }

        var requirements = new List<RequirementSpec>();
        if (constructor.Count > 0 && PublicConstructor(type) is { } ctor)
        {
            requirements.AddRange(ctor.Parameters
                .Select(p => ToolParser.ServiceRequirement(HandlerKindSpec.Server, type.Name, p))
                .Where(r => r is not null)
                .Select(r => r!));
        }

        requirements.AddRange(tools.SelectMany(t => t.Requirements));
        requirements.AddRange(resources.SelectMany(r => r.Requirements));
        requirements.AddRange(prompts.SelectMany(p => p.Requirements));
        requirements.AddRange(completions.SelectMany(c => c.Requirements));
        string ns = type.ContainingNamespace is { IsGlobalNamespace: false } containing ? containing.ToDisplayString() : string.Empty;
        string hintPrefix = string.Join(".", containingTypes.Select(t => t.Name).Concat(new[] { type.Name }));
        return new ServerSpec(
            HintName: (ns.Length > 0 ? ns + "." : string.Empty) + hintPrefix + ".McpServer.g.cs",
            Namespace: ns,
            ContainingTypes: containingTypes.ToEquatableArray(),
            Declaration: Declaration(type),
            TypeName: TypeFacts.Name(type),
            Name: NamedString(attribute, "Name") ?? type.Name,
            Version: NamedString(attribute, "Version") ?? AssemblyVersion(compilation) ?? "1.0.0",
            Title: NamedString(attribute, "Title"),
            Instructions: NamedString(attribute, "Instructions"),
            SessionMode: SessionMode(attribute),
            Constructor: constructor.ToEquatableArray(),
            Dispose: dispose,
            Tools: tools.ToEquatableArray(),
            Resources: resources.ToEquatableArray(),
            Prompts: prompts.ToEquatableArray(),
            Completions: completions.ToEquatableArray(),
            IconsJson: Decorations.Icons(type)?.ToJson(),
            LegacySse: attribute.NamedArguments.Any(a => a.Key == "LegacySse" && a.Value.Value is true),
            Requirements: requirements.Distinct().ToEquatableArray());
    }

    private static bool IsValidServerType(INamedTypeSymbol type, CancellationToken cancellationToken)
        => type.TypeKind == TypeKind.Class && !type.IsStatic && !type.IsGenericType && IsPartial(type, cancellationToken);

    private static bool IsPartial(INamedTypeSymbol type, CancellationToken cancellationToken)
        => type.DeclaringSyntaxReferences.Length > 0
            && type.DeclaringSyntaxReferences.All(r => r.GetSyntax(cancellationToken) is TypeDeclarationSyntax declaration
                && declaration.Modifiers.Any(SyntaxKind.PartialKeyword));

    private static bool TryGetContainingTypes(INamedTypeSymbol type, CancellationToken cancellationToken, out List<TypeDeclarationSpec> result)
    {
        result = new List<TypeDeclarationSpec>();
        for (INamedTypeSymbol? outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            if (outer.IsGenericType || !IsPartial(outer, cancellationToken))
            {
                return false;
            }

            result.Insert(0, Declaration(outer));
        }

        return true;
    }

    private static TypeDeclarationSpec Declaration(INamedTypeSymbol type)
    {
        string keyword = (type.TypeKind, type.IsRecord) switch
        {
            (TypeKind.Struct, true) => "partial record struct",
            (TypeKind.Struct, false) => "partial struct",
            (TypeKind.Interface, _) => "partial interface",
            (_, true) => "partial record",
            _ => "partial class",
        };
        return new TypeDeclarationSpec(keyword, Literals.Identifier(type.Name));
    }

    private static List<ToolSpec> WithoutDuplicateNames(List<ToolSpec> tools)
    {
        var duplicates = new HashSet<string>(tools.GroupBy(t => t.Name, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key), StringComparer.Ordinal);
        var identifiers = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<ToolSpec>();
        foreach (ToolSpec tool in tools.Where(t => !duplicates.Contains(t.Name)).OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            string identifier = tool.Identifier;
            for (int i = 2; !identifiers.Add(identifier); i++)
            {
                identifier = tool.Identifier + "_" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            result.Add(tool with { Identifier = identifier });
        }

        return result;
    }

    private static List<PromptSpec> WithoutDuplicateNames(List<PromptSpec> prompts)
    {
        var duplicates = new HashSet<string>(prompts.GroupBy(p => p.Name, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key), StringComparer.Ordinal);
        var identifiers = new HashSet<string>(StringComparer.Ordinal);
        return prompts.Where(p => !duplicates.Contains(p.Name))
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .Select(p => p with { Identifier = Unique(p.Identifier, identifiers) })
            .ToList();
    }

    /// <summary>Drops resources sharing a URI (or template); orders fixed URIs, then templates, each by URI (ordinal).</summary>
    private static List<ResourceSpec> WithoutDuplicateUris(List<ResourceSpec> resources)
    {
        var duplicates = new HashSet<string>(resources.GroupBy(r => r.Uri, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key), StringComparer.Ordinal);
        var identifiers = new HashSet<string>(StringComparer.Ordinal);
        return resources.Where(r => !duplicates.Contains(r.Uri))
            .OrderBy(r => r.IsTemplate)
            .ThenBy(r => r.Uri, StringComparer.Ordinal)
            .Select(r => r with { Identifier = Unique(r.Identifier, identifiers) })
            .ToList();
    }

    /// <summary>
    /// Keeps the completions whose prompt argument or template variable exists and that no other completion claims;
    /// orders them prompts first, then by target and argument (ordinal).
    /// </summary>
    private static List<CompletionSpec> ValidCompletions(List<CompletionSpec> completions, List<ResourceSpec> resources, List<PromptSpec> prompts)
    {
        bool Exists(CompletionSpec completion) => completion.IsPrompt
            ? prompts.Any(p => p.Name == completion.Target && p.Parameters.Any(a => a.Source == ParameterSource.Json && a.Name == completion.Argument))
            : resources.Any(r => r.IsTemplate && r.Uri == completion.Target && r.Template.Any(t => t.IsVariable && t.Text == completion.Argument));

        var valid = completions.Where(Exists).ToList();
        var duplicates = new HashSet<(bool, string, string)>(valid.GroupBy(c => (c.IsPrompt, c.Target, c.Argument)).Where(g => g.Count() > 1).Select(g => g.Key));
        var identifiers = new HashSet<string>(StringComparer.Ordinal);
        return valid.Where(c => !duplicates.Contains((c.IsPrompt, c.Target, c.Argument)))
            .OrderBy(c => c.IsPrompt ? 0 : 1)
            .ThenBy(c => c.Target, StringComparer.Ordinal)
            .ThenBy(c => c.Argument, StringComparer.Ordinal)
            .Select(c => c with { Identifier = Unique(c.Identifier, identifiers) })
            .ToList();
    }

    private static string Unique(string identifier, HashSet<string> taken)
    {
        string result = identifier;
        for (int i = 2; !taken.Add(result); i++)
        {
            result = identifier + "_" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return result;
    }

    /// <summary>The constructor the generated code calls: the public one with the most parameters.</summary>
    public static IMethodSymbol? PublicConstructor(INamedTypeSymbol type)
        => type.InstanceConstructors
            .Where(c => c.DeclaredAccessibility == Accessibility.Public)
            .OrderByDescending(c => c.Parameters.Length)
            .FirstOrDefault();

    private static bool TryGetConstructorServices(INamedTypeSymbol type, List<ServiceSpec> services)
    {
        IMethodSymbol? constructor = PublicConstructor(type);
        if (constructor is null)
        {
            return false;
        }

        foreach (IParameterSymbol parameter in constructor.Parameters)
        {
            if (parameter.RefKind != RefKind.None || parameter.Type is IPointerTypeSymbol or IFunctionPointerTypeSymbol || parameter.Type.IsRefLikeType
                || !ToolParser.SupportsSpecial(HandlerKindSpec.Server, ToolParser.SpecialSource(parameter)))
            {
                return false;
            }

            services.Add(ToolParser.Service(parameter));
        }

        return true;
    }

    /// <summary>A named string argument of an attribute, or <see langword="null"/>.</summary>
    public static string? NamedString(AttributeData attribute, string name)
        => attribute.NamedArguments.FirstOrDefault(a => a.Key == name).Value.Value as string;

    private static SessionModeSpec SessionMode(AttributeData attribute)
    {
        foreach (KeyValuePair<string, TypedConstant> argument in attribute.NamedArguments)
        {
            if (argument.Key == "Session" && argument.Value.Value is int session)
            {
                return session switch
                {
                    1 => SessionModeSpec.Sticky,
                    2 => SessionModeSpec.Store,
                    _ => SessionModeSpec.Stateless,
                };
            }
        }

        foreach (KeyValuePair<string, TypedConstant> argument in attribute.NamedArguments)
        {
            if (argument.Key == "Stateless" && argument.Value.Value is false)
            {
                return SessionModeSpec.Sticky;
            }
        }

        return SessionModeSpec.Stateless;
    }

    private static string? AssemblyVersion(Compilation compilation)
    {
        AttributeData? attribute = TypeFacts.GetAttribute(compilation.Assembly, "System.Reflection.AssemblyInformationalVersionAttribute");
        if (attribute is { ConstructorArguments.Length: 1 } && attribute.ConstructorArguments[0].Value is string { Length: > 0 } version)
        {
            int plus = version.IndexOf('+');
            return plus > 0 ? version.Substring(0, plus) : version;
        }

        return null;
    }
}
