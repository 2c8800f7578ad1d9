using System.Collections.Immutable;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace McpGen.Analyzers.Tests;

/// <summary>
/// Runs an analyzer over markup source and compares its diagnostics exactly: <c>{|MCPG0001:Name|}</c> marks where
/// MCPG0001 must be reported; nothing else may be.
/// </summary>
internal static partial class AnalyzerVerifier
{
    private static readonly ImmutableArray<MetadataReference> References =
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .Append(MetadataReference.CreateFromFile(typeof(McpServerAttribute).Assembly.Location))
            .ToImmutableArray();

    public static async Task VerifyAsync(DiagnosticAnalyzer analyzer, string markup)
    {
        (string source, List<(string Id, TextSpan Span)> expected) = Parse(markup);
        CSharpCompilation compilation = CSharpCompilation.Create(
            "AnalyzerTest",
            [CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest), path: "Input.cs")],
            References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

        ImmutableArray<Diagnostic> diagnostics = await compilation
            .WithAnalyzers([analyzer])
            .GetAnalyzerDiagnosticsAsync();

        var actual = diagnostics
            .Select(d => (d.Id, d.Location.SourceSpan))
            .OrderBy(d => d.SourceSpan.Start)
            .ToList();
        Assert.Equal(expected.OrderBy(d => d.Span.Start).Select(Describe(source)), actual.Select(d => Describe(source)((d.Id, d.SourceSpan))));
    }

    private static Func<(string Id, TextSpan Span), string> Describe(string source)
        => d => $"{d.Id} at {d.Span.Start}..{d.Span.End} '{source.Substring(d.Span.Start, d.Span.Length)}'";

    private static (string Source, List<(string Id, TextSpan Span)> Expected) Parse(string markup)
    {
        var expected = new List<(string, TextSpan)>();
        var source = new StringBuilder();
        int last = 0;
        foreach (Match match in Marker().Matches(markup))
        {
            source.Append(markup, last, match.Index - last);
            int start = source.Length;
            source.Append(match.Groups["text"].Value);
            expected.Add((match.Groups["id"].Value, TextSpan.FromBounds(start, source.Length)));
            last = match.Index + match.Length;
        }

        source.Append(markup, last, markup.Length - last);
        return (source.ToString(), expected);
    }

    [GeneratedRegex(@"\{\|(?<id>[A-Z]+[0-9]+):(?<text>.*?)\|\}", RegexOptions.Singleline)]
    private static partial Regex Marker();
}
