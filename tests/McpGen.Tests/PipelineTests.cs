using System.Collections;
using System.Reflection;
using McpGen.Generator;
using McpGen.Generator.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using static McpGen.Tests.GeneratorHarness;

namespace McpGen.Tests;

/// <summary>Determinism, incremental caching, skipped input, and generator-level settings.</summary>
public sealed class PipelineTests
{
    private static string[] TrackingNameValues() => typeof(TrackingNames)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral && f.FieldType == typeof(string))
        .Select(f => (string)f.GetRawConstantValue()!)
        .ToArray();

    [Fact]
    public void Two_runs_give_identical_text()
    {
        foreach (string source in new[] { TestSources.Weather, TestSources.Schemas, TestSources.Specials, TestSources.Returns, TestSources.Resources })
        {
            string Generate() => string.Join("\n", GeneratedTrees(RunClean(source)).Select(t => t.FilePath + "\n" + t.GetText()));
            Assert.Equal(Generate(), Generate());
        }
    }

    public static TheoryData<string> CachingSources => new() { TestSources.Weather, TestSources.Resources, TestSources.Inheritance };

    /// <summary>A second file with an elicitation form, so every tracked stage (servers and forms) runs on each caching source.</summary>
    private static SyntaxTree FormTree() => CSharpSyntaxTree.ParseText(
        "namespace CachingForms { [McpGen.McpElicitationForm] public partial class AnyForm { public string Text { get; set; } = \"\"; } }",
        ParseOptions(), path: "Form.cs");

    [Theory]
    [MemberData(nameof(CachingSources))]
    public void Unrelated_edit_keeps_every_step_cached(string source)
    {
        CSharpCompilation compilation = CreateCompilation(source).AddSyntaxTrees(FormTree());
        var (driver, _, _) = Run(compilation);
        CSharpCompilation edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("namespace Other; public class Unrelated { }", ParseOptions(), path: "Other.cs"));
        GeneratorRunResult result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        foreach (string name in TrackingNameValues())
        {
            Assert.True(result.TrackedSteps.ContainsKey(name), "missing tracked step " + name);
            Assert.All(result.TrackedSteps[name].SelectMany(s => s.Outputs),
                o => Assert.Contains(o.Reason, new[] { IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged }));
        }

        Assert.All(result.TrackedOutputSteps.SelectMany(kv => kv.Value).SelectMany(s => s.Outputs),
            o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
    }

    [Fact]
    public void Semantic_edit_modifies_the_spec()
    {
        CSharpCompilation compilation = CreateCompilation(TestSources.Weather);
        var (driver, _, _) = Run(compilation);
        SyntaxTree tree = compilation.SyntaxTrees.Single();
        string source = tree.ToString().Replace("[McpTool(\"echo\")", "[McpTool] public static string Shout(string text) => text;\n    [McpTool(\"echo\")", StringComparison.Ordinal);
        CSharpCompilation edited = compilation.ReplaceSyntaxTree(tree, CSharpSyntaxTree.ParseText(source, ParseOptions(), path: "Input.cs"));
        GeneratorRunResult result = driver.RunGenerators(edited).GetRunResult().Results.Single();
        Assert.Contains(result.TrackedSteps[TrackingNames.ServerSpecs].SelectMany(s => s.Outputs), o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains(result.TrackedOutputSteps.SelectMany(kv => kv.Value).SelectMany(s => s.Outputs), o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains("shout", result.GeneratedSources.Single().SourceText.ToString());
    }

    [Theory]
    [MemberData(nameof(CachingSources))]
    public void Tracked_outputs_hold_no_symbols_syntax_or_compilations(string source)
    {
        var (driver, _, _) = Run(CreateCompilation(source + "\nnamespace X { }").AddSyntaxTrees(FormTree()));
        GeneratorRunResult result = driver.GetRunResult().Results.Single();
        foreach (string name in TrackingNameValues())
        {
            foreach (var output in result.TrackedSteps[name].SelectMany(s => s.Outputs))
            {
                AssertNoRoslynObjects(output.Value, new HashSet<object>(ReferenceEqualityComparer.Instance), name);
            }
        }
    }

    private static void AssertNoRoslynObjects(object? node, HashSet<object> visited, string path)
    {
        if (node is null || node is string || node.GetType().IsPrimitive || node.GetType().IsEnum || !visited.Add(node))
        {
            return;
        }

        Assert.False(node is ISymbol or Compilation or SyntaxNode or SemanticModel or Location or SyntaxTree, $"{path} holds a {node.GetType().Name}");
        if (node is IEnumerable items)
        {
            foreach (object? item in items)
            {
                AssertNoRoslynObjects(item, visited, path + "[]");
            }
        }

        for (Type? type = node.GetType(); type is not null && type != typeof(object); type = type.BaseType)
        {
            foreach (FieldInfo field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                AssertNoRoslynObjects(field.GetValue(node), visited, path + "." + field.Name);
            }
        }
    }

    [Theory]
    [InlineData("[McpServer] public class NotPartial { [McpTool] public static string A() => \"\"; }")]
    [InlineData("[McpServer] public static partial class StaticServer { [McpTool] public static string A() => \"\"; }")]
    [InlineData("[McpServer] public partial class Generic<T> { [McpTool] public static string A() => \"\"; }")]
    [InlineData("public partial class Outer<T> { [McpServer] public partial class Inner { [McpTool] public static string A() => \"\"; } }")]
    [InlineData("public class PlainOuter { [McpServer] public partial class Inner { [McpTool] public static string A() => \"\"; } }")]
    public Task Invalid_servers_produce_no_source(string declaration)
        // The official generator test: no generated source, no generator diagnostic, and no compiler error or
        // warning (the invalid declaration itself compiles; only the analyzers report it).
        => new McpGeneratorTest(TestSources.Usings + "namespace Bad;\n" + declaration).RunAsync();

    [Fact]
    public void Invalid_tools_are_skipped_and_valid_ones_kept()
    {
        const string source = TestSources.Usings + """
            namespace Bad;

            public struct Weird { public int X; }

            [McpServer]
            public partial class MixedServer
            {
                [McpTool] public static string Good() => "";
                [McpTool] public static string Generic<T>(T value) => "";
                [McpTool] public static async void AsyncVoid() { await Task.Yield(); }
                [McpTool] public static string ByRef(ref int x) => "";
                [McpTool] public static string Out(out int x) { x = 1; return ""; }
                [McpTool] public static string In(in int x) => "";
                [McpTool] public static unsafe string Pointer(int* p) => "";
                [McpTool] public static string Unsupported(Action callback) => "";
                [McpTool("dup")] public static string Dup1() => "";
                [McpTool("dup")] public static string Dup2() => "";
                [McpTool] public static object Anything() => "";
            }
            """;
        CSharpCompilation compilation = CreateCompilation(source).WithOptions(CreateCompilation("").Options.WithAllowUnsafe(true));
        var (driver, output, diagnostics) = Run(compilation);
        Assert.Empty(diagnostics);
        Assert.Null(driver.GetRunResult().Results.Single().Exception);
        string text = Assert.Single(GeneratedTrees(output)).ToString();
        Assert.Contains("Tool_good", text);
        Assert.Contains("Tool_anything", text);
        foreach (string skipped in new[] { "Tool_generic", "Tool_async_void", "Tool_by_ref", "Tool_out", "Tool_in", "Tool_pointer", "Tool_unsupported", "Tool_dup" })
        {
            Assert.DoesNotContain(skipped, text);
        }

        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning && d.Location.SourceTree?.FilePath.EndsWith(".g.cs", StringComparison.Ordinal) == true));
    }

    [Fact]
    public void Doc_comments_are_read_without_documentation_mode_and_on_csharp_11()
    {
        const string source = TestSources.Usings + """
            namespace Docs;

            [McpServer(Stateless = false)]
            public partial class DocServer
            {
                /// <summary>Adds <paramref name="a"/> to <see cref="int"/> b.</summary>
                /// <param name="a">First.</param>
                [McpTool] public static int Add(int a, int b) => a + b;
            }
            """;
        foreach (var options in new[] { ParseOptions(LanguageVersion.CSharp11, DocumentationMode.None), ParseOptions(LanguageVersion.CSharp11, DocumentationMode.Parse) })
        {
            Compilation output = RunClean(source, options);
            var definition = Definition(Load(output), "Docs.DocServer");
            Assert.Equal(McpSessionMode.Sticky, definition.SessionMode);
            var tool = ToolJson(definition, "add");
            Assert.Equal("Adds a to int b.", tool.GetProperty("description").GetString());
            Assert.Equal("First.", tool.GetProperty("inputSchema").GetProperty("properties").GetProperty("a").GetProperty("description").GetString());
        }
    }

    [Fact]
    public void Version_comes_from_the_informational_version_without_commit()
    {
        const string source = TestSources.Usings + """
            [assembly: System.Reflection.AssemblyInformationalVersion("3.1.4-beta+abc123")]
            namespace Versions;

            [McpServer]
            public partial class VersionServer { }
            """;
        var definition = Definition(Load(RunClean(source)), "Versions.VersionServer");
        Assert.Equal("3.1.4-beta", definition.Version);
        Assert.Empty(definition.Tools);
        Assert.Null(definition.FindTool("x"));
    }

    [Fact]
    public void Nested_server_in_partial_types_and_global_namespace_get_stable_hint_names()
    {
        const string source = TestSources.Usings + """
            public partial class GlobalServer { }

            [McpServer]
            public partial class GlobalMcp { [McpTool] public static string Ping() => "pong"; }

            namespace Deep.Ns
            {
                public partial record Outer
                {
                    [McpServer]
                    internal sealed partial class Inner { [McpTool] public string Ping() => "pong"; }
                }
            }
            """;
        Compilation output = RunClean(source);
        Assert.Equal(["Deep.Ns.Outer.Inner.McpServer.g.cs", "GlobalMcp.McpServer.g.cs"], GeneratedTrees(output).Select(t => Path.GetFileName(t.FilePath)));
    }

    [Fact]
    public void Semantic_edit_of_a_resource_modifies_the_spec()
    {
        CSharpCompilation compilation = CreateCompilation(TestSources.Resources);
        var (driver, _, _) = Run(compilation);
        SyntaxTree tree = compilation.SyntaxTrees.Single();
        string source = tree.ToString().Replace("\"greeting://{name}\"", "\"hello://{name}\"", StringComparison.Ordinal);
        CSharpCompilation edited = compilation.ReplaceSyntaxTree(tree, CSharpSyntaxTree.ParseText(source, ParseOptions(), path: "Input.cs"));
        GeneratorRunResult result = driver.RunGenerators(edited).GetRunResult().Results.Single();
        Assert.Contains(result.TrackedSteps[TrackingNames.ServerSpecs].SelectMany(s => s.Outputs), o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains("hello://", result.GeneratedSources.Single(s => s.HintName.Contains("LibraryServer", StringComparison.Ordinal)).SourceText.ToString());
    }

    [Theory]
    [InlineData("x://{a}", true, "x://|a")]
    [InlineData("{a}/b", true, "a|/b")]
    [InlineData("file:///{+path}.txt", true, "file:///|+path|.txt")]
    [InlineData("x://{a}/{b_2}", true, "x://|a|/|b_2")]
    [InlineData("x://{a}{b}", false, "")]
    [InlineData("x://{a,b}", false, "")]
    [InlineData("x://{#a}", false, "")]
    [InlineData("x://{}", false, "")]
    [InlineData("x://{+}", false, "")]
    [InlineData("x://{a", false, "")]
    [InlineData("x://a}", false, "")]
    [InlineData("x://{a}/{a}", false, "")]
    [InlineData("x://{1a}", false, "")]
    [InlineData("x://{a.b}", false, "")]
    public void Uri_templates_accept_level_1_and_reserved_expressions_only(string template, bool valid, string parts)
    {
        var list = new List<McpGen.Generator.Model.UriTemplatePartSpec>();
        Assert.Equal(valid, ResourceParser.TryParseTemplate(template, list));
        if (valid)
        {
            Assert.Equal(parts, string.Join("|", list.Select(p => (p.Reserved ? "+" : string.Empty) + p.Text)));
        }
    }

    [Theory]
    [InlineData("GetForecast", "get_forecast")]
    [InlineData("HTTPStatus", "http_status")]
    [InlineData("GetHTTPStatus2", "get_http_status2")]
    [InlineData("Echo", "echo")]
    [InlineData("already_snake", "already_snake")]
    [InlineData("Get2Days", "get2_days")]
    public void Snake_case_tool_names(string method, string expected) => Assert.Equal(expected, Names.ToSnakeCase(method));

    [Theory]
    [InlineData("URLValue", "urlValue")]
    [InlineData("TemperatureC", "temperatureC")]
    [InlineData("ID", "id")]
    [InlineData("name", "name")]
    public void Camel_case_property_names(string property, string expected) => Assert.Equal(expected, Names.ToCamelCase(property));
}
