using McpGen.Generator;
using McpGen.Testing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;
using Microsoft.CodeAnalysis.Text;

namespace McpGen.Tests;

/// <summary>
/// The official generator test (<see cref="CSharpSourceGeneratorTest{TSourceGenerator, TVerifier}"/> with
/// <see cref="DefaultVerifier"/>) over McpGen's generator, with the generator tests' options (C# 12, doc comments
/// diagnosed, nullable) and the offline references. The library compares the generated sources exactly (names and
/// text), fails on a generator diagnostic or exception not expected, and here on any compiler warning of the output.
/// </summary>
internal sealed class McpGeneratorTest : CSharpSourceGeneratorTest<McpServerGenerator, DefaultVerifier>
{
    public McpGeneratorTest(string source)
    {
        ReferenceAssemblies = OfflineReferences.Assemblies;
        TestState.AdditionalReferences.AddRange(OfflineReferences.All);
        TestState.Sources.Add(("Input.cs", source));

        // Generated code has zero warnings: the output compilation may hold no warning at all.
        CompilerDiagnostics = CompilerDiagnostics.Warnings;
    }

    protected override CompilationOptions CreateCompilationOptions()
        => new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable);

    protected override ParseOptions CreateParseOptions() => GeneratorHarness.ParseOptions();

    /// <summary>Expects the generated file <paramref name="hintName"/> to equal the checked-in snapshot of <paramref name="test"/>.</summary>
    public McpGeneratorTest ExpectingSnapshot(string test, string hintName)
    {
        string snapshot = Path.Combine(SnapshotDirectory(), $"{test}.{Path.GetFileNameWithoutExtension(hintName)}.verified.txt");
        string version = typeof(McpServerGenerator).Assembly.GetName().Version!.ToString();
        string text = File.ReadAllText(snapshot).ReplaceLineEndings("\n")
            .Replace("(\"McpGen\", \"%VERSION%\")", $"(\"McpGen\", \"{version}\")", StringComparison.Ordinal);
        TestState.GeneratedSources.Add((typeof(McpServerGenerator), hintName, SourceText.From(text, System.Text.Encoding.UTF8)));
        return this;
    }

    private static string SnapshotDirectory([System.Runtime.CompilerServices.CallerFilePath] string file = "")
        => Path.Combine(Path.GetDirectoryName(file)!, "Snapshots");
}
