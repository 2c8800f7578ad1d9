using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace McpGen.CodeFixes;

/// <summary>Small syntax helpers shared by the fixers.</summary>
internal static class Syntax
{
    /// <summary>A list separated by <c>", "</c>; the nodes keep their own trivia.</summary>
    public static SeparatedSyntaxList<T> CommaSeparated<T>(IEnumerable<T> nodes)
        where T : SyntaxNode
    {
        var list = nodes.Select(n => n.WithoutLeadingTrivia().WithTrailingTrivia(n.GetTrailingTrivia().Where(t => !t.IsKind(SyntaxKind.WhitespaceTrivia)))).ToList();
        return SyntaxFactory.SeparatedList(
            list,
            Enumerable.Repeat(SyntaxFactory.Token(SyntaxKind.CommaToken).WithTrailingTrivia(SyntaxFactory.Space), System.Math.Max(0, list.Count - 1)));
    }
}
