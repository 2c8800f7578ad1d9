using McpGen.Testing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace McpGen.Analyzers.Tests;

/// <summary>
/// The official code-fix test (<see cref="CSharpCodeFixTest{TAnalyzer, TCodeFix, TVerifier}"/> with
/// <see cref="DefaultVerifier"/>) set up like <see cref="McpAnalyzerTest{TAnalyzer}"/>. The library checks the
/// diagnostics of the input (markup), applies the fix one diagnostic at a time until none is left (counting
/// iterations), then, when the fixer has a Fix All provider, runs Fix All at document, project and solution scope;
/// every result must equal the fixed sources exactly, and the fixed state's diagnostics (markup in the fixed sources)
/// must be exactly what remains.
/// </summary>
internal sealed class McpCodeFixTest<TAnalyzer, TCodeFix> : CSharpCodeFixTest<TAnalyzer, TCodeFix, DefaultVerifier>
    where TAnalyzer : DiagnosticAnalyzer, new()
    where TCodeFix : CodeFixProvider, new()
{
    public McpCodeFixTest()
    {
        ReferenceAssemblies = OfflineReferences.Assemblies;
        TestState.AdditionalReferences.AddRange(OfflineReferences.All);

        // Markup in the fixed sources marks the diagnostics that must remain after the fix, fixable ones included
        // (the library's default would strip fixable ids from fixed-state markup).
        FixedState.MarkupHandling = MarkupMode.Allow;
    }

    protected override CompilationOptions CreateCompilationOptions() => McpTestOptions.Compilation;

    protected override ParseOptions CreateParseOptions() => McpTestOptions.Parse;

    /// <summary>Adds a further project (what Fix All in solution reaches) with the same references, before and after the fix.</summary>
    public void AddProject(string name, string[] sources, string[] fixedSources)
    {
        TestState.AdditionalProjects.Add(name, Project(name, sources));
        FixedState.AdditionalProjects.Add(name, Project(name, fixedSources));
    }

    private static ProjectState Project(string name, string[] sources)
    {
        var project = new ProjectState(name, LanguageNames.CSharp, $"/{name}/Test", "cs");
        project.AdditionalReferences.AddRange(OfflineReferences.All);
        foreach (string source in sources)
        {
            project.Sources.Add(source);
        }

        return project;
    }
}

/// <summary>
/// Applies the fix of <typeparamref name="TCodeFix"/> chosen by equivalence key to the diagnostics of
/// <typeparamref name="TAnalyzer"/> marked in <c>sources</c> and compares with <c>fixedSources</c> (which mark the
/// diagnostics that remain, if any).
/// </summary>
internal static class McpCodeFixVerifier<TAnalyzer, TCodeFix>
    where TAnalyzer : DiagnosticAnalyzer, new()
    where TCodeFix : CodeFixProvider, new()
{
    public static McpCodeFixTest<TAnalyzer, TCodeFix> Create(string equivalenceKey, string[] sources, string[] fixedSources, string? expectedTitle = null)
    {
        var test = new McpCodeFixTest<TAnalyzer, TCodeFix> { CodeActionEquivalenceKey = equivalenceKey };
        for (int i = 0; i < sources.Length; i++)
        {
            test.TestState.Sources.Add((McpTestOptions.FilePath(i), sources[i]));
        }

        for (int i = 0; i < fixedSources.Length; i++)
        {
            test.FixedState.Sources.Add((McpTestOptions.FilePath(i), fixedSources[i]));
        }

        if (expectedTitle is not null)
        {
            test.CodeActionVerifier = (action, verifier) => verifier.Equal(expectedTitle, action.Title, "The title of the code action differs.");
        }

        return test;
    }

    public static Task VerifyAsync(string equivalenceKey, string[] sources, string[] fixedSources, string? expectedTitle = null)
        => Create(equivalenceKey, sources, fixedSources, expectedTitle).RunAsync();
}
