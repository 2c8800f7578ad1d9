using System.Buffers;
using System.Collections.Immutable;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using McpGen.Generator;
using Microsoft.AspNetCore.Http;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.Extensions.DependencyInjection;

namespace McpGen.Tests;

/// <summary>Runs the generator over source text, and loads and invokes the generated servers.</summary>
internal static class GeneratorHarness
{
    private static readonly Lazy<MetadataReference[]> s_references = new(() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Append(typeof(McpServerAttribute).Assembly.Location)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Where(p => !Path.GetFileName(p).StartsWith("McpGen.Tests", StringComparison.OrdinalIgnoreCase))
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToArray());

    /// <summary>Test-only JSON options (reflection is fine in tests): web defaults, enums as strings.</summary>
    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
        Converters = { new JsonStringEnumConverter() },
    };

    public static CSharpParseOptions ParseOptions(LanguageVersion version = LanguageVersion.CSharp12, DocumentationMode documentation = DocumentationMode.Diagnose)
        => new(version, documentation);

    public static CSharpCompilation CreateCompilation(string source, CSharpParseOptions? parseOptions = null, string assemblyName = "Input")
        => CSharpCompilation.Create(
            assemblyName + "_" + Guid.NewGuid().ToString("N"),
            [CSharpSyntaxTree.ParseText(source, parseOptions ?? ParseOptions(), path: "Input.cs", encoding: Encoding.UTF8)],
            s_references.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    public static GeneratorDriver CreateDriver(Compilation compilation)
        => CSharpGeneratorDriver.Create(
            [new McpServerGenerator().AsSourceGenerator()],
            parseOptions: (CSharpParseOptions)compilation.SyntaxTrees.First().Options,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    public static (GeneratorDriver Driver, Compilation Output, ImmutableArray<Diagnostic> Diagnostics) Run(Compilation compilation, GeneratorDriver? driver = null)
    {
        driver ??= CreateDriver(compilation);
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out ImmutableArray<Diagnostic> diagnostics);
        return (driver, output, diagnostics);
    }

    /// <summary>Runs the generator and asserts it reported nothing and threw nothing, and that the output compiles without warnings.</summary>
    public static Compilation RunClean(string source, CSharpParseOptions? parseOptions = null)
    {
        var (driver, output, diagnostics) = Run(CreateCompilation(source, parseOptions));
        Assert.Empty(diagnostics);
        Assert.All(driver.GetRunResult().Results, r => Assert.Null(r.Exception));
        AssertNoWarnings(output);
        return output;
    }

    public static void AssertNoWarnings(Compilation output)
    {
        Diagnostic[] problems = output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToArray();
        Assert.True(problems.Length == 0, "Diagnostics:\n" + string.Join("\n", problems.Select(d => d.ToString())));
    }

    public static IEnumerable<SyntaxTree> GeneratedTrees(Compilation output)
        => output.SyntaxTrees.Where(t => t.FilePath.EndsWith(".g.cs", StringComparison.Ordinal)).OrderBy(t => t.FilePath, StringComparer.Ordinal);

    /// <summary>Emits and loads the compilation into a collectible context (sharing the already loaded McpGen.Runtime).</summary>
    public static Assembly Load(Compilation output)
    {
        using var pe = new MemoryStream();
        var result = output.Emit(pe);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        pe.Position = 0;
        return new AssemblyLoadContext("generated-" + Guid.NewGuid().ToString("N"), isCollectible: true).LoadFromStream(pe);
    }

    public static McpServerDefinition Definition(Assembly assembly, string typeName)
    {
        Type type = assembly.GetType(typeName, throwOnError: true)!;
        return (McpServerDefinition)typeof(GeneratorHarness).GetMethod(nameof(DefinitionOf), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(type).Invoke(null, null)!;
    }

    private static McpServerDefinition DefinitionOf<T>()
        where T : IMcpServer => T.Definition;

    public static JsonElement ToolJson(McpServerDefinition definition, string name)
    {
        McpToolDefinition tool = definition.FindTool(name) ?? throw new InvalidOperationException("No tool " + name);
        return JsonDocument.Parse(tool.Json).RootElement.Clone();
    }

    /// <summary>Invokes a tool with a real <see cref="McpHandlerContext"/> and returns the written result object.</summary>
    public static async Task<ToolCall> InvokeAsync(McpServerDefinition definition, string name, string arguments, IServiceProvider? services = null, CancellationToken cancellationToken = default, TestProgressSink? progress = null, JsonSerializerOptions? options = null)
    {
        services ??= new ServiceCollection().BuildServiceProvider();
        McpToolDefinition tool = definition.FindTool(name) ?? throw new InvalidOperationException("No tool " + name);
        var buffer = new ArrayBufferWriter<byte>();
        var context = default(McpHandlerContext);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            var http = new DefaultHttpContext { RequestServices = services };
            var request = new McpRequestContext(http, "2025-11-25", false, "1", null, progress);
            context = new McpHandlerContext(request, services, options ?? JsonOptions, Encoding.UTF8.GetBytes(arguments), writer, cancellationToken);
            await tool.Handler(context);
            writer.WriteEndObject();
        }

        JsonElement? result = context.ResultWritten ? JsonDocument.Parse(buffer.WrittenMemory).RootElement.Clone() : null;
        return new ToolCall(result, context.HasArgumentErrors ? context.DescribeArgumentErrors($"Invalid arguments for tool '{name}':", "Fix the arguments to match the tool's inputSchema and call it again.") : null, context.ArgumentErrors.ToArray());
    }

    /// <summary>Runs a resource reader or prompt renderer with a real <see cref="McpHandlerContext"/>; returns the written result object.</summary>
    public static async Task<ToolCall> RunHandlerAsync(Func<McpHandlerContext, ValueTask> handler, string arguments = "", string resourceUri = "", IServiceProvider? services = null)
    {
        services ??= new ServiceCollection().BuildServiceProvider();
        var buffer = new ArrayBufferWriter<byte>();
        var context = default(McpHandlerContext);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            var http = new DefaultHttpContext { RequestServices = services };
            var request = new McpRequestContext(http, "2025-11-25", false, "1", null, null);
            context = new McpHandlerContext(request, services, JsonOptions, Encoding.UTF8.GetBytes(arguments), writer, CancellationToken.None) { ResourceUri = resourceUri };
            await handler(context);
            writer.WriteEndObject();
        }

        JsonElement? result = context.ResultWritten ? JsonDocument.Parse(buffer.WrittenMemory).RootElement.Clone() : null;
        return new ToolCall(result, context.HasArgumentErrors ? context.DescribeArgumentErrors("Invalid arguments for 'prompt':", "Call prompts/list for the prompt's arguments and try again.") : null, context.ArgumentErrors.ToArray());
    }

    /// <summary>Creates the context a completion handler receives.</summary>
    public static McpCompletionContext CompletionContext(IServiceProvider? services = null, IReadOnlyDictionary<string, string>? arguments = null)
    {
        var http = new DefaultHttpContext { RequestServices = services ?? new ServiceCollection().BuildServiceProvider() };
        return new McpCompletionContext(new McpRequestContext(http, "2025-11-25", false, "1", null, null), arguments ?? new Dictionary<string, string>());
    }

    public sealed record ToolCall(JsonElement? Result, string? Errors, McpHandlerContext.ArgumentError[] ArgumentErrors)
    {
        public JsonElement Value => Result ?? throw new InvalidOperationException("No result was written; errors: " + Errors);

        public string Text => Value.GetProperty("content")[0].GetProperty("text").GetString()!;
    }

    /// <summary>Collects progress reports.</summary>
    public sealed class TestProgressSink : IProgressSink
    {
        public List<McpProgress> Reports { get; } = [];

        public void Report(McpProgress progress) => Reports.Add(progress);
    }

    /// <summary>Compares generated files with checked-in snapshots; MCPGEN_ACCEPT_SNAPSHOTS=1 rewrites them (and fails).</summary>
    public static void VerifySnapshots(Compilation output, [CallerMemberName] string test = "", [CallerFilePath] string file = "")
    {
        string directory = Path.Combine(Path.GetDirectoryName(file)!, "Snapshots");
        Dictionary<string, string> actual = GeneratedTrees(output).ToDictionary(
            t => $"{test}.{Path.GetFileNameWithoutExtension(t.FilePath)}.verified.txt",
            t => Scrub(t.GetText().ToString()));
        if (Environment.GetEnvironmentVariable("MCPGEN_ACCEPT_SNAPSHOTS") == "1")
        {
            Directory.CreateDirectory(directory);
            foreach (string stale in Directory.GetFiles(directory, $"{test}.*.verified.txt"))
            {
                File.Delete(stale);
            }

            foreach (var (name, text) in actual)
            {
                File.WriteAllText(Path.Combine(directory, name), text);
            }

            Assert.Fail("Snapshots accepted (MCPGEN_ACCEPT_SNAPSHOTS=1); run again without it.");
        }

        string[] expected = Directory.Exists(directory)
            ? Directory.GetFiles(directory, $"{test}.*.verified.txt").Select(p => Path.GetFileName(p)!).Order(StringComparer.Ordinal).ToArray()
            : [];
        Assert.Equal(expected, actual.Keys.Order(StringComparer.Ordinal).ToArray());
        foreach (var (name, text) in actual)
        {
            Assert.Equal(File.ReadAllText(Path.Combine(directory, name)).ReplaceLineEndings("\n"), text);
        }
    }

    private static string Scrub(string text)
    {
        string version = typeof(McpServerGenerator).Assembly.GetName().Version!.ToString();
        return text.Replace($"(\"McpGen\", \"{version}\")", "(\"McpGen\", \"%VERSION%\")", StringComparison.Ordinal).ReplaceLineEndings("\n");
    }
}
