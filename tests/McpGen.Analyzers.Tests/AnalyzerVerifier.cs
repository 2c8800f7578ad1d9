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
/// MCPG0001 must be reported; nothing else may be. The sources must compile without errors (so a test cannot pass
/// on broken code), and the analyzer must not throw. Optional expected messages are compared in order of
/// (file, position).
/// </summary>
internal static partial class AnalyzerVerifier
{
    public static readonly ImmutableArray<MetadataReference> References =
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .Append(MetadataReference.CreateFromFile(typeof(McpServerAttribute).Assembly.Location))
            .ToImmutableArray();

    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    public static readonly CSharpCompilationOptions CompilationOptions = new(
        OutputKind.DynamicallyLinkedLibrary,
        nullableContextOptions: NullableContextOptions.Enable,
        allowUnsafe: true);

    public static Task VerifyAsync(DiagnosticAnalyzer analyzer, string markup)
        => VerifyAsync(analyzer, [markup], []);

    public static Task VerifyAsync(DiagnosticAnalyzer analyzer, string markup, params string[] messages)
        => VerifyAsync(analyzer, [markup], messages);

    public static async Task VerifyAsync(DiagnosticAnalyzer analyzer, string[] markups, string[] messages, params string[] allowedCompilerErrors)
    {
        var files = markups.Select((markup, i) => (Path: FileName(i, markups.Length), Parsed: Parse(markup))).ToList();
        CSharpCompilation compilation = CreateCompilation(files.Select(f => (f.Path, f.Parsed.Source)));
        AssertCompiles(compilation, allowedCompilerErrors);

        ImmutableArray<Diagnostic> diagnostics = await GetDiagnosticsAsync(compilation, analyzer);
        var actual = diagnostics
            .OrderBy(d => d.Location.SourceTree!.FilePath, StringComparer.Ordinal)
            .ThenBy(d => d.Location.SourceSpan.Start)
            .ThenBy(d => d.Id, StringComparer.Ordinal)
            .ToList();
        var expected = files
            .SelectMany(f => f.Parsed.Expected.Select(e => (f.Path, f.Parsed.Source, e.Id, e.Span)))
            .OrderBy(e => e.Path, StringComparer.Ordinal)
            .ThenBy(e => e.Span.Start)
            .ThenBy(e => e.Id, StringComparer.Ordinal)
            .Select(e => Describe(e.Path, e.Id, e.Source, e.Span))
            .ToList();

        Assert.Equal(expected, actual.Select(d => Describe(d.Location.SourceTree!.FilePath, d.Id, d.Location.SourceTree.ToString(), d.Location.SourceSpan)));
        if (messages.Length > 0)
        {
            Assert.Equal(messages, actual.Select(d => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)));
        }
    }

    public static string FileName(int index, int count) => count == 1 ? "Input.cs" : $"Input{index}.cs";

    public static CSharpCompilation CreateCompilation(IEnumerable<(string Path, string Source)> files)
        => CSharpCompilation.Create(
            "AnalyzerTest",
            files.Select(f => CSharpSyntaxTree.ParseText(f.Source, ParseOptions, path: f.Path)),
            References,
            CompilationOptions);

    public static void AssertCompiles(Compilation compilation, params string[] allowedErrors)
    {
        var errors = compilation.GetDiagnostics()
            .Where(d => d.Severity == DiagnosticSeverity.Error && !allowedErrors.Contains(d.Id))
            .Select(d => d.ToString())
            .ToList();
        Assert.True(errors.Count == 0, "The test source does not compile:\n" + string.Join("\n", errors));
    }

    public static async Task<ImmutableArray<Diagnostic>> GetDiagnosticsAsync(Compilation compilation, params DiagnosticAnalyzer[] analyzers)
    {
        var exceptions = new List<Exception>();
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions([]),
            onAnalyzerException: (exception, _, _) => { lock (exceptions) { exceptions.Add(exception); } },
            concurrentAnalysis: true,
            logAnalyzerExecutionTime: false);
        ImmutableArray<Diagnostic> diagnostics = await compilation.WithAnalyzers([.. analyzers], options).GetAnalyzerDiagnosticsAsync();
        Assert.Empty(exceptions);
        return diagnostics;
    }

    private static string Describe(string path, string id, string source, TextSpan span)
        => $"{id} in {path} at {span.Start}..{span.End} '{source.Substring(span.Start, span.Length)}'";

    /// <summary>Strips <c>{|ID:text|}</c> markers (which may nest) and returns the spans they marked.</summary>
    public static (string Source, List<(string Id, TextSpan Span)> Expected) Parse(string markup)
    {
        var expected = new List<(string, TextSpan)>();
        var open = new Stack<(string Id, int Start)>();
        var source = new StringBuilder();
        for (int i = 0; i < markup.Length; i++)
        {
            Match start = OpenMarker().Match(markup, i);
            if (start.Success && start.Index == i)
            {
                open.Push((start.Groups["id"].Value, source.Length));
                i += start.Length - 1;
            }
            else if (open.Count > 0 && string.CompareOrdinal(markup, i, "|}", 0, 2) == 0)
            {
                (string id, int from) = open.Pop();
                expected.Add((id, TextSpan.FromBounds(from, source.Length)));
                i++;
            }
            else
            {
                source.Append(markup[i]);
            }
        }

        Assert.Empty(open);
        return (source.ToString(), expected);
    }

    [GeneratedRegex(@"\G\{\|(?<id>[A-Z]+[0-9]+):")]
    private static partial Regex OpenMarker();
}
