using System.Collections.Immutable;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using McpGen.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace McpGen.Analyzers.Tests;

/// <summary>
/// Compiles every <c>```csharp</c> block of README.md and docs/**/*.md with the McpGen runtime, the McpGen generator, the
/// System.Text.Json generator and every McpGen analyzer, and fails listing <c>file:line</c> of each block that does not
/// build clean.
/// </summary>
/// <remarks>
/// <para>The convention (the smallest rule that lets a page show a fragment and still be checked):</para>
/// <list type="number">
/// <item>Only blocks whose info string is exactly <c>csharp</c> are compiled. C# that must not compile (a "before" picture)
/// goes in a block with another info string, such as <c>```text</c>.</item>
/// <item>Each block is compiled alone, as one file of an ASP.NET Core web project (<c>Microsoft.NET.Sdk.Web</c> implicit
/// usings, nullable enabled), with <c>McpGen</c>, <c>System.ComponentModel</c>,
/// <c>System.ComponentModel.DataAnnotations</c> and <c>System.Text.Json.Serialization</c> imported, and with
/// <see cref="Prelude"/>: the sample names pages use without declaring them (<c>builder</c>, <c>app</c>,
/// <c>connectionString</c>, <c>Forecast</c> and <c>Day</c> (with a <c>JsonSerializerContext</c> that knows them),
/// <c>IForecasts</c>, <c>MyServer</c>, <c>Known</c>). A block's own
/// declaration of one of those names wins over the prelude's.</item>
/// <item>A block is laid out as a file: its <c>using</c> directives, then its statements (top-level statements: the
/// block is then a program), then its type declarations, then its loose members (methods and properties written at the
/// top level; a top-level local function with an access modifier is such a method)
/// inside <c>[McpServer] public partial class SnippetServer</c>. A block whose members need another server (session mode,
/// constructor) declares its server class itself.</item>
/// <item><c>...</c> stands for code left out: <c>=&gt; ...</c> becomes <c>=&gt; throw null!</c>; <c>{ ... }</c> becomes
/// <c>{ }</c> after a type declaration and <c>{ throw null!; }</c> after anything else; a line that is only <c>...</c>
/// becomes <c>throw null!;</c> inside a method body and nothing elsewhere.</item>
/// <item>A block passes when the compilation has no error, the generators report nothing, and the analyzers report no
/// McpGen warning or error. Compiler warnings (an elided async body has no <c>await</c>) are allowed.</item>
/// <item>A block that shows a runtime type not merged yet says so on the line right above its fence:
/// <c>&lt;!-- snippet: requires McpGen.TypeName ... --&gt;</c> (full names). While McpGen.Runtime lacks a listed type, the
/// "type not found" errors naming it (CS0246, CS0103) are the only ones tolerated, and the block must produce one; once
/// the type exists the marker fails as stale, so it is deleted and the block is checked like any other.</item>
/// </list>
/// <para>Diagnostics point at the markdown file and line (<c>#line</c> directives map the laid-out file back).</para>
/// </remarks>
public sealed partial class DocSnippetTests
{
    /// <summary>The wrapper class of a block's loose members.</summary>
    public const string SnippetServer = "SnippetServer";

    /// <summary>What every block is compiled with: implicit usings and the sample names pages use without declaring them.</summary>
    public const string Prelude = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Net.Http.Json;
        global using System.Threading;
        global using System.Threading.Tasks;
        global using Microsoft.AspNetCore.Builder;
        global using Microsoft.AspNetCore.Hosting;
        global using Microsoft.AspNetCore.Http;
        global using Microsoft.AspNetCore.Routing;
        global using Microsoft.Extensions.Configuration;
        global using Microsoft.Extensions.DependencyInjection;
        global using Microsoft.Extensions.Hosting;
        global using Microsoft.Extensions.Logging;
        global using System.ComponentModel;
        global using System.ComponentModel.DataAnnotations;
        global using System.Text.Json.Serialization;
        global using McpGen;
        global using DocSnippets;
        global using static DocSnippets.Samples;

