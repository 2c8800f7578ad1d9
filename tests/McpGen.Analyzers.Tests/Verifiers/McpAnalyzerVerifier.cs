using System.Collections.Immutable;
using McpGen.Testing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;
using Microsoft.CodeAnalysis.Text;

namespace McpGen.Analyzers.Tests;

/// <summary>
/// The official analyzer test (<see cref="CSharpAnalyzerTest{TAnalyzer, TVerifier}"/> with <see cref="DefaultVerifier"/>)
/// set up for McpGen: latest C#, nullable enabled, and the offline references (<see cref="OfflineReferences"/>).
/// The library compares diagnostics exactly (markup or <see cref="AnalyzerTest{TVerifier}.ExpectedDiagnostics"/>), fails on
/// any compiler error not expected, on an analyzer exception, and re-runs the analyzer on the sources marked as
/// generated code and with <c>#pragma warning disable</c> to check both are honoured.
/// </summary>
internal sealed class McpAnalyzerTest<TAnalyzer> : CSharpAnalyzerTest<TAnalyzer, DefaultVerifier>
    where TAnalyzer : DiagnosticAnalyzer, new()
{
    public McpAnalyzerTest()
    {
        ReferenceAssemblies = OfflineReferences.Assemblies;
        TestState.AdditionalReferences.AddRange(OfflineReferences.All);
    }

    protected override CompilationOptions CreateCompilationOptions() => McpTestOptions.Compilation;

    protected override ParseOptions CreateParseOptions() => McpTestOptions.Parse;
}

/// <summary>The compilation and parse options of every analyzer and code-fix test.</summary>
internal static class McpTestOptions
{
    public static readonly CSharpCompilationOptions Compilation = new(
        OutputKind.DynamicallyLinkedLibrary,
        nullableContextOptions: NullableContextOptions.Enable,
        allowUnsafe: true);

    public static readonly CSharpParseOptions Parse = new(LanguageVersion.Latest);

    /// <summary>The path of the <paramref name="index"/>-th source file (the library's default naming).</summary>
    public static string FilePath(int index) => $"/0/Test{index}.cs";
}

/// <summary>
/// Runs <typeparamref name="TAnalyzer"/> over markup sources: <c>{|MCPG0001:Name|}</c> marks where MCPG0001 must be
/// reported (spans may nest; compiler errors a test means to keep are marked the same way, <c>{|CS0260:Name|}</c>),
/// and nothing else may be. Optional messages are the expected messages of the marked analyzer diagnostics in order
/// of (file, position, id).
/// </summary>
internal static class McpAnalyzerVerifier<TAnalyzer>
    where TAnalyzer : DiagnosticAnalyzer, new()
{
    public static Task VerifyAsync(string markup, params string[] messages)
        => VerifyAsync([markup], messages);

    public static Task VerifyAsync(string[] markups, string[] messages)
    {
        var test = new McpAnalyzerTest<TAnalyzer>();
        if (messages.Length == 0)
        {
            // The library reads the markup itself (id and span; message and severity are not compared).
            for (int i = 0; i < markups.Length; i++)
            {
                test.TestState.Sources.Add((McpTestOptions.FilePath(i), markups[i]));
            }
        }
        else
        {
            (ImmutableArray<string> sources, ImmutableArray<DiagnosticResult> expected) = WithMessages(markups, messages);
            for (int i = 0; i < sources.Length; i++)
            {
                test.TestState.Sources.Add((McpTestOptions.FilePath(i), sources[i]));
            }

            test.ExpectedDiagnostics.AddRange(expected);
        }

        return test.RunAsync();
    }

    /// <summary>
    /// Reads the markup with the library's parser and turns each marked analyzer diagnostic into an exact expectation:
    /// id, severity (from the analyzer's descriptor, when one descriptor has the id), span and message.
    /// </summary>
    public static (ImmutableArray<string> Sources, ImmutableArray<DiagnosticResult> Expected) WithMessages(string[] markups, string[] messages)
    {
        ImmutableArray<DiagnosticDescriptor> descriptors = new TAnalyzer().SupportedDiagnostics;
        var sources = ImmutableArray.CreateBuilder<string>();
        var analyzerSpans = new List<(string Path, TextSpan Span, string Id, SourceText Text)>();
        var expected = ImmutableArray.CreateBuilder<DiagnosticResult>();
        for (int i = 0; i < markups.Length; i++)
        {
            TestFileMarkupParser.GetSpans(markups[i], out string source, out ImmutableDictionary<string, ImmutableArray<TextSpan>> spans);
            sources.Add(source);
            var text = SourceText.From(source);
            string path = McpTestOptions.FilePath(i);
            foreach ((string id, ImmutableArray<TextSpan> marked) in spans)
            {
                foreach (TextSpan span in marked)
                {
                    if (descriptors.Any(d => d.Id == id))
                    {
                        analyzerSpans.Add((path, span, id, text));
                    }
                    else
                    {
                        // Not one of the analyzer's: a compiler error the test keeps on purpose.
                        expected.Add(DiagnosticResult.CompilerError(id).WithSpan(new FileLinePositionSpan(path, text.Lines.GetLinePositionSpan(span))));
                    }
                }
            }
        }

        var ordered = analyzerSpans
            .OrderBy(s => s.Path, StringComparer.Ordinal)
            .ThenBy(s => s.Span.Start)
            .ThenBy(s => s.Id, StringComparer.Ordinal)
            .ToList();
        Assert.True(
            ordered.Count == messages.Length,
            $"The markup marks {ordered.Count} diagnostics of {typeof(TAnalyzer).Name} but the test gives {messages.Length} messages.");
        for (int i = 0; i < ordered.Count; i++)
        {
            (string path, TextSpan span, string id, SourceText text) = ordered[i];
            // Additional locations are not part of these expectations (as with the library's own markup).
            DiagnosticOptions options = DiagnosticOptions.IgnoreAdditionalLocations;
            if (descriptors.Count(d => d.Id == id) > 1)
            {
                options |= DiagnosticOptions.IgnoreSeverity;
            }

            expected.Add(new DiagnosticResult(descriptors.First(d => d.Id == id))
                .WithSpan(new FileLinePositionSpan(path, text.Lines.GetLinePositionSpan(span)))
                .WithMessage(messages[i])
                .WithOptions(options));
        }

        return (sources.ToImmutable(), expected.ToImmutable());
    }
}
