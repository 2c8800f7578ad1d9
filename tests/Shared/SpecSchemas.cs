using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace McpGen.Testing;

/// <summary>
/// The official schema of each revision (../shared/spec/&lt;version&gt;/schema.json), one compiled entry point per
/// definition, evaluated with JsonSchema.Net. The 2025-11-25 and 2026-07-28 schemas (JSON Schema 2020-12, <c>$defs</c>)
/// name a result response <c>JSONRPCResultResponse</c> and an error <c>JSONRPCErrorResponse</c>, with
/// <c>JSONRPCResponse</c> the union of both; the older ones (draft-07, <c>definitions</c>) name them
/// <c>JSONRPCResponse</c> and <c>JSONRPCError</c>. Shared by the fuzzer's oracle and the integration tests' wire
/// validation (linked into both projects, like ProcessRunner.cs).
/// </summary>
internal sealed class SpecSchemas
{
    /// <summary>The revision whose schema must exist for a directory to be the spec directory.</summary>
    public const string NewestRevision = "2026-07-28";

    private static readonly EvaluationOptions s_asserting = new() { OutputFormat = OutputFormat.List, RequireFormatValidation = true };
    private static readonly ConcurrentDictionary<string, SpecSchemas> s_shared = new(StringComparer.Ordinal);

    private readonly string _directory;
    private readonly ConcurrentDictionary<(string Revision, string Definition), JsonSchema?> _compiled = new();
    private readonly ConcurrentDictionary<string, JsonObject> _documents = new();
    private readonly ConcurrentDictionary<string, JsonSchema> _adHoc = new(StringComparer.Ordinal);

    public SpecSchemas(string directory) => _directory = directory;

    /// <summary>One instance per directory for the whole process (compiling a revision's schema takes a while).</summary>
    public static SpecSchemas Shared(string? directory = null) => s_shared.GetOrAdd(FindDirectory(directory), d => new SpecSchemas(d));

    /// <summary>Finds ../shared/spec from the current directory or this assembly's location.</summary>
    public static string FindDirectory(string? given)
    {
        if (given is not null)
        {
            return given;
        }

        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (DirectoryInfo? dir = new(start); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "shared", "spec");
                if (File.Exists(Path.Combine(candidate, NewestRevision, "schema.json")))
                {
                    return candidate;
                }
            }
        }

        throw new DirectoryNotFoundException("shared/spec/<version>/schema.json was not found above the current directory: pass --spec DIR.");
    }

    /// <summary>Whether the revision has a schema here.</summary>
    public bool HasRevision(string revision) => File.Exists(Path.Combine(_directory, revision, "schema.json"));

    /// <summary>Whether the revision's schema has <paramref name="definition"/>.</summary>
    public bool Has(string revision, string definition) => HasRevision(revision) && Definitions(revision).ContainsKey(definition);

    /// <summary>
    /// Evaluates <paramref name="instance"/> against one definition; returns <see langword="null"/> when valid, else the
    /// first errors, each as <c>instance location (schema path): error</c>.
    /// </summary>
    public string? Check(string revision, string definition, JsonElement instance)
    {
        JsonSchema? schema = _compiled.GetOrAdd((revision, definition), key => Compile(key.Revision, key.Definition));
        if (schema is null)
        {
            return $"the {revision} schema has no definition {definition}";
        }

        return Problems(schema.Evaluate(instance, new EvaluationOptions { OutputFormat = OutputFormat.List }));
    }

    /// <summary>
    /// Evaluates <paramref name="instance"/> against a schema the server published (a tool's <c>outputSchema</c>),
    /// JSON Schema 2020-12 unless it says otherwise, formats asserted; <see langword="null"/> when valid.
    /// </summary>
    public string? CheckAgainst(JsonElement schema, JsonElement instance)
    {
        string text = schema.GetRawText();
        JsonSchema compiled = _adHoc.GetOrAdd(text, t =>
        {
            lock (_documents)
            {
                var options = new BuildOptions { SchemaRegistry = new SchemaRegistry() };
                return JsonSchema.FromText(t, options, new Uri($"https://mcpgen.test/published/{Guid.NewGuid():N}.json"));
            }
        });
        return Problems(compiled.Evaluate(instance, s_asserting));
    }

    private static string? Problems(EvaluationResults results)
    {
        if (results.IsValid)
        {
            return null;
        }

        // The deepest instance locations first: in a union (anyOf of every message kind) they come from the branch
        // that matched the message's shape, where the shallow ones say only that another kind's "method" differs.
        IEnumerable<string> errors = (results.Details ?? [])
            .Where(d => d.Errors is { Count: > 0 })
            .OrderByDescending(d => d.InstanceLocation.ToString().Count(c => c == '/'))
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} (schema {d.EvaluationPath}): {e.Value}"))
            .Distinct()
            .Take(3);
        return string.Join("; ", errors.DefaultIfEmpty("invalid"));
    }

    private JsonObject Definitions(string revision)
    {
        JsonObject document = Document(revision);
        return (document["$defs"] ?? document["definitions"])!.AsObject();
    }

    private JsonObject Document(string revision) => _documents.GetOrAdd(revision, r =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(_directory, r, "schema.json")))!.AsObject());

    private JsonSchema? Compile(string revision, string definition)
    {
        if (!Has(revision, definition))
        {
            return null;
        }

        JsonObject document = Document(revision);
        string defs = document.ContainsKey("$defs") ? "$defs" : "definitions";

        // The whole document with an entry point: every $ref inside still resolves against the document root.
        var entry = (JsonObject)document.DeepClone();
        entry["allOf"] = new JsonArray(new JsonObject { ["$ref"] = $"#/{defs}/{definition}" });
        lock (_documents)
        {
            // A registry per entry point: several fuzzers (and tests) may compile the same document in one process.
            var options = new BuildOptions { SchemaRegistry = new SchemaRegistry() };
            return JsonSchema.FromText(entry.ToJsonString(), options, new Uri($"https://mcpgen.spec/{revision}/{definition}.json"));
        }
    }
}
