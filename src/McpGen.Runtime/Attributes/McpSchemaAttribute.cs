using System;

namespace McpGen;

/// <summary>
/// JSON Schema 2020-12 keywords added to the schema McpGen generates: on a tool method, to its input schema (the object
/// of all arguments, where <c>$schema</c>, <c>allOf</c>, <c>if</c>/<c>then</c>/<c>else</c> or
/// <c>additionalProperties</c> go); on a parameter or property, to that value's schema (<c>minimum</c>,
/// <c>pattern</c>, <c>format</c>...); on a class or struct, to every use of the type (an <c>$anchor</c> keeps the type
/// under <c>$defs</c>).
/// </summary>
/// <example><c>[McpSchema("""{"minimum": 1, "maximum": 14}""")] int days</c></example>
/// <remarks>
/// The C# type decides <c>type</c>, <c>properties</c>, <c>required</c>, <c>items</c>, <c>prefixItems</c>, <c>enum</c>,
/// <c>$ref</c> and <c>$defs</c> (and <c>[McpHeader]</c> decides <c>x-mcp-header</c>); they cannot be set here. Any
/// other keyword is added, or replaces the generated one (<c>description</c>, <c>default</c>, <c>additionalProperties</c>).
/// The JSON is checked at build time (MCPG0032). The schema only describes: arguments are still bound from their C# types.
/// </remarks>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Parameter | AttributeTargets.Property | AttributeTargets.Class | AttributeTargets.Struct,
    AllowMultiple = false, Inherited = false)]
public sealed class McpSchemaAttribute : Attribute
{
    /// <summary>Adds the keywords of the JSON object <paramref name="json"/>.</summary>
    /// <param name="json">A JSON object of schema keywords, such as <c>{"pattern": "^[A-Z]{2}$"}</c>.</param>
    public McpSchemaAttribute(string json)
    {
        Json = json;
    }

    /// <summary>The keywords, as JSON text.</summary>
    public string Json { get; }
}
