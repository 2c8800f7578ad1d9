using System;
using System.Collections.Generic;
using System.Linq;
using McpGen.Generator.Parsing;
using Microsoft.CodeAnalysis;

namespace McpGen.Generator.Schema;

/// <summary>
/// <c>[McpSchema(json)]</c>: JSON Schema keywords a developer adds to a generated schema (a tool's input schema, a
/// parameter, a property, or every use of a class). The C# type decides the structural keywords; everything else may be
/// added or replaced. Shared with McpGen.Analyzers (MCPG0032 reports what <see cref="Read"/> rejects; the generator then
/// leaves the keywords out).
/// </summary>
internal static class SchemaKeywords
{
    public const string AttributeName = "McpGen.McpSchemaAttribute";

    /// <summary>The JSON Schema 2020-12 dialect URI, the value of <c>$schema</c> when a schema names it.</summary>
    public const string Dialect = "https://json-schema.org/draft/2020-12/schema";

    /// <summary>Keywords that follow from the C# type (or from <c>[McpHeader]</c>) and cannot be set by hand.</summary>
    private static readonly string[] s_derived = { "type", "properties", "required", "items", "prefixItems", "enum", "$ref", "$defs", "x-mcp-header" };

    /// <summary>
    /// The keywords of <paramref name="symbol"/>'s <c>[McpSchema]</c>, or <see langword="null"/> when it has none or they
    /// are invalid (then <paramref name="error"/> says why). <c>$schema</c> is only allowed on a tool's input schema
    /// (<paramref name="isToolRoot"/>).
    /// </summary>
    public static JsonObject? Read(ISymbol symbol, bool isToolRoot, out string? error)
    {
        error = null;
        AttributeData? attribute = TypeFacts.GetAttribute(symbol, AttributeName);
        if (attribute is null)
        {
            return null;
        }

        if (attribute.ConstructorArguments.Length != 1 || attribute.ConstructorArguments[0].Value is not string json)
        {
            error = "the JSON text is null";
            return null;
        }

        return Parse(json, isToolRoot, out error);
    }

    /// <summary>Parses and checks keyword JSON: one object, no derived keyword, <c>$schema</c> only at a tool root.</summary>
    public static JsonObject? Parse(string json, bool isToolRoot, out string? error)
    {
        if (!JsonParser.TryParse(json, out JsonNode? node, out error))
        {
            error = "it is not valid JSON: " + error;
            return null;
        }

        if (node is not JsonObject keywords)
        {
            error = "it must be a JSON object of schema keywords, such as {\"minimum\": 1}";
            return null;
        }

        string[] derived = keywords.Properties.Select(p => p.Key).Where(k => Array.IndexOf(s_derived, k) >= 0).ToArray();
        if (derived.Length > 0)
        {
            error = "\"" + string.Join("\", \"", derived) + "\" " + (derived.Length == 1 ? "follows" : "follow")
                + " from the C# type" + (derived.Contains("x-mcp-header") ? " ([McpHeader] sets x-mcp-header)" : string.Empty)
                + " and cannot be set here; change the type instead";
            return null;
        }

        if (!isToolRoot && keywords["$schema"] is not null)
        {
            error = "\"$schema\" names the dialect of a whole document; put it in [McpSchema] on the tool method";
            return null;
        }

        if (keywords["$schema"] is { } dialect && (dialect as JsonValue)?.StringValue is not { Length: > 0 })
        {
            error = "\"$schema\" must be a URI string, such as \"" + Dialect + "\"";
            return null;
        }

        return keywords;
    }

    /// <summary>Whether keywords declare an <c>$anchor</c> (such a schema must exist exactly once: it goes to <c>$defs</c>).</summary>
    public static bool HasAnchor(JsonObject? keywords) => keywords?["$anchor"] is not null;

    /// <summary>
    /// Adds <paramref name="keywords"/> to <paramref name="schema"/>: <c>$schema</c> goes first; a keyword the schema
    /// already has is replaced in place, except <c>anyOf</c>/<c>oneOf</c>, which join <c>allOf</c> so the generated one
    /// (a nullable reference) keeps working.
    /// </summary>
    public static JsonObject Merge(JsonObject schema, JsonObject keywords)
    {
        JsonObject result = schema;
        if (keywords["$schema"] is { } dialect)
        {
            result = new JsonObject().Add("$schema", dialect);
            foreach (KeyValuePair<string, JsonNode> property in schema.Properties)
            {
                result.Add(property.Key, property.Value);
            }
        }
        else
        {
            result = schema.Clone();
        }

        foreach (KeyValuePair<string, JsonNode> keyword in keywords.Properties)
        {
            if (keyword.Key == "$schema")
            {
                continue;
            }

            if (keyword.Key is "anyOf" or "oneOf" && result[keyword.Key] is not null)
            {
                AllOf(result).Add(new JsonObject().Add(keyword.Key, keyword.Value));
            }
            else if (keyword.Key == "allOf" && result["allOf"] is JsonArray && keyword.Value is JsonArray added)
            {
                AllOf(result).Items.AddRange(added.Items);
            }
            else
            {
                result.Add(keyword.Key, keyword.Value);
            }
        }

        return result;
    }

    private static JsonArray AllOf(JsonObject schema)
    {
        if (schema["allOf"] is JsonArray existing)
        {
            var copy = new JsonArray();
            copy.Items.AddRange(existing.Items);
            schema.Add("allOf", copy);
            return copy;
        }

        var allOf = new JsonArray();
        schema.Add("allOf", allOf);
        return allOf;
    }
}
