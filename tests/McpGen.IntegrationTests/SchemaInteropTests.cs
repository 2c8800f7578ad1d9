using System.Text.Json;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpGen.IntegrationTests;

using CallToolResult = ModelContextProtocol.Protocol.CallToolResult;

/// <summary>
/// The new schema shapes against real clients on a real Kestrel (the stateless Everything server): JSON Schema 2020-12
/// input schemas ($schema, $defs with $anchor, additionalProperties, allOf/if/then/else), icons and _meta, and an
/// x-mcp-header tool whose Mcp-Param-Region header the 2026-07-28 clients must mirror (the server refuses the call
/// otherwise). Clients validate x-mcp-header and drop invalid tools, so every tool must still be listed.
/// </summary>
public sealed class SchemaInteropTests(EverythingHost host) : IClassFixture<EverythingHost>
{
    private const string IconPrefix = "data:image/svg+xml;base64,";

    /// <summary>Every tool of the sample, from the generated definition (ordinal order, as tools/list reports them).</summary>
    private static readonly string[] AllTools = [.. DefinitionOf<Everything.StatelessEverythingServer>().Tools.Select(t => t.Name)];

    private static McpServerDefinition DefinitionOf<TServer>()
        where TServer : class, IMcpServer
        => TServer.Definition;

    public static TheoryData<string> Eras => new() { EverythingCSharpClientTests.Legacy, EverythingCSharpClientTests.Modern };

