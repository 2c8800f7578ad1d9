using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace McpGen.Analyzers.Tests;

/// <summary>
/// Applies a code fix in an <see cref="AdhocWorkspace"/> and checks the result exactly: the text of every document,
/// that no diagnostic of the fixed id remains, and that the result compiles without errors.
/// </summary>
internal static class CodeFixVerifier
{
    /// <summary>Applies the fix with <paramref name="equivalenceKey"/> to the <paramref name="index"/>-th diagnostic of <paramref name="id"/>.</summary>
    public static async Task VerifyAsync(
        DiagnosticAnalyzer analyzer,
        CodeFixProvider fix,
        string id,
        string equivalenceKey,
        string[] sources,
        string[] expected,
        int index = 0,
        bool expectNoneRemaining = true,
        string? expectedTitle = null)
    {
        using var workspace = new AdhocWorkspace();
        Project project = CreateProject(workspace, sources);
        ImmutableArray<Diagnostic> diagnostics = await DiagnosticsAsync(project, analyzer, id);
        Assert.True(diagnostics.Length > index, $"Expected at least {index + 1} {id}, got {diagnostics.Length}.");
        Diagnostic diagnostic = diagnostics[index];

        Document document = project.GetDocument(diagnostic.Location.SourceTree)!;
        var actions = new List<CodeAction>();
        await fix.RegisterCodeFixesAsync(new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None));
        CodeAction chosen = Assert.Single(actions, a => a.EquivalenceKey == equivalenceKey);
        if (expectedTitle is not null)
        {
            Assert.Equal(expectedTitle, chosen.Title);
        }

        Solution changed = await ApplyAsync(chosen);
        await AssertResultAsync(changed.GetProject(project.Id)!, analyzer, id, expected, expectNoneRemaining);
    }

    /// <summary>Runs Fix All (document scope) over every diagnostic of <paramref name="id"/>.</summary>
    public static async Task VerifyFixAllAsync(
        DiagnosticAnalyzer analyzer,
        CodeFixProvider fix,
        string id,
        string equivalenceKey,
        string[] sources,
        string[] expected,
        FixAllScope scope = FixAllScope.Document)
    {
        using var workspace = new AdhocWorkspace();
        Project project = CreateProject(workspace, sources);
        ImmutableArray<Diagnostic> diagnostics = await DiagnosticsAsync(project, analyzer, id);
        Assert.True(diagnostics.Length > 1, $"Fix All needs several {id}, got {diagnostics.Length}.");
        Document document = project.GetDocument(diagnostics[0].Location.SourceTree)!;

        FixAllProvider provider = fix.GetFixAllProvider() ?? throw new InvalidOperationException("The fixer has no Fix All provider.");
        var context = new FixAllContext(
            document,
            fix,
            scope,
            equivalenceKey,
            [id],
            new FixedDiagnostics(project, diagnostics),
            CancellationToken.None);
        CodeAction action = await provider.GetFixAsync(context) ?? throw new InvalidOperationException("Fix All produced no action.");
        Solution changed = await ApplyAsync(action);
        await AssertResultAsync(changed.GetProject(project.Id)!, analyzer, id, expected, expectNoneRemaining: true);
    }

    private static Project CreateProject(AdhocWorkspace workspace, string[] sources)
    {
        Project project = workspace.AddProject(ProjectInfo.Create(
            ProjectId.CreateNewId(),
            VersionStamp.Default,
            "FixTest",
            "FixTest",
            LanguageNames.CSharp,
            compilationOptions: AnalyzerVerifier.CompilationOptions,
            parseOptions: AnalyzerVerifier.ParseOptions,
            metadataReferences: AnalyzerVerifier.References));
        for (int i = 0; i < sources.Length; i++)
        {
            string name = AnalyzerVerifier.FileName(i, sources.Length);
            project = project.AddDocument(name, SourceText.From(sources[i]), filePath: name).Project;
        }

        return project;
    }

    private static async Task<ImmutableArray<Diagnostic>> DiagnosticsAsync(Project project, DiagnosticAnalyzer analyzer, string id)
    {
        Compilation compilation = (await project.GetCompilationAsync())!;
        return (await AnalyzerVerifier.GetDiagnosticsAsync(compilation, analyzer))
            .Where(d => d.Id == id)
            .OrderBy(d => d.Location.SourceTree!.FilePath, StringComparer.Ordinal)
            .ThenBy(d => d.Location.SourceSpan.Start)
            .ToImmutableArray();
    }

    private static async Task<Solution> ApplyAsync(CodeAction action)
    {
        ImmutableArray<CodeActionOperation> operations = await action.GetOperationsAsync(CancellationToken.None);
        return Assert.Single(operations.OfType<ApplyChangesOperation>()).ChangedSolution;
    }

    private static async Task AssertResultAsync(Project project, DiagnosticAnalyzer analyzer, string id, string[] expected, bool expectNoneRemaining)
    {
        var documents = project.Documents.OrderBy(d => d.Name, StringComparer.Ordinal).ToList();
        Assert.Equal(expected.Length, documents.Count);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], (await documents[i].GetTextAsync()).ToString());
        }

        Compilation compilation = (await project.GetCompilationAsync())!;
        AnalyzerVerifier.AssertCompiles(compilation);
        if (expectNoneRemaining)
        {
            Assert.Empty((await AnalyzerVerifier.GetDiagnosticsAsync(compilation, analyzer)).Where(d => d.Id == id));
        }
    }

    private sealed class FixedDiagnostics(Project project, ImmutableArray<Diagnostic> diagnostics) : FixAllContext.DiagnosticProvider
    {
        public override Task<IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project p, CancellationToken cancellationToken)
            => Task.FromResult<IEnumerable<Diagnostic>>(p.Id == project.Id ? diagnostics : []);

        public override Task<IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken)
            => Task.FromResult(diagnostics.Where(d => document.FilePath == d.Location.SourceTree?.FilePath));

        public override Task<IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project p, CancellationToken cancellationToken)
            => Task.FromResult<IEnumerable<Diagnostic>>([]);
    }
}
