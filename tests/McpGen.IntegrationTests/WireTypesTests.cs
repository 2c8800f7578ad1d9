using System.Text.Json;
using Json.Schema;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpGen.IntegrationTests;

using CallToolResult = ModelContextProtocol.Protocol.CallToolResult;

/// <summary>
/// Everything the server sends validates (docs/schemas.md): structuredContent of every README type, written by the
/// app's own JsonSerializerContext, against the tool's outputSchema with JsonSchema.Net (formats asserted) and with the
/// TypeScript clients, which validate it with Ajv themselves; and what the input schema admits binds.
/// </summary>
public sealed class WireTypesTests(WireTypesHost host) : IClassFixture<WireTypesHost>
{
    private static readonly EvaluationOptions s_options = new() { OutputFormat = OutputFormat.List, RequireFormatValidation = true };

    private static readonly Dictionary<string, object?> s_primitives = new()
    {
        ["text"] = "t", ["letter"] = "x", ["flag"] = true, ["b"] = 255, ["sb"] = -128, ["s"] = -32768, ["us"] = 65535,
        ["i"] = int.MaxValue, ["ui"] = uint.MaxValue, ["l"] = long.MinValue, ["ul"] = ulong.MaxValue, ["f"] = 1.5, ["d"] = 2.5, ["m"] = 3.5,
        ["dt"] = "2024-01-02T03:04:05.5+02:00", ["dto"] = "2024-01-02T03:04:05-14:00", ["date"] = "2024-02-29", ["time"] = "10:15:30.25",
        ["span"] = "00:00:00.0600000", ["id"] = "3f2504e0-4f89-11d3-9a0c-0305e82c3301", ["link"] = "https://example.com/a?b=c", ["color"] = "Blue",
    };

    [Fact]
    public async Task Every_structured_result_validates_against_its_output_schema_with_JsonSchema_Net()
    {
        await using McpClient client = await CSharpClient.ConnectAsync(host.Endpoint, EverythingCSharpClientTests.Modern);
        IList<McpClientTool> tools = await client.ListToolsAsync();
        JsonSchema Output(string name) => JsonSchema.FromText(tools.Single(t => t.Name == name).ProtocolTool.OutputSchema!.Value.GetRawText(), baseUri: new Uri("https://mcpgen.test/" + Guid.NewGuid().ToString("N")));
        JsonSchema Input(string name) => JsonSchema.FromText(tools.Single(t => t.Name == name).ProtocolTool.InputSchema.GetRawText(), baseUri: new Uri("https://mcpgen.test/" + Guid.NewGuid().ToString("N")));

        Assert.True(Input("primitives").Evaluate(JsonSerializer.SerializeToElement(s_primitives), s_options).IsValid);
        CallToolResult primitives = await client.CallToolAsync("primitives", s_primitives);
        CallToolResult made = await client.CallToolAsync("made");
        JsonElement record = Structured(primitives);
        var echoArguments = new Dictionary<string, object?> { ["value"] = record };
        Assert.True(Input("echo").Evaluate(JsonSerializer.SerializeToElement(echoArguments), s_options).IsValid, "echo refuses " + record);
        CallToolResult echo = await client.CallToolAsync("echo", echoArguments);

        foreach ((string name, CallToolResult result) in new[] { ("primitives", primitives), ("made", made), ("echo", echo) })
        {
            EvaluationResults validation = Output(name).Evaluate(Structured(result), s_options);
            Assert.True(validation.IsValid, name + ": " + Structured(result) + "\n" + string.Join("\n", (validation.Details ?? []).Where(d => d.Errors is { Count: > 0 }).SelectMany(d => d.Errors!.Select(e => d.InstanceLocation + ": " + e.Value))));
        }

        Assert.Equal("00:00:00.0600000", record.GetProperty("span").GetString());
        Assert.Equal("Blue", record.GetProperty("color").GetString());
        Assert.Equal(record.GetRawText(), Structured(echo).GetRawText());
    }

    [Theory]
    [InlineData("v1", "legacy", "2025-11-25")]
    [InlineData("v2", "modern", "2026-07-28")]
    public async Task TypeScript_clients_accept_the_structured_content_of_every_type(string sdk, string era, string version)
    {
        // Every tool with an outputSchema is called, echo with a record the server wrote.
        JsonElement record;
        await using (McpClient client = await CSharpClient.ConnectAsync(host.Endpoint, EverythingCSharpClientTests.Modern))
        {
            record = Structured(await client.CallToolAsync("primitives", s_primitives)).Clone();
        }

        // JavaScript numbers hold 53 bits: the 64-bit extremes would reach echo rounded (and be refused, rightly).
        var safe = System.Text.Json.Nodes.JsonNode.Parse(record.GetRawText())!.AsObject();
        safe["l"] = -5;
        safe["ul"] = 5;
        record = JsonSerializer.SerializeToElement(safe);

        object[] steps =
        [
            new { op = "list" },
            new { op = "call", name = "primitives", args = s_primitives },
            new { op = "call", name = "made" },
            new { op = "call", name = "echo", args = new Dictionary<string, object?> { ["value"] = record } },
        ];

        JsonElement report = await TypeScriptClient.RunAsync(host.Endpoint, sdk, era, version, steps);

        // The SDK clients validate structuredContent against the listed outputSchema (Ajv with formats) and fail the call otherwise.
        for (int step = 1; step <= 3; step++)
        {
            JsonElement result = report.Step(step).GetProperty("result");
            Assert.False(result.TryGetProperty("isError", out JsonElement isError) && isError.GetBoolean(), result.ToString());
            Assert.Equal(JsonValueKind.Object, result.GetProperty("structuredContent").ValueKind);
        }
    }

    [Fact]
    public async Task A_bad_value_inside_a_record_says_where_what_belongs_and_what_came()
    {
        await using McpClient client = await CSharpClient.ConnectAsync(host.Endpoint, EverythingCSharpClientTests.Modern);
        CallToolResult primitives = await client.CallToolAsync("primitives", s_primitives);
        string record = Structured(primitives).GetRawText().Replace("\"span\":\"00:00:00.0600000\"", "\"span\":\"PT0.06S\"", StringComparison.Ordinal);

        CallToolResult bad = await client.CallToolAsync("echo", new Dictionary<string, object?> { ["value"] = JsonDocument.Parse(record).RootElement });

        Assert.True(bad.IsError);
        Assert.Contains("'value': invalid value at value.span: expected string in [-][d.]hh:mm:ss[.fffffff] time span format (for example 01:30:00), received string \"PT0.06S\"", bad.SingleText());
    }

    private static JsonElement Structured(CallToolResult result)
    {
        Assert.False(result.IsError is true, result.SingleText());
        return Assert.IsType<JsonElement>(result.StructuredContent);
    }
}