    [Theory]
    [MemberData(nameof(Eras))]
    public async Task CSharp_client_lists_every_tool_with_its_schema_icons_and_meta(string version)
    {
        await using McpClient client = await CSharpClient.ConnectAsync(host.Endpoint, version);

        IList<McpClientTool> tools = await client.ListToolsAsync();

        Assert.Equal(AllTools, tools.Select(t => t.Name));
        JsonElement schema = tools.Single(t => t.Name == "json_schema_2020_12_tool").ProtocolTool.InputSchema;
        Assert.Equal("https://json-schema.org/draft/2020-12/schema", schema.GetProperty("$schema").GetString());
        Assert.Equal("addressDef", schema.GetProperty("$defs").GetProperty("address").GetProperty("$anchor").GetString());
        Assert.False(schema.GetProperty("additionalProperties").GetBoolean());
        Assert.Equal(JsonValueKind.Object, schema.GetProperty("if").ValueKind);

        Tool simple = tools.Single(t => t.Name == "test_simple_text").ProtocolTool;
        Icon icon = Assert.Single(simple.Icons!);
        Assert.StartsWith(IconPrefix, icon.Source, StringComparison.Ordinal);
        Assert.Equal("image/svg+xml", icon.MimeType);
        Assert.Equal(["any"], icon.Sizes!);
        Assert.Equal("simple-text", simple.Meta!["dev.mcpgen/fixture"]!.GetValue<string>());

        Tool header = tools.Single(t => t.Name == "test_custom_header").ProtocolTool;
        Assert.Equal("Region", header.InputSchema.GetProperty("properties").GetProperty("region").GetProperty("x-mcp-header").GetString());

        // serverInfo.icons exist from 2025-11-25 on: both eras tested here have them.
        Assert.StartsWith(IconPrefix, Assert.Single(client.ServerInfo!.Icons!).Source, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Eras))]
    public async Task CSharp_client_calls_the_header_tool_and_mirrors_the_argument_when_modern(string version)
    {
        await using McpClient client = await CSharpClient.ConnectAsync(host.Endpoint, version);
        await client.ListToolsAsync(); // the client mirrors x-mcp-header arguments of the tools it has listed

        // Not header-safe ASCII: the client must send =?base64?...?=, which the server decodes before comparing.
        CallToolResult zurich = await client.CallToolAsync("test_custom_header", new Dictionary<string, object?> { ["region"] = "Zürich" });
        CallToolResult plain = await client.CallToolAsync("test_custom_header", new Dictionary<string, object?> { ["region"] = "us-west1" });

        Assert.NotEqual(true, zurich.IsError);
        Assert.Equal("Routed to region Zürich.", zurich.SingleText());
        Assert.Equal("Routed to region us-west1.", plain.SingleText());
    }

    [Fact]
    public async Task CSharp_client_that_never_listed_the_tools_sends_no_header_and_is_told_why()
    {
        await using McpClient client = await CSharpClient.ConnectAsync(host.Endpoint, EverythingCSharpClientTests.Modern);

        // The client mirrors x-mcp-header only for tools it has listed; the spec makes the server reject a value in the body
        // without its header (a router may have acted on the missing header), and tells the client to list and retry.
        var error = await Assert.ThrowsAsync<McpProtocolException>(() =>
            client.CallToolAsync("test_custom_header", new Dictionary<string, object?> { ["region"] = "eu" }).AsTask());

        Assert.Equal((McpErrorCode)(-32020), error.ErrorCode);
        Assert.Contains("Mcp-Param-Region header is missing", error.Message);
        Assert.Contains("x-mcp-header in tools/list", error.Message);

        await client.ListToolsAsync();
        Assert.Equal("Routed to region eu.", (await client.CallToolAsync("test_custom_header", new Dictionary<string, object?> { ["region"] = "eu" })).SingleText());
    }

    [Fact]
    public async Task CSharp_client_calls_the_json_schema_tool_with_nested_and_enum_arguments()
    {
        await using McpClient client = await CSharpClient.ConnectAsync(host.Endpoint, EverythingCSharpClientTests.Modern);

        CallToolResult result = await client.CallToolAsync("json_schema_2020_12_tool", new Dictionary<string, object?>
        {
            ["name"] = "Ada",
            ["address"] = new Dictionary<string, object?> { ["street"] = "1 Main St", ["city"] = "Oslo" },
            ["contactMethod"] = "phone",
            ["phone"] = "555-0100",
        });

        Assert.Equal(
            """JSON Schema 2020-12 tool called with: {"name":"Ada","address":{"street":"1 Main St","city":"Oslo"},"contactMethod":"phone","phone":"555-0100"}""",
            result.SingleText());
    }

    [Theory]
    [InlineData("v1", "legacy", "2025-11-25")]
    [InlineData("v2", "legacy", "2025-11-25")]
    [InlineData("v2", "modern", "2026-07-28")]
    public async Task TypeScript_clients_list_every_tool_and_every_schema_compiles_as_2020_12(string sdk, string era, string version)
    {
        object[] steps =
        [
            new { op = "list" },
            new
            {
                op = "schemas",
                instances = new Dictionary<string, object[]>
                {
                    // allOf/anyOf: phone or email is required; if contactMethod is phone, then phone is.
                    ["json_schema_2020_12_tool"] =
                    [
                        new { },
                        new { email = "a@example.com" },
                        new { contactMethod = "phone", email = "a@example.com" },
                        new { contactMethod = "phone", phone = "+47 123" },
                        new { email = "a@example.com", address = new { city = "Oslo" } },
                        new { email = "a@example.com", address = new { city = "Oslo", floor = 3 } },
                        new { email = "a@example.com", nickname = "A" },
                        new { email = "a@example.com", contactMethod = "fax" },
                    ],
                    ["test_custom_header"] = [new { region = "eu" }, new { }, new { region = 1 }],
                },
            },
        ];

        JsonElement report = await TypeScriptClient.RunAsync(host.Endpoint, sdk, era, version, steps);

        Assert.Equal(AllTools, report.Step(0).GetProperty("result").GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("name").GetString()).Order(StringComparer.Ordinal));
        JsonElement schemas = report.Step(1).GetProperty("result");
        Assert.Equal(AllTools, schemas.GetProperty("tools").EnumerateArray().Select(t => t.GetString()).Order(StringComparer.Ordinal));
        Assert.Equal(AllTools.Length, schemas.GetProperty("compiled").GetInt32()); // no tool of this server has an outputSchema
        Assert.Equal([false, true, false, true, true, false, false, false], Valid(schemas, "json_schema_2020_12_tool"));
        Assert.Equal([true, false, false], Valid(schemas, "test_custom_header"));

        JsonElement simple = report.Step(0).GetProperty("result").GetProperty("tools").EnumerateArray().Single(t => t.GetProperty("name").GetString() == "test_simple_text");
        Assert.StartsWith(IconPrefix, simple.GetProperty("icons")[0].GetProperty("src").GetString(), StringComparison.Ordinal);
        Assert.Equal("simple-text", simple.GetProperty("_meta").GetProperty("dev.mcpgen/fixture").GetString());
    }

    [Theory]
    [InlineData("v2", "modern", "2026-07-28", "Zürich", "=?base64?WsO8cmljaA==?=")]
    [InlineData("v2", "modern", "2026-07-28", "us-west1", "us-west1")]
    [InlineData("v2", "legacy", "2025-11-25", "Zürich", null)]
    [InlineData("v1", "legacy", "2025-11-25", "Zürich", null)]
    public async Task TypeScript_clients_call_the_header_tool(string sdk, string era, string version, string region, string? header)
    {
        object[] steps =
        [
            new { op = "list" },
            new { op = "call", name = "test_custom_header", args = new { region } },
        ];

        JsonElement report = await TypeScriptClient.RunAsync(host.Endpoint, sdk, era, version, steps, trace: true);

        Assert.Equal($"Routed to region {region}.", report.Step(1).GetProperty("result").GetProperty("content")[0].GetProperty("text").GetString());
        JsonElement call = report.GetProperty("http").EnumerateArray()
            .Last(e => e.TryGetProperty("body", out JsonElement body) && body.ValueKind == JsonValueKind.Object
                && body.TryGetProperty("method", out JsonElement method) && method.GetString() == "tools/call");
        if (header is null)
        {
            Assert.False(call.GetProperty("headers").TryGetProperty("mcp-param-region", out _)); // initialize-era clients do not mirror
        }
        else
        {
            Assert.Equal(header, call.GetProperty("headers").GetProperty("mcp-param-region").GetString());
        }
    }

    [Fact]
    public async Task TypeScript_v2_modern_client_that_never_listed_the_tools_lists_and_retries_after_the_header_mismatch()
    {
        object[] steps = [new { op = "call", name = "test_custom_header", args = new { region = "eu" } }];

        JsonElement report = await TypeScriptClient.RunAsync(host.Endpoint, "v2", "modern", "2026-07-28", steps, trace: true);

        // The spec's SHOULD: on HeaderMismatch, call tools/list and retry with the headers the schema asks for.
        Assert.Equal("Routed to region eu.", report.Step(0).GetProperty("result").GetProperty("content")[0].GetProperty("text").GetString());
        var exchanges = report.GetProperty("http").EnumerateArray()
            .Where(e => e.TryGetProperty("body", out JsonElement body) && body.ValueKind == JsonValueKind.Object)
            .Select(e => (Method: e.GetProperty("body").GetProperty("method").GetString(), Status: e.GetProperty("status").GetInt32(),
                Header: e.GetProperty("headers").TryGetProperty("mcp-param-region", out JsonElement h) ? h.GetString() : null))
            .ToArray();
        Assert.Equal([("server/discover", 200, null), ("tools/call", 400, null), ("tools/list", 200, null), ("tools/call", 200, "eu")], exchanges);
    }

    private static bool[] Valid(JsonElement schemas, string tool)
        => schemas.GetProperty("valid").GetProperty(tool).EnumerateArray().Select(v => v.GetBoolean()).ToArray();
}
