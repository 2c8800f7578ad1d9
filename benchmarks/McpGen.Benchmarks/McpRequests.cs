using System.Text;

namespace McpGen.Benchmarks;

/// <summary>The pre-encoded requests the benchmarks send, one per scenario, with their headers.</summary>
internal static class McpRequests
{
    public const string Accept = "application/json, text/event-stream";
    public const string ContentType = "application/json";
    public const string LegacyVersion = "2025-11-25";
    public const string ModernVersion = "2026-07-28";

    /// <summary>What every successful convert_temperature call below must answer (100 °C = 212 °F).</summary>
    public const string ExpectedConversion = "100 Celsius = 212 Fahrenheit";

    public static readonly byte[] LegacyToolsCall = Encoding.UTF8.GetBytes(
        """{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"convert_temperature","arguments":{"value":100,"from":"Celsius","to":"Fahrenheit"}}}""");

    public static readonly byte[] ModernToolsCall = Encoding.UTF8.GetBytes(
        """{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientInfo":{"name":"bench","version":"1.0.0"},"io.modelcontextprotocol/clientCapabilities":{}},"name":"convert_temperature","arguments":{"value":100,"from":"Celsius","to":"Fahrenheit"}}}""");

    public static readonly byte[] LegacyToolsList = Encoding.UTF8.GetBytes(
        """{"jsonrpc":"2.0","id":1,"method":"tools/list"}""");

    public static (string, string)[] LegacyHeaders() =>
    [
        ("Accept", Accept),
        ("Content-Type", ContentType),
        ("MCP-Protocol-Version", LegacyVersion),
    ];

    public static (string, string)[] ModernHeaders(string method, string? name) => name is null
        ?
        [
            ("Accept", Accept),
            ("Content-Type", ContentType),
            ("MCP-Protocol-Version", ModernVersion),
            ("Mcp-Method", method),
        ]
        :
        [
            ("Accept", Accept),
            ("Content-Type", ContentType),
            ("MCP-Protocol-Version", ModernVersion),
            ("Mcp-Method", method),
            ("Mcp-Name", name),
        ];

    /// <summary>The scenarios, by benchmark name, for the allocation profiler and the self-check.</summary>
    public static IEnumerable<(string Name, byte[] Body, (string, string)[] Headers, string Expected)> All()
    {
        yield return ("LegacyToolsCall", LegacyToolsCall, LegacyHeaders(), ExpectedConversion);
        yield return ("ModernToolsCall", ModernToolsCall, ModernHeaders("tools/call", "convert_temperature"), ExpectedConversion);
        yield return ("ToolsList", LegacyToolsList, LegacyHeaders(), "\"convert_temperature\"");
    }
}
