using System.Reflection;
using System.Xml.Linq;
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
        Assert.Equal(HelpLinkBase(root) + id + ".md", descriptor.HelpLinkUri);
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

    [Fact]
    public void Help_link_base_is_one_msbuild_property_pointing_at_docs_diagnostics()
    {
        string root = Root();
        string baseUrl = HelpLinkBase(root);

        Assert.True(Uri.TryCreate(baseUrl, UriKind.Absolute, out Uri? uri) && uri.Scheme == Uri.UriSchemeHttps, $"'{baseUrl}' is not an absolute https URL.");
        Assert.EndsWith("/docs/diagnostics/", baseUrl, StringComparison.Ordinal);
        // No descriptor spells a URL by hand: every link goes through the generated HelpLinks.Base.
        Assert.DoesNotContain("https://", File.ReadAllText(Path.Combine(root, "src", "McpGen.Analyzers", "Descriptors.cs")), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_page_in_docs_diagnostics_belongs_to_a_rule()
    {
        var ids = Descriptors().Select(d => d.Id).ToHashSet(StringComparer.Ordinal);
        string[] pages = Directory.GetFiles(Path.Combine(Root(), "docs", "diagnostics"), "*.md")
            .Select(p => Path.GetFileNameWithoutExtension(p)!)
            .Where(name => !string.Equals(name, "README", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
            .ToArray();

        Assert.NotEmpty(pages);
        Assert.All(pages, page => Assert.True(ids.Contains(page), $"docs/diagnostics/{page}.md has no rule: delete the page or add the descriptor."));
        Assert.Equal(ids.Order(StringComparer.Ordinal), pages);
    }

    /// <summary>The one MSBuild property that holds the base URL (Directory.Build.props), read as MSBuild would.</summary>
    private static string HelpLinkBase(string root)
    {
        XElement? property = XDocument.Load(Path.Combine(root, "Directory.Build.props")).Descendants("McpGenDiagnosticsHelpBaseUrl").SingleOrDefault();
        Assert.True(property is not null, "Directory.Build.props must define McpGenDiagnosticsHelpBaseUrl (the base of every helpLinkUri).");
        return property.Value.Trim();
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