        namespace DocSnippets;

        /// <summary>A weather forecast.</summary>
        public sealed record Forecast(string City, IReadOnlyList<Day> Days);

        /// <summary>One day of a forecast.</summary>
        public sealed record Day(DateOnly Date, double High, double Low);

        /// <summary>The application's JSON context, registered as README shows: it knows the sample types.</summary>
        [JsonSerializable(typeof(Forecast))]
        internal partial class SampleJsonContext : JsonSerializerContext;

        /// <summary>Where forecasts come from (a DI service).</summary>
        public interface IForecasts
        {
            Task<Forecast> GetAsync(string city, int days, CancellationToken cancellationToken);
        }

        /// <summary>A server the hosting snippets register.</summary>
        [McpServer]
        public partial class MyServer
        {
            [McpTool]
            public static string Ping() => "pong";
        }

        /// <summary>Values snippets use without declaring them.</summary>
        public static class Samples
        {
            public static WebApplicationBuilder builder = null!;
            public static WebApplication app = null!;
            public static string connectionString = "";
            public static readonly string[] Known = ["English", "French", "German", "Norwegian"];
        }
        """;

    private static readonly Lazy<ImmutableArray<MetadataReference>> s_references = new(() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Append(typeof(McpServerAttribute).Assembly.Location)
            .Append(typeof(PostgreSqlMcpServiceCollectionExtensions).Assembly.Location)
            .Append(typeof(RedisMcpServiceCollectionExtensions).Assembly.Location)
            .Append(typeof(StackExchange.Redis.IConnectionMultiplexer).Assembly.Location)
            .Where(p => !Path.GetFileNameWithoutExtension(p).Equals(typeof(DocSnippetTests).Assembly.GetName().Name, StringComparison.OrdinalIgnoreCase))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToImmutableArray());

    private static readonly Lazy<ImmutableArray<DiagnosticAnalyzer>> s_analyzers = new(() =>
        typeof(CompletionAnalyzer).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && t.GetCustomAttribute<DiagnosticAnalyzerAttribute>() is not null)
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
            .ToImmutableArray());

    private static readonly Lazy<ISourceGenerator> s_jsonGenerator = new(LoadJsonGenerator);

    private static readonly CSharpParseOptions s_parseOptions = new(LanguageVersion.Latest, DocumentationMode.Diagnose);

    [Fact]
    public async Task Every_csharp_block_of_README_and_docs_compiles_with_the_generator_and_the_analyzers()
    {
        string root = RepoRoot();
        string[] pages = [Path.Combine(root, "README.md"), Path.Combine(root, "src", "McpGen.PostgreSql", "README.md"), Path.Combine(root, "src", "McpGen.Redis", "README.md"), .. Directory.GetFiles(Path.Combine(root, "docs"), "*.md", SearchOption.AllDirectories).Order(StringComparer.Ordinal)];
        List<Snippet> snippets = pages.SelectMany(page => Extract(Path.GetRelativePath(root, page).Replace('\\', '/'), File.ReadAllText(page))).ToList();
        Assert.Contains(snippets, s => s.Path == "README.md");
        Assert.Contains(snippets, s => s.Path == "docs/handlers.md");
        Assert.Contains(snippets, s => s.Path == "src/McpGen.PostgreSql/README.md");
        Assert.Contains(snippets, s => s.Path == "src/McpGen.Redis/README.md");

        var failures = new List<string>();
        foreach (Snippet snippet in snippets)
        {
            IReadOnlyList<string> problems = await CompileAsync(snippet);
            if (problems.Count > 0)
            {
                failures.Add($"{snippet.Path}:{snippet.Line}: the block does not compile clean:\n  " + string.Join("\n  ", problems));
            }
        }

        Assert.True(failures.Count == 0,
            $"{failures.Count} of {snippets.Count} C# blocks fail (fix the block, or see DocSnippetTests for the convention):\n" + string.Join("\n", failures));
    }

    [Fact]
    public void Only_csharp_blocks_are_extracted_with_the_line_of_their_first_code_line()
    {
        const string page = """
            # Title

