using System.Text.Json;

namespace McpGen.IntegrationTests;

/// <summary>
/// The TypeScript SDK clients against the QuickStart server on a real Kestrel: v1 (@modelcontextprotocol/sdk, the
/// initialize era) and v2 (@modelcontextprotocol/client, which speaks 2026-07-28).
/// </summary>
public sealed class TypeScriptClientTests(QuickStartHost host) : IClassFixture<QuickStartHost>
{
    private static readonly object[] ListCallAndProgress =
    [
        new { op = "list" },
        new { op = "call", name = "convert_temperature", args = new { value = 37, from = "Celsius", to = "Fahrenheit" } },
        new { op = "call", name = "process_batch", args = new { items = 3 }, progress = true },
        new { op = "call", name = "text_stats", args = new { text = "one two\nthree" } },
    ];

    [Theory]
    [InlineData("v1", "legacy", "2025-11-25")]
    [InlineData("v1", "legacy", "2025-06-18")]
    [InlineData("v2", "legacy", "2025-11-25")]
    [InlineData("v2", "modern", "2026-07-28")]
    [InlineData("v2", "auto", null)]
    public async Task Lists_and_calls_tools(string sdk, string era, string? version)
    {
        JsonElement report = await TypeScriptClient.RunAsync(host.Endpoint, sdk, era, version, ListCallAndProgress);

        JsonElement connect = report.GetProperty("connect");
        Assert.Equal(version ?? "2026-07-28", connect.GetProperty("protocolVersion").GetString());
        Assert.True(connect.GetProperty("sessionId").ValueKind is JsonValueKind.Null or JsonValueKind.Undefined, connect.ToString());

        JsonElement tools = report.Step(0).GetProperty("result").GetProperty("tools");
        Assert.Contains(tools.EnumerateArray(), t => t.GetProperty("name").GetString() == "get_forecast");

        JsonElement converted = report.Step(1).GetProperty("result");
        Assert.Equal("37 Celsius = 98.6 Fahrenheit", converted.GetProperty("content")[0].GetProperty("text").GetString());

        JsonElement batch = report.Step(2);
        Assert.Equal("Processed 3 items.", batch.GetProperty("result").GetProperty("content")[0].GetProperty("text").GetString());
        Assert.Equal([1d, 2d, 3d], batch.GetProperty("progress").EnumerateArray().Select(p => p.GetProperty("progress").GetDouble()));

        JsonElement stats = report.Step(3).GetProperty("result").GetProperty("structuredContent");
        Assert.Equal(13, stats.GetProperty("characters").GetInt32());
        Assert.Equal(3, stats.GetProperty("words").GetInt32());
        Assert.Equal(2, stats.GetProperty("lines").GetInt32());
    }

    [Fact]
    public async Task Unknown_tool_fails_the_call_on_both_sdks()
    {
        object[] steps = [new { op = "call", name = "no_such_tool", args = new { }, expectError = true }];

        JsonElement legacy = await TypeScriptClient.RunAsync(host.Endpoint, "v1", "legacy", "2025-11-25", steps);
        JsonElement modern = await TypeScriptClient.RunAsync(host.Endpoint, "v2", "modern", "2026-07-28", steps);

        Assert.Contains("no_such_tool", legacy.Step(0).GetProperty("error").ToString());
        Assert.Contains("no_such_tool", modern.Step(0).GetProperty("error").ToString());
    }
}
