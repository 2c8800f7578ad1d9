using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using McpGen.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace McpGen.CodeFixes;

/// <summary>
/// MCPG0050, and MCPG0011 on a class, interface or delegate parameter: marks the parameter <c>[FromServices]</c>, so it
/// is resolved from dependency injection (and checked at startup by <c>MapMcp</c>). Adds
/// <c>using Microsoft.AspNetCore.Mvc;</c> when the attribute is not in scope.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddFromServicesCodeFixProvider)), Shared]
public sealed class AddFromServicesCodeFixProvider : CodeFixProvider
{
    /// <summary>The equivalence key of the fix.</summary>
    public const string EquivalenceKey = "McpGen.AddFromServices";

    private const string Namespace = "Microsoft.AspNetCore.Mvc";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.NotAService, DiagnosticIds.UnsupportedParameterType);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        SemanticModel? model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root?.FindNode(context.Span).FirstAncestorOrSelf<ParameterSyntax>() is not { Type: not null } parameter || model is null
            || model.Compilation.GetTypeByMetadataName(Namespace + ".FromServicesAttribute") is null)
        {
            return;
        }

        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            // A value type, array, tuple or collection without a JSON mapping is not something DI would hold.
            if (diagnostic.Id == DiagnosticIds.UnsupportedParameterType && !CouldBeService(model.GetDeclaredSymbol(parameter, context.CancellationToken)?.Type))
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create(
                    $"Add [FromServices] to '{parameter.Identifier.ValueText}'",
                    cancellationToken => AddAttributeAsync(context.Document, parameter, cancellationToken),
                    EquivalenceKey),
                diagnostic);
        }
    }

    private static bool CouldBeService(ITypeSymbol? type)
        => type is INamedTypeSymbol { TypeKind: TypeKind.Class or TypeKind.Interface or TypeKind.Delegate, IsRefLikeType: false, IsTupleType: false } named
            && (named.TypeKind == TypeKind.Delegate || !named.AllInterfaces.Any(i => i.ToDisplayString() == "System.Collections.IEnumerable"));

    private static async Task<Document> AddAttributeAsync(Document document, ParameterSyntax parameter, CancellationToken cancellationToken)
    {
        SyntaxNode? root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        SemanticModel? model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (root is not CompilationUnitSyntax unit || model is null)
        {
            return document;
        }

        bool inScope = model.LookupNamespacesAndTypes(parameter.SpanStart, name: "FromServicesAttribute")
            .Any(s => s.ContainingNamespace?.ToDisplayString() == Namespace);
        AttributeListSyntax attribute = SyntaxFactory.AttributeList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Attribute(SyntaxFactory.IdentifierName("FromServices"))))
            .WithTrailingTrivia(SyntaxFactory.Space);
        ParameterSyntax changed = parameter.AttributeLists.Count == 0 && parameter.Modifiers.Count == 0
            ? parameter.WithType(parameter.Type!.WithoutLeadingTrivia()).WithAttributeLists(SyntaxFactory.SingletonList(attribute.WithLeadingTrivia(parameter.Type!.GetLeadingTrivia())))
            : parameter.AddAttributeLists(attribute);
        unit = unit.ReplaceNode(parameter, changed);
        if (!inScope)
        {
            unit = AddUsing(unit);
        }

        return document.WithSyntaxRoot(unit);
    }

    /// <summary>Adds <c>using Microsoft.AspNetCore.Mvc;</c> in order among the top-level usings (System ones first).</summary>
    private static CompilationUnitSyntax AddUsing(CompilationUnitSyntax unit)
    {
        UsingDirectiveSyntax directive = SyntaxFactory.UsingDirective(SyntaxFactory.ParseName(Namespace))
            .WithUsingKeyword(SyntaxFactory.Token(SyntaxKind.UsingKeyword).WithTrailingTrivia(SyntaxFactory.Space))
            .WithTrailingTrivia(SyntaxFactory.ElasticCarriageReturnLineFeed);
        SyntaxList<UsingDirectiveSyntax> usings = unit.Usings;
        int index = 0;
        while (index < usings.Count && usings[index].StaticKeyword.IsKind(SyntaxKind.None) && usings[index].Alias is null
            && Before(usings[index].Name?.ToString() ?? string.Empty, Namespace))
        {
            index++;
        }

        if (usings.Count == 0)
        {
            return unit.WithUsings(usings.Add(directive.WithTrailingTrivia(SyntaxFactory.LineFeed, SyntaxFactory.LineFeed)));
        }

        SyntaxTriviaList newline = usings[0].GetTrailingTrivia();
        return unit.WithUsings(usings.Insert(index, directive.WithTrailingTrivia(newline)));
    }

    private static bool Before(string existing, string added)
    {
        bool existingSystem = existing == "System" || existing.StartsWith("System.", System.StringComparison.Ordinal);
        return existingSystem || string.CompareOrdinal(existing, added) < 0;
    }
}
