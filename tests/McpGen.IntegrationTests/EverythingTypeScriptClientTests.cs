using System.Text.Json;
using Everything;

namespace McpGen.IntegrationTests;

/// <summary>
/// The TypeScript SDK clients (v1 @modelcontextprotocol/sdk on the initialize era, v2 @modelcontextprotocol/client on
/// both eras) against the stateless Everything server on a real Kestrel: resources, prompts, completions and logging.
/// </summary>
public sealed class EverythingTypeScriptClientTests(EverythingHost host) : IClassFixture<EverythingHost>
{
    private static readonly string[] ToolLogMessages = ["Tool execution started", "Tool processing data", "Tool execution completed"];

    public static TheoryData<string, string, string> Clients => new()
    {
        { "v1", "legacy", "2025-11-25" },
        { "v2", "legacy", "2025-11-25" },
        { "v2", "modern", "2026-07-28" },
    };

    [Theory]
    [InlineData("v1", "legacy", "2025-11-25", -32002)]
    // The server answers -32002 on the legacy era too (v1 above shows it unchanged), but the v2 SDK maps -32002 to
    // -32602 when it decodes an error (its "accept -32002 from older peers" compatibility), so that is what it surfaces.
    [InlineData("v2", "legacy", "2025-11-25", -32602)]
    [InlineData("v2", "modern", "2026-07-28", -32602)]
    public async Task Lists_and_reads_resources(string sdk, string era, string version, int unknownResourceCode)
    {
        object[] steps =
        [
            new { op = "listResources" },
            new { op = "listTemplates" },
            new { op = "readResource", uri = "test://static-text" },
            new { op = "readResource", uri = "test://static-binary" },
            new { op = "readResource", uri = "test://template/ts-77/data" },
            new { op = "readResource", uri = "test://no-such-resource", expectError = true },
        ];

        JsonElement report = await TypeScriptClient.RunAsync(host.Endpoint, sdk, era, version, steps);

        Assert.Equal(version, report.GetProperty("connect").GetProperty("protocolVersion").GetString());
        JsonElement resources = report.Step(0).GetProperty("result").GetProperty("resources");
        Assert.Equal(
            ["test://static-binary", "test://static-text", "test://watched-resource"],
            resources.EnumerateArray().Select(r => r.GetProperty("uri").GetString()).Order(StringComparer.Ordinal));
        JsonElement staticText = resources.EnumerateArray().Single(r => r.GetProperty("uri").GetString() == "test://static-text");
        Assert.Equal("static-text", staticText.GetProperty("name").GetString());
        Assert.Equal("text/plain", staticText.GetProperty("mimeType").GetString());

        JsonElement[] templates = report.Step(1).GetProperty("result").GetProperty("resourceTemplates").EnumerateArray().ToArray();
        Assert.Equal([HandlerMatrixFixtures.ResourceTemplate, "test://template/{id}/data"], templates.Select(t => t.GetProperty("uriTemplate").GetString()!).Order(StringComparer.Ordinal));
        JsonElement template = templates.Single(t => t.GetProperty("uriTemplate").GetString() == "test://template/{id}/data");
        Assert.Equal("test://template/{id}/data", template.GetProperty("uriTemplate").GetString());
        Assert.Equal("template", template.GetProperty("name").GetString());
        Assert.Equal("application/json", template.GetProperty("mimeType").GetString());

        JsonElement text = Assert.Single(report.Step(2).GetProperty("result").GetProperty("contents").EnumerateArray());
        Assert.Equal("test://static-text", text.GetProperty("uri").GetString());
        Assert.Equal("This is the content of the static text resource.", text.GetProperty("text").GetString());

        JsonElement blob = Assert.Single(report.Step(3).GetProperty("result").GetProperty("contents").EnumerateArray());
        Assert.Equal("image/png", blob.GetProperty("mimeType").GetString());
        Assert.Equal(Convert.ToBase64String(TinyMedia.Png.Span), blob.GetProperty("blob").GetString());

        JsonElement templated = Assert.Single(report.Step(4).GetProperty("result").GetProperty("contents").EnumerateArray());
        Assert.Equal("test://template/ts-77/data", templated.GetProperty("uri").GetString());
        JsonElement data = JsonDocument.Parse(templated.GetProperty("text").GetString()!).RootElement;
        Assert.Equal("ts-77", data.GetProperty("id").GetString());
        Assert.Equal("Data for ID: ts-77", data.GetProperty("data").GetString());

        JsonElement error = report.Step(5).GetProperty("error");
        Assert.Equal(unknownResourceCode, error.GetProperty("code").GetInt32());
        Assert.Equal("test://no-such-resource", error.GetProperty("data").GetProperty("uri").GetString());
        Assert.Contains("test://no-such-resource", error.GetProperty("message").GetString(), StringComparison.Ordinal);

        if (era == "modern")
        {
            // 2026-07-28 list results and resources/read carry a cache hint (TS v2 rejects them otherwise).
            Assert.True(report.Step(0).GetProperty("result").GetProperty("ttlMs").GetInt32() >= 0);
            Assert.True(report.Step(2).GetProperty("result").GetProperty("ttlMs").GetInt32() >= 0);
        }
    }

