using System.Text.Json;
using Json.Schema;

namespace McpGen.Tests;

/// <summary>Validates instances with a real JSON Schema 2020-12 validator (JsonSchema.Net), formats asserted.</summary>
internal static class SchemaValidation
{
    private static readonly EvaluationOptions s_options = new() { OutputFormat = OutputFormat.List, RequireFormatValidation = true };

    /// <summary>The problems JsonSchema.Net finds in <paramref name="instance"/> (empty when it is valid).</summary>
    public static string[] Problems(JsonElement schema, JsonElement instance)
    {
        // A base URI per schema: every schema of a run goes into the same registry.
        JsonSchema compiled = JsonSchema.FromText(schema.GetRawText(), baseUri: new Uri("https://mcpgen.test/" + Guid.NewGuid().ToString("N")));
        EvaluationResults results = compiled.Evaluate(instance, s_options);
        return results.IsValid
            ? []
            : [.. (results.Details ?? []).Where(d => d.Errors is { Count: > 0 }).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Key}: {e.Value}"))];
    }

    public static bool IsValid(JsonElement schema, string instanceJson)
    {
        using JsonDocument instance = JsonDocument.Parse(instanceJson);
        return Problems(schema, instance.RootElement).Length == 0;
    }

    public static void AssertValid(JsonElement schema, string instanceJson)
    {
        using JsonDocument instance = JsonDocument.Parse(instanceJson);
        AssertValid(schema, instance.RootElement);
    }

    public static void AssertValid(JsonElement schema, JsonElement instance)
    {
        string[] problems = Problems(schema, instance);
        Assert.True(problems.Length == 0, "Not valid against the schema:\n" + instance.GetRawText() + "\n" + string.Join("\n", problems));
    }
}
