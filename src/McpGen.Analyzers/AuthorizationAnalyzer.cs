using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using McpGen.Generator.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace McpGen.Analyzers;

/// <summary>
/// Per-handler authorization that cannot mean what it says: [AllowAnonymous] beside [Authorize]/[McpScope] on the same
/// handler or server class (MCPG0060), a scope that is not an OAuth scope token (MCPG0061), and authorization attributes
/// on a completion method, which follows its prompt or template (MCPG0062).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class AuthorizationAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Descriptors.AnonymousWithRequirements, Descriptors.InvalidScope, Descriptors.AuthorizationOnCompletion);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (McpSymbols.Create(start.Compilation) is { } symbols)
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

        ImmutableArray<AttributeData> classAttributes = type.GetAttributes();
        CheckScopes(context, classAttributes, type.Name);
        AttributeData? classAnonymous = First(classAttributes, AuthorizationParser.AllowAnonymousAttribute);
        if (classAnonymous is not null && Requirements(classAttributes) is { } classRequirements)
        {
            Report(context, Descriptors.AnonymousWithRequirements, classAnonymous, type.Locations[0], $"Server class '{type.Name}'", classRequirements);
        }

        foreach (IMethodSymbol method in type.GetMembers().OfType<IMethodSymbol>())
        {
            ImmutableArray<AttributeData> attributes = method.GetAttributes();
            bool handler = attributes.Any(a => AuthorizationParser.Is(a, McpSymbols.ToolAttributeName)
                || AuthorizationParser.Is(a, McpSymbols.ResourceAttributeName) || AuthorizationParser.Is(a, McpSymbols.PromptAttributeName));
            bool completion = attributes.Any(a => AuthorizationParser.Is(a, McpSymbols.CompletionAttributeName));
            if (!handler)
            {
                if (completion)
                {
                    foreach (AttributeData attribute in attributes.Where(IsAuthorizationAttribute))
                    {
                        Report(context, Descriptors.AuthorizationOnCompletion, attribute, method.Locations[0], "[" + ShortName(attribute) + "]", method.Name);
                    }
                }

                continue;
            }

            CheckScopes(context, attributes, method.Name);
            if (Requirements(attributes) is not { } requirements)
            {
                continue;
            }

            if (First(attributes, AuthorizationParser.AllowAnonymousAttribute) is { } anonymous)
            {
                Report(context, Descriptors.AnonymousWithRequirements, anonymous, method.Locations[0], $"Handler '{method.Name}'", requirements);
            }
            else if (classAnonymous is not null)
            {
                Report(context, Descriptors.AnonymousWithRequirements, classAnonymous, type.Locations[0], $"Handler '{method.Name}' (through [AllowAnonymous] on '{type.Name}')", requirements);
            }
        }
    }

    /// <summary>MCPG0061 for every scope of every [McpScope] in <paramref name="attributes"/> that is not a scope token.</summary>
    private static void CheckScopes(SymbolAnalysisContext context, ImmutableArray<AttributeData> attributes, string owner)
    {
        foreach (AttributeData attribute in attributes.Where(a => AuthorizationParser.Is(a, AuthorizationParser.ScopeAttribute)))
        {
            List<string> scopes = AuthorizationParser.Scopes(attribute).ToList();
            Location location = attribute.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken).GetLocation() ?? Location.None;
            if (scopes.Count == 0)
            {
                context.ReportDiagnostic(Diagnostic.Create(Descriptors.InvalidScope, location, owner, "names no scope"));
                continue;
            }

            foreach (string scope in scopes)
            {
                if (Problem(scope) is { } problem)
                {
                    context.ReportDiagnostic(Diagnostic.Create(Descriptors.InvalidScope, location, owner, problem));
                }
            }
        }
    }

    /// <summary>Why <paramref name="scope"/> is not an RFC 6749 scope-token (%x21 / %x23-5B / %x5D-7E), or <see langword="null"/>.</summary>
    private static string? Problem(string scope)
    {
        if (scope.Trim().Length == 0)
        {
            return scope.Length == 0 ? "has an empty scope" : "has a scope of only whitespace";
        }

        if (scope.Contains(' '))
        {
            return $"has the scope \"{scope}\", which contains a space (two scopes in one string)";
        }

        foreach (char c in scope)
        {
            if (c < 0x21 || c > 0x7E || c == '"' || c == '\\')
            {
                return $"has the scope \"{scope}\", which contains the character U+{(int)c:X4}";
            }
        }

        return null;
    }

    /// <summary>"[Authorize]", "[McpScope]" or both, when <paramref name="attributes"/> require anything.</summary>
    private static string? Requirements(ImmutableArray<AttributeData> attributes)
    {
        bool authorize = attributes.Any(a => AuthorizationParser.Is(a, AuthorizationParser.AuthorizeAttribute));
        bool scope = attributes.Any(a => AuthorizationParser.Is(a, AuthorizationParser.ScopeAttribute));
        return (authorize, scope) switch
        {
            (true, true) => "[Authorize] and [McpScope]",
            (true, false) => "[Authorize]",
            (false, true) => "[McpScope]",
            _ => null,
        };
    }

    private static bool IsAuthorizationAttribute(AttributeData attribute)
        => AuthorizationParser.Is(attribute, AuthorizationParser.AuthorizeAttribute)
            || AuthorizationParser.Is(attribute, AuthorizationParser.AllowAnonymousAttribute)
            || AuthorizationParser.Is(attribute, AuthorizationParser.ScopeAttribute);

    private static string ShortName(AttributeData attribute)
    {
        string name = attribute.AttributeClass?.Name ?? "";
        return name.EndsWith("Attribute", System.StringComparison.Ordinal) ? name.Substring(0, name.Length - "Attribute".Length) : name;
    }

    private static AttributeData? First(ImmutableArray<AttributeData> attributes, string metadataName)
        => attributes.FirstOrDefault(a => AuthorizationParser.Is(a, metadataName));

    private static void Report(SymbolAnalysisContext context, DiagnosticDescriptor descriptor, AttributeData attribute, Location fallback, params object[] arguments)
    {
        Location location = attribute.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken).GetLocation() ?? fallback;
        context.ReportDiagnostic(Diagnostic.Create(descriptor, location, arguments));
    }
}
