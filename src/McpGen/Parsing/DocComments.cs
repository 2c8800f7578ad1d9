using System;
using System.Linq;
using System.Text;
using System.Threading;
using System.Xml;
using System.Xml.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace McpGen.Generator.Parsing;

/// <summary>
/// Reads <c>&lt;summary&gt;</c> and <c>&lt;param&gt;</c> from XML doc comments. Works whether or not the compilation
/// parses documentation comments: with <c>GenerateDocumentationFile</c> (DocumentationMode.Parse/Diagnose) Roslyn
/// supplies the XML; without it (DocumentationMode.None) the <c>///</c> lines are plain comment trivia, read here.
/// </summary>
internal static class DocComments
{
    public static XElement? Read(ISymbol symbol, CancellationToken cancellationToken)
    {
        string? xml = symbol.GetDocumentationCommentXml(cancellationToken: cancellationToken);
        if (string.IsNullOrWhiteSpace(xml))
        {
            xml = ReadFromTrivia(symbol, cancellationToken);
        }

        if (string.IsNullOrWhiteSpace(xml))
        {
            return null;
        }

        try
        {
            return XElement.Parse(xml, LoadOptions.PreserveWhitespace);
        }
        catch (XmlException)
        {
            return null;
        }
    }

    public static string? Summary(XElement? doc) => Text(doc?.Element("summary"));

    public static string? Param(XElement? doc, string name)
        => Text(doc?.Elements("param").FirstOrDefault(p => (string?)p.Attribute("name") == name));

    private static string? ReadFromTrivia(ISymbol symbol, CancellationToken cancellationToken)
    {
        foreach (SyntaxReference reference in symbol.DeclaringSyntaxReferences)
        {
            SyntaxNode node = reference.GetSyntax(cancellationToken);
            var lines = new StringBuilder();
            foreach (SyntaxTrivia trivia in node.GetLeadingTrivia())
            {
                if (trivia.IsKind(SyntaxKind.SingleLineCommentTrivia) || trivia.IsKind(SyntaxKind.SingleLineDocumentationCommentTrivia))
                {
                    foreach (string line in trivia.ToFullString().Split('\n'))
                    {
                        string trimmed = line.Trim();
                        if (trimmed.StartsWith("///", StringComparison.Ordinal))
                        {
                            lines.Append(trimmed.Substring(3)).Append('\n');
                        }
                    }
                }
            }

            if (lines.Length > 0)
            {
                return "<member>" + lines + "</member>";
            }
        }

        return null;
    }

    private static string? Text(XElement? element)
    {
        if (element is null)
        {
            return null;
        }

        var text = new StringBuilder();
        Append(text, element);
        string collapsed = Collapse(text.ToString());
        return collapsed.Length == 0 ? null : collapsed;
    }

    private static void Append(StringBuilder text, XElement element)
    {
        foreach (XNode node in element.Nodes())
        {
            switch (node)
            {
                case XText t:
                    text.Append(t.Value);
                    break;
                case XElement e when e.Name.LocalName is "see" or "seealso":
                    string? reference = (string?)e.Attribute("cref") ?? (string?)e.Attribute("langword") ?? (string?)e.Attribute("href");
                    if (e.Nodes().Any())
                    {
                        Append(text, e);
                    }
                    else if (reference is not null)
                    {
                        text.Append(ShortName(reference));
                    }

                    break;
                case XElement e when e.Name.LocalName is "paramref" or "typeparamref":
                    text.Append((string?)e.Attribute("name"));
                    break;
                case XElement e when e.Name.LocalName is "para" or "br":
                    text.Append(' ');
                    Append(text, e);
                    text.Append(' ');
                    break;
                case XElement e:
                    Append(text, e);
                    break;
            }
        }
    }

    private static readonly System.Collections.Generic.Dictionary<string, string> s_keywords = new()
    {
        ["System.Boolean"] = "bool", ["System.Byte"] = "byte", ["System.SByte"] = "sbyte", ["System.Char"] = "char",
        ["System.Int16"] = "short", ["System.UInt16"] = "ushort", ["System.Int32"] = "int", ["System.UInt32"] = "uint",
        ["System.Int64"] = "long", ["System.UInt64"] = "ulong", ["System.Single"] = "float", ["System.Double"] = "double",
        ["System.Decimal"] = "decimal", ["System.String"] = "string", ["System.Object"] = "object",
    };

    private static string ShortName(string cref)
    {
        // Parsed doc comments give documentation IDs ("T:System.Int32"); raw trivia gives what was written ("int").
        if (cref.StartsWith("T:", StringComparison.Ordinal) && s_keywords.TryGetValue(cref.Substring(2), out string? keyword))
        {
            return keyword;
        }

        // "T:System.String" -> "String"; "M:N.C.M(System.Int32)" -> "M".
        int colon = cref.IndexOf(':');
        string name = colon >= 0 && colon <= 1 ? cref.Substring(colon + 1) : cref;
        int paren = name.IndexOf('(');
        if (paren >= 0)
        {
            name = name.Substring(0, paren);
        }

        int dot = name.LastIndexOf('.');
        return dot >= 0 ? name.Substring(dot + 1) : name;
    }

    private static string Collapse(string text)
    {
        var output = new StringBuilder(text.Length);
        bool space = false;
        foreach (char c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                space = output.Length > 0;
            }
            else
            {
                if (space)
                {
                    output.Append(' ');
                    space = false;
                }

                output.Append(c);
            }
        }

        return output.ToString();
    }
}
