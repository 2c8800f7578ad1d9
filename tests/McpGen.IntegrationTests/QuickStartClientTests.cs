using System.Text.Json;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpGen.IntegrationTests;

using CallToolResult = ModelContextProtocol.Protocol.CallToolResult;

/// <summary>The official C# client against the QuickStart server on a real Kestrel, on every client era.</summary>
public sealed class QuickStartClientTests(QuickStartHost host) : IClassFixture<QuickStartHost>
{
    public static TheoryData<string> Versions => new() { "2026-07-28", "2025-11-25", "2025-06-18" };

    private static readonly string[] ExpectedTools =
        ["convert_temperature", "current_time", "get_forecast", "hash_text", "process_batch", "text_stats"];

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Connects_statelessly_with_the_requested_protocol_version(string version)
    {
        await using McpClient client = await CSharpClient.ConnectAsync(host.Endpoint, version);

        Assert.Equal(version, client.NegotiatedProtocolVersion);
        Assert.Null(client.SessionId);
        Assert.Equal("mcpgen-quickstart", client.ServerInfo?.Name);
        Assert.NotNull(client.ServerCapabilities.Tools);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Lists_every_tool_with_description_schema_and_annotations(string version)
    {
        await using McpClient client = await CSharpClient.ConnectAsync(host.Endpoint, version);

        IList<McpClientTool> tools = await client.ListToolsAsync();

        Assert.Equal(ExpectedTools, tools.Select(t => t.Name).Order(StringComparer.Ordinal));
        McpClientTool forecast = tools.Single(t => t.Name == "get_forecast");
        Assert.Equal("Forecast for a city, day by day.", forecast.Description);
        Assert.Equal("City forecast", forecast.ProtocolTool.Title);
        Assert.True(forecast.ProtocolTool.Annotations?.ReadOnlyHint);
        JsonElement schema = forecast.ProtocolTool.InputSchema;
        Assert.Equal("object", schema.GetProperty("type").GetString());
        Assert.Equal("string", schema.GetProperty("properties").GetProperty("city").GetProperty("type").GetString());
        Assert.Equal(3, schema.GetProperty("properties").GetProperty("days").GetProperty("default").GetInt32());
        Assert.Equal(["city"], schema.GetProperty("required").EnumerateArray().Select(e => e.GetString()));
        Assert.NotNull(forecast.ProtocolTool.OutputSchema);

        JsonElement unit = tools.Single(t => t.Name == "convert_temperature").ProtocolTool.InputSchema.GetProperty("properties").GetProperty("from");
        Assert.Equal(["Celsius", "Fahrenheit", "Kelvin"], unit.GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Calls_a_tool_with_enum_and_number_arguments(string version)
    {
        await using McpClient client = await CSharpClient.ConnectAsync(host.Endpoint, version);

        CallToolResult result = await client.CallToolAsync(
            "convert_temperature",
            new Dictionary<string, object?> { ["value"] = 100, ["from"] = "Celsius", ["to"] = "Fahrenheit" });

        Assert.False(result.IsError ?? false);
        Assert.Equal("100 Celsius = 212 Fahrenheit", result.SingleText());
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Returns_structured_content_for_a_typed_result(string version)
    {
        await using McpClient client = await CSharpClient.ConnectAsync(host.Endpoint, version);

        CallToolResult result = await client.CallToolAsync("get_forecast", new Dictionary<string, object?> { ["city"] = "Oslo", ["days"] = 2 });

        Assert.False(result.IsError ?? false);
        JsonElement structured = Assert.IsType<JsonElement>(result.StructuredContent);
        Assert.Equal("Oslo", structured.GetProperty("city").GetString());
        Assert.Equal(2, structured.GetProperty("days").GetArrayLength());
        JsonElement fromText = JsonDocument.Parse(result.SingleText()).RootElement;
        Assert.Equal("Oslo", fromText.GetProperty("city").GetString());
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Reports_tool_errors_and_argument_errors_as_isError_results(string version)
    {
        await using McpClient client = await CSharpClient.ConnectAsync(host.Endpoint, version);

        CallToolResult declared = await client.CallToolAsync("get_forecast", new Dictionary<string, object?> { ["city"] = "Oslo", ["days"] = 20 });
        Assert.True(declared.IsError);
        Assert.Contains("days must be between 1 and 10", declared.SingleText());

        CallToolResult invalid = await client.CallToolAsync("get_forecast", new Dictionary<string, object?> { ["days"] = "three" });
        Assert.True(invalid.IsError);
        string message = invalid.SingleText();
        Assert.Contains("'city'", message);
        Assert.Contains("'days'", message);
        Assert.Contains("string \"three\"", message);
    }

    [Fact]
    public async Task Unknown_tool_is_a_protocol_error()
    {
        await using McpClient client = await CSharpClient.ConnectAsync(host.Endpoint, "2025-11-25");

        ModelContextProtocol.McpException error = await Assert.ThrowsAnyAsync<ModelContextProtocol.McpException>(async () => await client.CallToolAsync("no_such_tool"));
        Assert.Contains("no_such_tool", error.Message);
    }
}

/// <summary>Progress through the official C# client, on every era.</summary>
public sealed class CSharpClientProgressTests(ProgressHost host) : IClassFixture<ProgressHost>
{
    [Theory]
    [MemberData(nameof(QuickStartClientTests.Versions), MemberType = typeof(QuickStartClientTests))]
    public async Task Every_progress_report_reaches_the_client(string version)
    {
        await using McpClient client = await CSharpClient.ConnectAsync(host.Endpoint, version);
        var progress = new Collector<ProgressNotificationValue>();

        CallToolResult result = await client.CallToolAsync("work", new Dictionary<string, object?> { ["steps"] = 5 }, progress);

        Assert.Equal("done after 5 steps", result.SingleText());
        // The client hands notifications to the sink concurrently, so their order here is the client's, not the
        // server's (RawStreamTests asserts the order on the wire).
        Assert.Equal([1d, 2d, 3d, 4d, 5d], progress.Items.Select(p => (double)p.Progress).Order());
        Assert.All(progress.Items, p => Assert.Equal(5f, p.Total));
        Assert.All(progress.Items, p => Assert.Equal($"step {p.Progress}", p.Message));
    }
}
