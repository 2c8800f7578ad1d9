using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace McpGen.Analyzers.Tests;

/// <summary>Every rule has a docs page, a release-tracking line and the McpGen conventions.</summary>
public sealed class CatalogueTests
{
    public static TheoryData<string> Ids()
    {
        var data = new TheoryData<string>();
        foreach (DiagnosticDescriptor descriptor in Descriptors())
        {
            data.Add(descriptor.Id);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Rule_has_docs_release_line_and_conventions(string id)
    {
        DiagnosticDescriptor descriptor = Descriptors().Single(d => d.Id == id);
        string root = Root();
        Assert.Equal("McpGen", descriptor.Category);
        Assert.EndsWith("/docs/diagnostics/" + id + ".md", descriptor.HelpLinkUri, StringComparison.Ordinal);
        Assert.False(descriptor.Title.ToString().EndsWith('.'));
        string page = File.ReadAllText(Path.Combine(root, "docs", "diagnostics", id + ".md"));
        Assert.StartsWith($"# {id}: {descriptor.Title}\n", page, StringComparison.Ordinal);
        Assert.Contains("**Severity:** " + descriptor.DefaultSeverity.ToString().ToLowerInvariant(), page, StringComparison.Ordinal);
        string releases = File.ReadAllText(Path.Combine(root, "src", "McpGen.Analyzers", "AnalyzerReleases.Unshipped.md"));
        Assert.Contains($"{id} | McpGen | {descriptor.DefaultSeverity} |", releases, StringComparison.Ordinal);
    }

    [Fact]
    public void Ids_are_consecutive_and_each_belongs_to_one_analyzer()
    {
        var ids = Descriptors().Select(d => d.Id).ToList();
        Assert.Equal(ids.Distinct().Count(), ids.Count);
        Assert.Equal(Enumerable.Range(1, ids.Count).Select(i => $"MCPG{i:0000}"), ids.Order(StringComparer.Ordinal));
    }

    private static IEnumerable<DiagnosticDescriptor> Descriptors()
        => typeof(ServerDeclarationAnalyzer).Assembly.GetTypes()
            .Where(t => typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && t.GetCustomAttribute<DiagnosticAnalyzerAttribute>() is not null)
            .OrderBy(t => t.Name, StringComparer.Ordinal)
            .SelectMany(t => ((DiagnosticAnalyzer)Activator.CreateInstance(t)!).SupportedDiagnostics);

    private static string Root()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "McpGen.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("McpGen.sln not found");
    }
}
