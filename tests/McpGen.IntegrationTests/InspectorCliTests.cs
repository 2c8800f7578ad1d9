using System.Text.Json;

namespace McpGen.IntegrationTests;

/// <summary>
/// Smoke test with @modelcontextprotocol/inspector-cli (the v1 TypeScript SDK inside, initialize era) against the
/// QuickStart server on a real Kestrel, run the way tests/clients/ts/client.mjs's header describes.
/// </summary>
public sealed class InspectorCliTests(QuickStartHost host) : IClassFixture<QuickStartHost>
{
    [Fact]
    public async Task Inspector_cli_lists_the_tools_and_calls_one()
    {
        JsonElement listed = await RunInspectorAsync("--method", "tools/list");

        Assert.Equal(
            ["convert_temperature", "current_time", "get_forecast", "hash_text", "process_batch", "text_stats"],
            listed.GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("name").GetString()).Order(StringComparer.Ordinal));
        JsonElement convert = listed.GetProperty("tools").EnumerateArray().Single(t => t.GetProperty("name").GetString() == "convert_temperature");
        Assert.Equal("number", convert.GetProperty("inputSchema").GetProperty("properties").GetProperty("value").GetProperty("type").GetString());

        JsonElement called = await RunInspectorAsync(
            "--method", "tools/call", "--tool-name", "convert_temperature", "--tool-arg", "value=100", "from=Celsius", "to=Fahrenheit");

        JsonElement content = Assert.Single(called.GetProperty("content").EnumerateArray());
        Assert.Equal("text", content.GetProperty("type").GetString());
        Assert.Equal("100 Celsius = 212 Fahrenheit", content.GetProperty("text").GetString());
        Assert.False(called.TryGetProperty("isError", out JsonElement isError) && isError.GetBoolean());
    }

    private async Task<JsonElement> RunInspectorAsync(params string[] method)
    {
        string[] arguments = ["run", "--silent", "inspector", "--", host.Endpoint.ToString(), "--transport", "http", .. method];
        ProcessRunner.Result run = await ProcessRunner.RunAsync("npm", arguments, RepoPaths.TsClientDir, TimeSpan.FromSeconds(60));
        Assert.True(run.ExitCode == 0, run.Describe());
        // stdout is the JSON result; the CLI's deprecation banner goes to stderr.
        return JsonDocument.Parse(run.StdOut).RootElement.Clone();
    }
}
