using System;

namespace McpGen;

/// <summary>
/// Adds one entry to the <c>_meta</c> object of a tool, resource, resource template or prompt in its list entry
/// (<c>tools/list</c>, <c>resources/list</c>, <c>resources/templates/list</c>, <c>prompts/list</c>). Repeat it for more keys.
/// </summary>
/// <example><c>[McpMeta("com.example/team", "\"search\""), McpMeta("com.example/cost", "{\"tier\":2}")]</c></example>
/// <remarks>
/// Keys follow the MCP format (an optional reverse-DNS prefix ending in <c>/</c>, then a name); prefixes whose second
/// label is <c>modelcontextprotocol</c> or <c>mcp</c> are reserved for the specification. The value is JSON text, checked
/// at build time (MCPG0031): a string value needs its quotes.
/// </remarks>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true, Inherited = false)]
public sealed class McpMetaAttribute : Attribute
{
    /// <summary>Sets <c>_meta[<paramref name="key"/>]</c> to the JSON value <paramref name="json"/>.</summary>
    /// <param name="key">The key, such as <c>com.example/team</c>.</param>
    /// <param name="json">The value as JSON text: <c>"\"text\""</c>, <c>"42"</c>, <c>"true"</c>, <c>"{\"a\":1}"</c>.</param>
    public McpMetaAttribute(string key, string json)
    {
        Key = key;
        Json = json;
    }

    /// <summary>The <c>_meta</c> key.</summary>
    public string Key { get; }

    /// <summary>The value, as JSON text.</summary>
    public string Json { get; }
}
