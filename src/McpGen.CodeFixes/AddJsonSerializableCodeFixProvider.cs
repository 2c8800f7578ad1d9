using System.Collections.Generic;
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
using Microsoft.CodeAnalysis.Simplification;

namespace McpGen.CodeFixes;

/// <summary>
/// MCPG0012: adds <c>[JsonSerializable(typeof(T))]</c> to a JsonSerializerContext declared in the project, after its
/// last [JsonSerializable] (or its last attribute). One action per context, so a project with several contexts picks.
/// No Fix All: the edits land in the context's file, not in the diagnostics' files.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddJsonSerializableCodeFixProvider)), Shared]
public sealed class AddJsonSerializableCodeFixProvider : CodeFixProvider
{
    /// <summary>The prefix of the equivalence key; the context's full name follows.</summary>
    public const string EquivalenceKeyPrefix = "McpGen.AddJsonSerializable:";

    private const string ContextTypeName = "System.Text.Json.Serialization.JsonSerializerContext";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.TypeMissingFromJsonContext);

    /// <inheritdoc />
    public override FixAllProvider? GetFixAllProvider() => null;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        Compilation? compilation = await context.Document.Project.GetCompilationAsync(context.CancellationToken).ConfigureAwait(false);
        if (compilation?.GetTypeByMetadataName(ContextTypeName) is not { } contextType)
        {
            return;
        }

        List<INamedTypeSymbol> contexts = Contexts(compilation.Assembly.GlobalNamespace, contextType)
            .Where(c => c.DeclaringSyntaxReferences.Any(r => context.Document.Project.GetDocument(r.SyntaxTree) is not null))
            .OrderBy(c => c.ToDisplayString(), System.StringComparer.Ordinal)
            .ToList();
        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            if (!diagnostic.Properties.TryGetValue(DiagnosticIds.TypeNameProperty, out string? typeName) || typeName is null)
            {
                continue;
            }

            string display = diagnostic.Properties.TryGetValue(DiagnosticIds.TypeDisplayProperty, out string? shown) && shown is not null ? shown : typeName;
            foreach (INamedTypeSymbol target in contexts)
            {
                string contextName = target.ToDisplayString();
                context.RegisterCodeFix(
                    CodeAction.Create(
                        $"Add [JsonSerializable(typeof({display}))] to '{target.Name}'",
                        cancellationToken => AddAsync(context.Document.Project.Solution, target, typeName, cancellationToken),
                        EquivalenceKeyPrefix + contextName),
                    diagnostic);
            }
        }
    }

    private static IEnumerable<INamedTypeSymbol> Contexts(INamespaceOrTypeSymbol container, INamedTypeSymbol contextType)
    {
        foreach (ISymbol member in container.GetMembers())
        {
            if (member is INamespaceOrTypeSymbol nested)
            {
                if (nested is INamedTypeSymbol { TypeKind: TypeKind.Class, IsAbstract: false } type && DerivesFrom(type, contextType))
                {
                    yield return type;
                }

                foreach (INamedTypeSymbol found in Contexts(nested, contextType))
                {
                    yield return found;
                }
            }
        }
    }

    private static bool DerivesFrom(INamedTypeSymbol type, INamedTypeSymbol baseType)
    {
        for (INamedTypeSymbol? current = type.BaseType; current is not null; current = current.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(current, baseType))
            {
                return true;
            }
        }

        return false;
    }

    private static async Task<Solution> AddAsync(Solution solution, INamedTypeSymbol target, string typeName, CancellationToken cancellationToken)
    {
        // The declaration that already lists types, else the first one in a project document.
        ClassDeclarationSyntax? declaration = null;
        Document? document = null;
        foreach (SyntaxReference reference in target.DeclaringSyntaxReferences)
        {
            if (solution.GetDocument(reference.SyntaxTree) is not { } candidate
                || await reference.GetSyntaxAsync(cancellationToken).ConfigureAwait(false) is not ClassDeclarationSyntax syntax)
            {
                continue;
            }

            if (declaration is null || LastSerializable(syntax) >= 0)
            {
                declaration = syntax;
                document = candidate;
                if (LastSerializable(syntax) >= 0)
                {
                    break;
                }
            }
        }

        if (declaration is null || document is null)
        {
            return solution;
        }

        AttributeListSyntax attribute = SyntaxFactory.AttributeList(SyntaxFactory.SingletonSeparatedList(
            SyntaxFactory.Attribute(
                SyntaxFactory.ParseName("global::System.Text.Json.Serialization.JsonSerializable").WithAdditionalAnnotations(Simplifier.Annotation),
                SyntaxFactory.AttributeArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.AttributeArgument(
                    SyntaxFactory.TypeOfExpression(SyntaxFactory.ParseTypeName(typeName).WithAdditionalAnnotations(Simplifier.Annotation))))))));

        ClassDeclarationSyntax updated;
        SyntaxTriviaList indentation = Indentation(declaration);
        if (declaration.AttributeLists.Count > 0)
        {
            int last = LastSerializable(declaration);
            int index = last >= 0 ? last : declaration.AttributeLists.Count - 1;
            AttributeListSyntax newList = attribute
                .WithLeadingTrivia(indentation)
                .WithTrailingTrivia(declaration.AttributeLists[index].GetTrailingTrivia());
            updated = declaration.WithAttributeLists(declaration.AttributeLists.Insert(index + 1, newList));
        }
        else
        {
            SyntaxTriviaList leading = declaration.GetLeadingTrivia();
            SyntaxTrivia newline = declaration.SyntaxTree.GetRoot(cancellationToken).DescendantTrivia().FirstOrDefault(t => t.IsKind(SyntaxKind.EndOfLineTrivia));
            AttributeListSyntax newList = attribute
                .WithLeadingTrivia(leading)
                .WithTrailingTrivia(newline.IsKind(SyntaxKind.EndOfLineTrivia) ? newline : SyntaxFactory.LineFeed);
            updated = declaration.WithoutLeadingTrivia().WithAttributeLists(SyntaxFactory.SingletonList(newList));
            updated = updated.ReplaceToken(updated.AttributeLists[0].GetLastToken().GetNextToken(), updated.AttributeLists[0].GetLastToken().GetNextToken().WithLeadingTrivia(indentation));
        }

        SyntaxNode root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false) ?? declaration.SyntaxTree.GetRoot(cancellationToken);
        Document changed = document.WithSyntaxRoot(root.ReplaceNode(declaration, updated));
        changed = await Simplifier.ReduceAsync(changed, Simplifier.Annotation, cancellationToken: cancellationToken).ConfigureAwait(false);
        return changed.Project.Solution;
    }

    /// <summary>The index of the last attribute list holding a [JsonSerializable], or -1.</summary>
    private static int LastSerializable(ClassDeclarationSyntax declaration)
    {
        for (int i = declaration.AttributeLists.Count - 1; i >= 0; i--)
        {
            if (declaration.AttributeLists[i].Attributes.Any(a => Simple(a.Name) is "JsonSerializable" or "JsonSerializableAttribute"))
            {
                return i;
            }
        }

        return -1;
    }

    private static string Simple(NameSyntax name) => name switch
    {
        QualifiedNameSyntax qualified => qualified.Right.Identifier.ValueText,
        AliasQualifiedNameSyntax alias => alias.Name.Identifier.ValueText,
        SimpleNameSyntax simple => simple.Identifier.ValueText,
        _ => string.Empty,
    };

    /// <summary>The whitespace that starts the declaration's line.</summary>
    private static SyntaxTriviaList Indentation(ClassDeclarationSyntax declaration)
    {
        SyntaxTriviaList leading = declaration.GetLeadingTrivia();
        return leading.Count > 0 && leading[leading.Count - 1].IsKind(SyntaxKind.WhitespaceTrivia)
            ? SyntaxFactory.TriviaList(leading[leading.Count - 1])
            : SyntaxFactory.TriviaList();
    }
}
