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
/// The session-mode family. MCPG0013, MCPG0014 and MCPG0018: give the server a session (<c>Session = McpSessionMode.Store</c>,
/// or <c>Sticky</c> as a second action), replacing <c>Stateless = ...</c> and any previous <c>Session</c>.
/// MCPG0003: remove the <c>Stateless</c> argument that disagrees with <c>Session</c>.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(SessionModeCodeFixProvider)), Shared]
public sealed class SessionModeCodeFixProvider : CodeFixProvider
{
    /// <summary>Equivalence key of the "Session = McpSessionMode.Store" fix.</summary>
    public const string UseStoreKey = "McpGen.UseSessionStore";

    /// <summary>Equivalence key of the "Session = McpSessionMode.Sticky" fix.</summary>
    public const string UseStickyKey = "McpGen.UseSessionSticky";

    /// <summary>Equivalence key of the "remove Stateless" fix.</summary>
    public const string RemoveStatelessKey = "McpGen.RemoveStateless";

    private const string ServerAttributeName = "McpGen.McpServerAttribute";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(
        DiagnosticIds.SessionRequiredOnStatelessServer,
        DiagnosticIds.ClientInputOnStatelessServer,
        DiagnosticIds.SubscribableResourceOnStatelessServer,
        DiagnosticIds.ConflictingSessionSettings);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        SemanticModel? model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (model is null)
        {
            return;
        }

        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            if (ServerAttribute(model, diagnostic.Location.SourceSpan.Start, context.CancellationToken) is not { } attribute)
            {
                continue;
            }

            if (diagnostic.Id == DiagnosticIds.ConflictingSessionSettings)
            {
                context.RegisterCodeFix(
                    CodeAction.Create(
                        "Remove 'Stateless' (keep 'Session')",
                        cancellationToken => RewriteAsync(context.Document.Project.Solution, attribute, mode: null, cancellationToken),
                        RemoveStatelessKey),
                    diagnostic);
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create(
                    "Use Session = McpSessionMode.Store (any replica serves the session)",
                    cancellationToken => RewriteAsync(context.Document.Project.Solution, attribute, "Store", cancellationToken),
                    UseStoreKey),
                diagnostic);
            context.RegisterCodeFix(
                CodeAction.Create(
                    "Use Session = McpSessionMode.Sticky (needs load-balancer affinity)",
                    cancellationToken => RewriteAsync(context.Document.Project.Solution, attribute, "Sticky", cancellationToken),
                    UseStickyKey),
                diagnostic);
        }
    }

    /// <summary>The [McpServer] attribute of the class that encloses <paramref name="position"/>.</summary>
    private static SyntaxReference? ServerAttribute(SemanticModel model, int position, CancellationToken cancellationToken)
    {
        INamedTypeSymbol? serverAttribute = model.Compilation.GetTypeByMetadataName(ServerAttributeName);
        ISymbol? symbol = model.GetEnclosingSymbol(position, cancellationToken);
        INamedTypeSymbol? type = symbol as INamedTypeSymbol ?? symbol?.ContainingType;
        for (; type is not null; type = type.ContainingType)
        {
            AttributeData? data = type.GetAttributes().FirstOrDefault(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, serverAttribute));
            if (data?.ApplicationSyntaxReference is { } reference)
            {
                return reference;
            }
        }

        return null;
    }

    /// <summary>Sets <c>Session = McpSessionMode.{mode}</c> (or, for a null mode, only removes <c>Stateless</c>).</summary>
    private static async Task<Solution> RewriteAsync(Solution solution, SyntaxReference reference, string? mode, CancellationToken cancellationToken)
    {
        if (solution.GetDocument(reference.SyntaxTree) is not { } document
            || await reference.GetSyntaxAsync(cancellationToken).ConfigureAwait(false) is not AttributeSyntax attribute)
        {
            return solution;
        }

        var arguments = attribute.ArgumentList?.Arguments ?? default;
        AttributeArgumentSyntax? session = mode is null
            ? null
            : SyntaxFactory.ParseAttributeArgumentList("(Session = global::McpGen.McpSessionMode." + mode + ")")!.Arguments[0];
        if (session is not null)
        {
            session = session.WithExpression(session.Expression.WithAdditionalAnnotations(Simplifier.Annotation));
        }

        var rewritten = new List<AttributeArgumentSyntax>();
        bool placed = false;
        foreach (AttributeArgumentSyntax argument in arguments)
        {
            string? name = argument.NameEquals?.Name.Identifier.ValueText;
            if (name is "Stateless" or "Session")
            {
                if (name == "Session" && mode is null)
                {
                    rewritten.Add(argument);
                }
                else if (session is not null && !placed)
                {
                    rewritten.Add(session.WithTriviaFrom(argument));
                    placed = true;
                }

                continue;
            }

            rewritten.Add(argument);
        }

        if (session is not null && !placed)
        {
            rewritten.Add(session);
        }

        AttributeSyntax newAttribute = rewritten.Count == 0
            ? attribute.WithArgumentList(null)
            : attribute.WithArgumentList((attribute.ArgumentList ?? SyntaxFactory.AttributeArgumentList()).WithArguments(Syntax.CommaSeparated(rewritten)));
        SyntaxNode root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false) ?? attribute.SyntaxTree.GetRoot(cancellationToken);
        Document changed = document.WithSyntaxRoot(root.ReplaceNode(attribute, newAttribute));
        changed = await Simplifier.ReduceAsync(changed, Simplifier.Annotation, cancellationToken: cancellationToken).ConfigureAwait(false);
        return changed.Project.Solution;
    }
}