            ```csharp
            int a = 1;
            ```

            ```text
            not C#
            ```

              ```csharp
              int b = 2;
              ```
            ```csharp-like
            x
            ```
            """;

        Snippet[] snippets = Extract("page.md", page).ToArray();

        Assert.Equal([("page.md", 4, "int a = 1;\n"), ("page.md", 12, "int b = 2;\n")], snippets.Select(s => (s.Path, s.Line, s.Code.ReplaceLineEndings("\n"))));
    }

    [Fact]
    public void Elisions_become_code_by_context()
    {
        const string code = """
            public partial class A { ... }
            public string M() => ...;
            public void N() { ... }
            public int O()
            {
                int x = 1;
                ...
            }
            """;

        string elided = Elide(code).ReplaceLineEndings("\n");

        Assert.Equal("""
            public partial class A { }
            public string M() => throw null!;
            public void N() { throw null!; }
            public int O()
            {
                int x = 1;
                throw null!;
            }
            """.ReplaceLineEndings("\n"), elided);
    }

    [Fact]
    public async Task A_block_that_fails_is_reported_at_its_markdown_line_for_compiler_generator_and_analyzer_problems()
    {
        const string page = """
            Intro.

            ```csharp
            [McpServer(Stateless = true)]
            public partial class Clean(IForecasts forecasts)
            {
                [McpTool]
                public Task<Forecast> Get(string city) => forecasts.GetAsync(city, 3, default);
            }
            ```

            ```csharp
            [McpTool]
            public static string Broken(string text) => text.NoSuchMethod();
            ```

            ```csharp
            [McpTool("not a valid tool name!")]
            public static string BadName() => "x";
            ```
            """;

        Snippet[] snippets = Extract("page.md", page).ToArray();

        Assert.Empty(await CompileAsync(snippets[0]));
        string broken = Assert.Single(await CompileAsync(snippets[1]));
        Assert.StartsWith("page.md:14: error CS1061:", broken, StringComparison.Ordinal);
        string badName = Assert.Single(await CompileAsync(snippets[2]));
        Assert.Matches(@"^page\.md:18: error MCPG\d{4}:", badName);
    }

    [Fact]
    public async Task A_requires_marker_tolerates_only_its_missing_type_and_fails_once_the_type_exists()
    {
        const string page = """
            <!-- snippet: requires McpGen.NotMergedYetException -->
            ```csharp
            [McpTool]
            public static string Fail() => throw new NotMergedYetException("x");
            ```

            <!-- snippet: requires McpGen.NotMergedYetException -->
            ```csharp
            [McpTool]
            public static string Other() => throw new NotMergedYetException(1.NoSuchMethod());
            ```

            <!-- snippet: requires McpGen.McpToolException -->
            ```csharp
            [McpTool]
            public static string Merged() => throw new McpToolException("x");
            ```

