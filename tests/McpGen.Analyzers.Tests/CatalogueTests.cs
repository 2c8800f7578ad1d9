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
    public void Ids_are_consecutive_within_their_blocks_and_each_belongs_to_one_analyzer()
    {
        // Features take blocks of ids (MCPG0001-0019, MCPG0020-0029 elicitation, MCPG0030- metadata): within a
        // block ids are consecutive from its first one; a block may not be full yet.
        var ids = Descriptors().Select(d => d.Id).ToList();
        Assert.Equal(ids.Distinct().Count(), ids.Count);
        Assert.All(ids, id => Assert.Matches("^MCPG[0-9]{4}$", id));
        foreach (IGrouping<int, int> block in ids.Select(id => int.Parse(id[4..], System.Globalization.CultureInfo.InvariantCulture)).GroupBy(n => n < 20 ? 0 : n / 10 * 10))
        {
            int first = block.Key == 0 ? 1 : block.Key;
            Assert.Equal(Enumerable.Range(first, block.Count()), block.Order());
        }
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