    [Theory]
    [MemberData(nameof(Clients))]
    public async Task Lists_and_gets_prompts(string sdk, string era, string version)
    {
        object[] steps =
        [
            new { op = "listPrompts" },
            new { op = "getPrompt", name = "test_prompt_with_arguments", args = new { arg1 = "alpha one", arg2 = "beta two" } },
            new { op = "getPrompt", name = "test_prompt_with_embedded_resource", args = new { resourceUri = "test://static-text" } },
            new { op = "getPrompt", name = "test_prompt_with_image" },
            new { op = "getPrompt", name = "no_such_prompt", expectError = true },
        ];

        JsonElement report = await TypeScriptClient.RunAsync(host.Endpoint, sdk, era, version, steps);

        JsonElement prompts = report.Step(0).GetProperty("result").GetProperty("prompts");
        Assert.Equal(
            ["matrix_context_prompt", "test_input_required_result_prompt", "test_prompt_with_arguments", "test_prompt_with_embedded_resource", "test_prompt_with_image", "test_simple_prompt"],
            prompts.EnumerateArray().Select(p => p.GetProperty("name").GetString()).Order(StringComparer.Ordinal));
        JsonElement withArguments = prompts.EnumerateArray().Single(p => p.GetProperty("name").GetString() == "test_prompt_with_arguments");
        Assert.Equal(["arg1", "arg2"], withArguments.GetProperty("arguments").EnumerateArray().Select(a => a.GetProperty("name").GetString()));
        Assert.All(withArguments.GetProperty("arguments").EnumerateArray(), a => Assert.True(a.GetProperty("required").GetBoolean()));

        JsonElement argumentsMessage = Assert.Single(report.Step(1).GetProperty("result").GetProperty("messages").EnumerateArray());
        Assert.Equal("user", argumentsMessage.GetProperty("role").GetString());
        Assert.Equal("Prompt with arguments: arg1='alpha one', arg2='beta two'", argumentsMessage.GetProperty("content").GetProperty("text").GetString());

        JsonElement embedded = report.Step(2).GetProperty("result").GetProperty("messages");
        Assert.Equal(2, embedded.GetArrayLength());
        JsonElement resource = embedded[0].GetProperty("content");
        Assert.Equal("resource", resource.GetProperty("type").GetString());
        Assert.Equal("test://static-text", resource.GetProperty("resource").GetProperty("uri").GetString());
        Assert.Equal("Embedded resource content for testing.", resource.GetProperty("resource").GetProperty("text").GetString());
        Assert.Equal("Please process the embedded resource above.", embedded[1].GetProperty("content").GetProperty("text").GetString());

        JsonElement image = report.Step(3).GetProperty("result").GetProperty("messages");
        Assert.Equal(2, image.GetArrayLength());
        Assert.Equal("image", image[0].GetProperty("content").GetProperty("type").GetString());
        Assert.Equal("image/png", image[0].GetProperty("content").GetProperty("mimeType").GetString());
        Assert.Equal(Convert.ToBase64String(TinyMedia.Png.Span), image[0].GetProperty("content").GetProperty("data").GetString());
        Assert.Equal("Please analyze the image above.", image[1].GetProperty("content").GetProperty("text").GetString());

        JsonElement unknown = report.Step(4).GetProperty("error");
        Assert.Equal(-32602, unknown.GetProperty("code").GetInt32());
        Assert.Contains("no_such_prompt", unknown.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Clients))]
    public async Task Completes_a_prompt_argument(string sdk, string era, string version)
    {
        var prompt = new { type = "ref/prompt", name = "test_prompt_with_arguments" };
        object[] steps =
        [
            new { op = "complete", @ref = prompt, argument = new { name = "arg1", value = "test-" } },
            new { op = "complete", @ref = prompt, argument = new { name = "arg1", value = "ex" } },
            new { op = "complete", @ref = prompt, argument = new { name = "arg1", value = "nothing" } },
        ];

        JsonElement report = await TypeScriptClient.RunAsync(host.Endpoint, sdk, era, version, steps);

        JsonElement testDash = report.Step(0).GetProperty("result").GetProperty("completion");
        Assert.Equal(["test-value-1", "test-value-2"], testDash.GetProperty("values").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal(2, testDash.GetProperty("total").GetInt32());
        Assert.False(testDash.GetProperty("hasMore").GetBoolean());
        Assert.Equal(["example"], report.Step(1).GetProperty("result").GetProperty("completion").GetProperty("values").EnumerateArray().Select(v => v.GetString()));
        Assert.Empty(report.Step(2).GetProperty("result").GetProperty("completion").GetProperty("values").EnumerateArray());
    }

    [Theory]
    [InlineData("v1")]
    [InlineData("v2")]
    public async Task Legacy_clients_receive_every_tool_log_message_at_the_default_threshold(string sdk)
    {
        object[] steps =
        [
            new { op = "call", name = "test_tool_with_logging", logs = true },
            // logging/setLevel is acknowledged, but the stateless endpoint keeps no level: info messages still arrive.
            new { op = "setLevel", level = "debug" },
            new { op = "call", name = "test_tool_with_logging", logs = true },
            new { op = "call", name = "test_logging_tool", logs = true },
        ];

        JsonElement report = await TypeScriptClient.RunAsync(host.Endpoint, sdk, "legacy", "2025-11-25", steps);

        // The TS clients read the SSE stream in order and run notification handlers before the response resolves, so
        // every message arrives, in order, even the one written right before the result.
        foreach (int index in new[] { 0, 2 })
        {
            JsonElement call = report.Step(index);
            Assert.Equal("Tool with logging executed successfully", call.GetProperty("result").GetProperty("content")[0].GetProperty("text").GetString());
            AssertLogs(call, ToolLogMessages);
        }

        AssertLogs(report.Step(3), ["Diagnostic trace logging activated"]);
    }

    [Fact]
    public async Task Modern_client_receives_log_messages_only_at_or_below_its_per_request_level()
    {
        object[] steps =
        [
            new { op = "call", name = "test_tool_with_logging", logs = true },
            new { op = "call", name = "test_tool_with_logging", logs = true, logLevel = "info" },
            new { op = "call", name = "test_tool_with_logging", logs = true, logLevel = "debug" },
            new { op = "call", name = "test_tool_with_logging", logs = true, logLevel = "warning" },
            // logging/setLevel was removed in 2026-07-28: the v2 client refuses to send it on a modern connection.
            new { op = "setLevel", level = "debug", expectError = true },
        ];

        JsonElement report = await TypeScriptClient.RunAsync(host.Endpoint, "v2", "modern", "2026-07-28", steps);

        Assert.Equal("2026-07-28", report.GetProperty("connect").GetProperty("protocolVersion").GetString());
        for (int i = 0; i < 4; i++)
        {
            Assert.Equal("Tool with logging executed successfully", report.Step(i).GetProperty("result").GetProperty("content")[0].GetProperty("text").GetString());
        }

        AssertLogs(report.Step(0), []); // no _meta logLevel: the server must not log
        AssertLogs(report.Step(1), ToolLogMessages);
        AssertLogs(report.Step(2), ToolLogMessages);
        AssertLogs(report.Step(3), []); // info messages are below warning
        JsonElement refused = report.Step(4).GetProperty("error");
        Assert.Equal("METHOD_NOT_SUPPORTED_BY_PROTOCOL_VERSION", refused.GetProperty("code").GetString());
    }

    private static void AssertLogs(JsonElement step, string[] expected)
    {
        JsonElement logs = step.GetProperty("logs");
        Assert.Equal(expected, logs.EnumerateArray().Select(l => l.GetProperty("data").GetString()));
        Assert.All(logs.EnumerateArray(), l => Assert.Equal("info", l.GetProperty("level").GetString()));
    }
}
