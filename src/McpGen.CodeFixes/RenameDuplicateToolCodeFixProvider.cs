using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using McpGen.Analyzers;
using McpGen.Generator.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace McpGen.CodeFixes;

/// <summary>
/// MCPG0009: names the duplicate tool <c>&lt;name&gt;_2</c> (or the next free suffix) through <c>[McpTool("...")]</c>.
/// No Fix All: every rename must see the names the previous ones chose.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RenameDuplicateToolCodeFixProvider)), Shared]
public sealed class RenameDuplicateToolCodeFixProvider : CodeFixProvider
{
    /// <summary>The equivalence key of the fix.</summary>
    public const string EquivalenceKey = "McpGen.RenameDuplicateTool";

    private const string ToolAttributeName = "McpGen.McpToolAttribute";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.DuplicateToolName);

    /// <inheritdoc />
    public override FixAllProvider? GetFixAllProvider() => null;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        SemanticModel? model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || model is null || model.Compilation.GetTypeByMetadataName(ToolAttributeName) is not { } toolAttribute)
        {
            return;
        }

        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            if (root.FindNode(diagnostic.Location.SourceSpan).FirstAncestorOrSelf<MethodDeclarationSyntax>() is not { } method
                || model.GetDeclaredSymbol(method, context.CancellationToken) is not { } symbol
                || ToolAttributeSyntax(method, model, toolAttribute, context.CancellationToken) is not { } attribute)
            {
                continue;
            }

            string current = diagnostic.Properties.TryGetValue(DiagnosticIds.ToolNameProperty, out string? name) && name is not null
                ? name
                : Names.ToSnakeCase(symbol.Name);
            // The duplicate may sit in a base class of the server the diagnostic names: avoid the names of its whole hierarchy.
            INamedTypeSymbol server = diagnostic.Properties.TryGetValue(DiagnosticIds.ServerTypeProperty, out string? serverName) && serverName is not null
                && model.Compilation.GetTypeByMetadataName(serverName) is { } named
                    ? named
                    : symbol.ContainingType;
            string unique = UniqueName(current, ToolNamesOf(server, toolAttribute));
            context.RegisterCodeFix(
                CodeAction.Create(
                    $"Rename tool to '{unique}'",
                    _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(attribute, WithName(attribute, unique)))),
                    EquivalenceKey),
                diagnostic);
        }
    }

    private static AttributeSyntax? ToolAttributeSyntax(MethodDeclarationSyntax method, SemanticModel model, INamedTypeSymbol toolAttribute, CancellationToken cancellationToken)
        => method.AttributeLists
            .SelectMany(list => list.Attributes)
            .FirstOrDefault(a => SymbolEqualityComparer.Default.Equals(model.GetTypeInfo(a, cancellationToken).Type, toolAttribute));

    /// <summary>The tool names declared on <paramref name="type"/> and its base classes (a superset of what it serves).</summary>
    private static HashSet<string> ToolNamesOf(INamedTypeSymbol type, INamedTypeSymbol toolAttribute)
    {
        var names = new HashSet<string>(System.StringComparer.Ordinal);
        for (INamedTypeSymbol? current = type; current is not null; current = current.BaseType)
        {
            foreach (IMethodSymbol method in current.GetMembers().OfType<IMethodSymbol>())
            {
                AttributeData? data = method.GetAttributes().FirstOrDefault(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, toolAttribute));
                if (data is not null)
                {
                    names.Add(data.ConstructorArguments.Length == 1 && data.ConstructorArguments[0].Value is string explicitName
                        ? explicitName
                        : Names.ToSnakeCase(method.Name));
                }
            }
        }

        return names;
    }

    private static string UniqueName(string name, HashSet<string> taken)
    {
        for (int suffix = 2; ; suffix++)
        {
            string candidate = name + "_" + suffix.ToString(CultureInfo.InvariantCulture);
            if (!taken.Contains(candidate))
            {
                return candidate;
            }
        }
    }

    /// <summary>Sets the positional name argument of <c>[McpTool]</c>, keeping the named ones.</summary>
    private static AttributeSyntax WithName(AttributeSyntax attribute, string name)
    {
        AttributeArgumentSyntax argument = SyntaxFactory.AttributeArgument(
            SyntaxFactory.LiteralExpression(SyntaxKind.StringLiteralExpression, SyntaxFactory.Literal(name)));
        if (attribute.ArgumentList is not { } list)
        {
            return attribute.WithArgumentList(SyntaxFactory.AttributeArgumentList(SyntaxFactory.SingletonSeparatedList(argument)));
        }

        int index = list.Arguments.IndexOf(a => a.NameEquals is null);
        return attribute.WithArgumentList(index >= 0
            ? list.WithArguments(list.Arguments.Replace(list.Arguments[index], argument.WithTriviaFrom(list.Arguments[index])))
            : list.WithArguments(Syntax.CommaSeparated(new[] { argument }.Concat(list.Arguments))));
    }
}