            <!-- snippet: requires McpGen.NotMergedYetException -->
            ```csharp
            [McpTool]
            public static string Unused() => "x";
            ```
            """;

        Snippet[] snippets = Extract("page.md", page).ToArray();

        Assert.Equal(["McpGen.NotMergedYetException"], snippets[0].Requires);
        Assert.Empty(await CompileAsync(snippets[0]));
        string other = Assert.Single(await CompileAsync(snippets[1]));
        Assert.StartsWith("page.md:10: error CS1061:", other, StringComparison.Ordinal);
        string stale = Assert.Single(await CompileAsync(snippets[2]));
        Assert.StartsWith("page.md:13: the marker 'snippet: requires McpGen.McpToolException' is stale", stale, StringComparison.Ordinal);
        string unused = Assert.Single(await CompileAsync(snippets[3]));
        Assert.StartsWith("page.md:19: the marker 'snippet: requires McpGen.NotMergedYetException' names a type the block does not use", unused, StringComparison.Ordinal);
    }

    /// <summary>
    /// One C# block: the page, the markdown line of its first code line, its code, and the runtime types a
    /// <c>&lt;!-- snippet: requires ... --&gt;</c> line right above its fence says it needs.
    /// </summary>
    public sealed record Snippet(string Path, int Line, string Code, IReadOnlyList<string> Requires)
    {
        public Snippet(string path, int line, string code)
            : this(path, line, code, [])
        {
        }
    }

    /// <summary>The <c>```csharp</c> blocks of a markdown page (fences may be indented, as inside list items).</summary>
    public static IEnumerable<Snippet> Extract(string path, string markdown)
    {
        string[] lines = markdown.ReplaceLineEndings("\n").Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string fence = lines[i].TrimStart();
            if (!fence.StartsWith("```", StringComparison.Ordinal))
            {
                continue;
            }

            bool isCSharp = fence.TrimEnd() == "```csharp";
            int indent = lines[i].Length - fence.Length;
            int start = i + 1;
            int end = start;
            while (end < lines.Length && lines[end].Trim() != "```")
            {
                end++;
            }

            if (isCSharp)
            {
                var code = new StringBuilder();
                for (int j = start; j < end; j++)
                {
                    string line = lines[j];
                    int strip = Math.Min(indent, line.Length - line.TrimStart().Length);
                    code.Append(line, strip, line.Length - strip).Append('\n');
                }

                Match requires = i > 0 ? RequiresMarker().Match(lines[i - 1]) : Match.Empty;
                string[] types = requires.Success ? requires.Groups["types"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries) : [];
                yield return new Snippet(path, start + 1, code.ToString(), types);
            }

            i = end;
        }
    }

    /// <summary>Replaces the <c>...</c> elisions by code that compiles in their place, line for line.</summary>
    public static string Elide(string code)
    {
        string[] lines = code.ReplaceLineEndings("\n").Split('\n');
        var opened = new Stack<bool>();   // per open brace: whether it opened a type (or namespace) body
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i];
            line = ExpressionElision().Replace(line, "=> throw null!");
            line = BodyElision().Replace(line, m => TypeDeclaration().IsMatch(line[..m.Index]) ? "{ }" : "{ throw null!; }");
            if (line.Trim() == "...")
            {
                bool inCode = opened.Count > 0 && !opened.Peek();
                line = line.Replace("...", inCode ? "throw null!;" : string.Empty, StringComparison.Ordinal);
            }

            foreach (char c in line)
            {
                if (c == '{')
                {
                    opened.Push(TypeDeclaration().IsMatch(line) || (line.Trim() == "{" && i > 0 && TypeDeclaration().IsMatch(lines[i - 1])));
                }
                else if (c == '}' && opened.Count > 0)
                {
                    opened.Pop();
                }
            }

            lines[i] = line;
        }

        return string.Join('\n', lines);
    }

    /// <summary>Compiles one block; returns its problems as <c>file:line: severity id: message</c>, empty when it is clean.</summary>
    public static async Task<IReadOnlyList<string>> CompileAsync(Snippet snippet)
    {
        string source = Layout(snippet, out bool isProgram);
        CSharpCompilation compilation = CSharpCompilation.Create(
            "DocSnippet",
            [
                CSharpSyntaxTree.ParseText(Prelude, s_parseOptions, path: "Prelude.cs", encoding: Encoding.UTF8),
                CSharpSyntaxTree.ParseText(source, s_parseOptions, path: "Snippet.cs", encoding: Encoding.UTF8),
            ],
            s_references.Value,
            new CSharpCompilationOptions(isProgram ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

        GeneratorDriver driver = CSharpGeneratorDriver.Create(
            [new McpServerGenerator().AsSourceGenerator(), s_jsonGenerator.Value],
            parseOptions: s_parseOptions);
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out ImmutableArray<Diagnostic> generatorDiagnostics);
        var problems = new List<Diagnostic>(generatorDiagnostics);
        foreach (GeneratorRunResult result in driver.GetRunResult().Results)
        {
            if (result.Exception is not null)
            {
                throw new InvalidOperationException($"{snippet.Path}:{snippet.Line}: generator {result.Generator.GetGeneratorType().Name} threw.", result.Exception);
            }
        }

        var exceptions = new List<Exception>();
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions([]),
            onAnalyzerException: (exception, _, _) => { lock (exceptions) { exceptions.Add(exception); } },
            concurrentAnalysis: false,
            logAnalyzerExecutionTime: false);
        ImmutableArray<Diagnostic> diagnostics = await output.WithAnalyzers(s_analyzers.Value, options).GetAllDiagnosticsAsync();
        Assert.Empty(exceptions);
        problems.AddRange(diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error
            || (d.Severity == DiagnosticSeverity.Warning && d.Id.StartsWith("MCPG", StringComparison.Ordinal))));
        var lines = new List<string>();
        foreach (string type in snippet.Requires)
        {
            string name = type[(type.LastIndexOf('.') + 1)..];
            if (typeof(McpServerAttribute).Assembly.GetType(type) is not null)
            {
                lines.Add($"{snippet.Path}:{snippet.Line - 2}: the marker 'snippet: requires {type}' is stale: McpGen.Runtime has {type} now. Delete {type} from it (the whole comment when it names nothing else).");
            }
            else if (problems.RemoveAll(d => IsMissingType(d, name)) == 0)
            {
                lines.Add($"{snippet.Path}:{snippet.Line - 2}: the marker 'snippet: requires {type}' names a type the block does not use; delete it.");
            }
        }

        lines.AddRange(problems
            .OrderBy(d => d.Location.GetMappedLineSpan().StartLinePosition.Line)
            .ThenBy(d => d.Id, StringComparer.Ordinal)
            .Select(Describe));
        return lines;
    }

    /// <summary>Lays a block out as a file (see the class remarks), with <c>#line</c> directives back to the page.</summary>
    public static string Layout(Snippet snippet, out bool isProgram)
    {
        SyntaxTree tree = CSharpSyntaxTree.ParseText(Elide(snippet.Code), s_parseOptions);
        var unit = (CompilationUnitSyntax)tree.GetRoot();
        var file = new StringBuilder();
        void Emit(SyntaxNode node)
        {
            int line = tree.GetLineSpan(node.FullSpan).StartLinePosition.Line;
            file.Append("#line ").Append(snippet.Line + line).Append(" \"").Append(snippet.Path).Append("\"\n");
            file.Append(node.ToFullString().TrimEnd()).Append('\n');
        }

        foreach (SyntaxNode node in unit.Externs.Cast<SyntaxNode>().Concat(unit.Usings).Concat(unit.AttributeLists))
        {
            Emit(node);
        }

        MemberDeclarationSyntax[] statements = unit.Members.Where(m => m is GlobalStatementSyntax && !IsMethod(m)).ToArray();
        MemberDeclarationSyntax[] types = unit.Members.Where(m => m is BaseNamespaceDeclarationSyntax or BaseTypeDeclarationSyntax or DelegateDeclarationSyntax).ToArray();
        MemberDeclarationSyntax[] loose = unit.Members.Except(statements).Except(types).ToArray();
        foreach (MemberDeclarationSyntax node in statements.Concat(types))
        {
            Emit(node);
        }

        if (loose.Length > 0)
        {
            // The wrapper maps to the block's first line (not #line hidden: analyzers skip symbols declared in hidden code).
            string wrapper = $"#line {snippet.Line} \"{snippet.Path}\"\n";
            file.Append(wrapper).Append("[McpServer]\npublic partial class ").Append(SnippetServer).Append("\n{\n");
            foreach (MemberDeclarationSyntax node in loose)
            {
                Emit(node);
            }

            file.Append(wrapper).Append("}\n");
        }

        isProgram = statements.Length > 0;
        return file.ToString();
    }

    /// <summary>
    /// A top-level local function with an access modifier: a method written outside its class (the parser reads
    /// <c>public static string M()</c> at the top level as a local function).
    /// </summary>
    private static bool IsMethod(MemberDeclarationSyntax member)
        => member is GlobalStatementSyntax { Statement: LocalFunctionStatementSyntax function }
            && function.Modifiers.Any(m => m.Kind() is SyntaxKind.PublicKeyword or SyntaxKind.InternalKeyword or SyntaxKind.PrivateKeyword or SyntaxKind.ProtectedKeyword);

    /// <summary>Whether the diagnostic only says that <paramref name="name"/> does not exist (CS0246, CS0103).</summary>
    private static bool IsMissingType(Diagnostic diagnostic, string name)
        => diagnostic.Id is "CS0246" or "CS0103"
            && diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture).Contains($"'{name}'", StringComparison.Ordinal);

    private static string Describe(Diagnostic diagnostic)
    {
        FileLinePositionSpan span = diagnostic.Location.GetMappedLineSpan();
        string where = span.IsValid && span.Path.Length > 0 ? $"{span.Path}:{span.StartLinePosition.Line + 1}" : "(no location)";
        string severity = diagnostic.Severity.ToString().ToLowerInvariant();
        return $"{where}: {severity} {diagnostic.Id}: {diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}";
    }

    /// <summary>The System.Text.Json source generator of the installed .NET targeting pack (user contexts need it to compile).</summary>
    private static ISourceGenerator LoadJsonGenerator()
    {
        string runtime = Path.GetDirectoryName(typeof(object).Assembly.Location)!;          // .../shared/Microsoft.NETCore.App/10.0.x
        string dotnetRoot = Path.GetFullPath(Path.Combine(runtime, "..", "..", ".."));
        string packs = Path.Combine(dotnetRoot, "packs", "Microsoft.NETCore.App.Ref");
        string major = Environment.Version.Major + ".";
        string? path = (Directory.Exists(packs) ? Directory.GetDirectories(packs) : [])
            .Where(d => Path.GetFileName(d).StartsWith(major, StringComparison.Ordinal))
            .OrderByDescending(d => Version.TryParse(Path.GetFileName(d).Split('-')[0], out Version? v) ? v : new Version())
            .Select(d => Path.Combine(d, "analyzers", "dotnet", "cs", "System.Text.Json.SourceGeneration.dll"))
            .FirstOrDefault(File.Exists);
        if (path is null)
        {
            throw new InvalidOperationException(
                $"System.Text.Json.SourceGeneration.dll not found under {packs}/{major}*/analyzers/dotnet/cs: install the .NET {Environment.Version.Major} SDK (its targeting pack carries the generator).");
        }

        var reference = new AnalyzerFileReference(path, new LoadFromLoader());
        return reference.GetGenerators(LanguageNames.CSharp).Single();
    }

    private static string RepoRoot()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "McpGen.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("McpGen.sln not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"^\s*<!--\s*snippet:\s*requires\s+(?<types>[A-Za-z0-9_. ]+?)\s*-->\s*$")]
    private static partial Regex RequiresMarker();

    [GeneratedRegex(@"=>\s*\.\.\.")]
    private static partial Regex ExpressionElision();

    [GeneratedRegex(@"\{\s*\.\.\.\s*\}")]
    private static partial Regex BodyElision();

    [GeneratedRegex(@"\b(class|struct|record|interface|namespace)\b")]
    private static partial Regex TypeDeclaration();

    private sealed class LoadFromLoader : IAnalyzerAssemblyLoader
    {
        public void AddDependencyLocation(string fullPath)
        {
        }

        public Assembly LoadFromPath(string fullPath) => Assembly.LoadFrom(fullPath);
    }
}
