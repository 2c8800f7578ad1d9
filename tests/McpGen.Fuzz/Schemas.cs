using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace McpGen.Fuzz;

/// <summary>
/// The official schema of each revision (../shared/spec/&lt;version&gt;/schema.json), one compiled entry point per
/// definition the oracle uses. The 2025-11-25 and 2026-07-28 schemas (JSON Schema 2020-12, <c>$defs</c>) name a result
/// response <c>JSONRPCResultResponse</c> and an error <c>JSONRPCErrorResponse</c>, with <c>JSONRPCResponse</c> the union of
/// both; the older ones (draft-07, <c>definitions</c>) name them <c>JSONRPCResponse</c> and <c>JSONRPCError</c>.
/// </summary>
public sealed class Schemas
{
    private readonly string _directory;
    private readonly ConcurrentDictionary<(string Revision, string Definition), JsonSchema?> _compiled = new();
    private readonly ConcurrentDictionary<string, JsonObject> _documents = new();

    public Schemas(string directory) => _directory = directory;

    /// <summary>Finds ../shared/spec from the current directory or the fuzzer's own location.</summary>
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
                if (File.Exists(Path.Combine(candidate, Corpus.Modern, "schema.json")))
                {
                    return candidate;
                }
            }
        }

        throw new DirectoryNotFoundException("shared/spec/<version>/schema.json was not found above the current directory: pass --spec DIR.");
    }

    /// <summary>Whether the revision's schema has <paramref name="definition"/>.</summary>
    public bool Has(string revision, string definition) => Definitions(revision).ContainsKey(definition);

    /// <summary>Evaluates <paramref name="instance"/> against one definition; returns <see langword="null"/> when valid, else the first errors.</summary>
    public string? Check(string revision, string definition, JsonElement instance)
    {
        JsonSchema? schema = _compiled.GetOrAdd((revision, definition), key => Compile(key.Revision, key.Definition));
        if (schema is null)
        {
            return $"the {revision} schema has no definition {definition}";
        }

        EvaluationResults results = schema.Evaluate(instance, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (results.IsValid)
        {
            return null;
        }

        IEnumerable<string> errors = (results.Details ?? [])
            .Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"))
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
        JsonObject document = Document(revision);
        string defs = document.ContainsKey("$defs") ? "$defs" : "definitions";
        if (!Definitions(revision).ContainsKey(definition))
        {
            return null;
        }

        // The whole document with an entry point: every $ref inside still resolves against the document root.
        var entry = (JsonObject)document.DeepClone();
        entry["allOf"] = new JsonArray(new JsonObject { ["$ref"] = $"#/{defs}/{definition}" });
        lock (_documents)
        {
            // A registry per entry point: several fuzzers (and tests) may compile the same document in one process.
            var options = new BuildOptions { SchemaRegistry = new SchemaRegistry() };
            return JsonSchema.FromText(entry.ToJsonString(), options, new Uri($"https://mcpgen.fuzz/{revision}/{definition}.json"));
        }
    }
}
