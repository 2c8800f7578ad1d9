using System.Text.Json;
using McpGen.Runtime.Tests.Infrastructure;
using static McpGen.Runtime.Tests.Infrastructure.McpTestHost;

namespace McpGen.Runtime.Tests;

/// <summary>notifications/message on the request's SSE stream, in order with progress, per era.</summary>
public sealed class LoggingTests
{
    /// <summary>Summarises each SSE event: "log:level:logger:data", "progress:n" or "result:text".</summary>
    private static async Task<List<string>> EventsAsync(HttpResponseMessage response)
    {
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        AssertNoSession(response);
        var summary = new List<string>();
        foreach ((string _, string data) in ParseSse(await response.Content.ReadAsStringAsync()))
        {
            JsonElement message = JsonDocument.Parse(data).RootElement;
            if (message.TryGetProperty("result", out JsonElement result))
            {
                summary.Add("result:" + result.GetProperty("content")[0].GetProperty("text").GetString());
                continue;
            }

            JsonElement p = message.GetProperty("params");
            Assert.False(message.TryGetProperty("id", out _));
            summary.Add(message.GetProperty("method").GetString() switch
            {
                "notifications/message" => $"log:{p.GetProperty("level").GetString()}:{(p.TryGetProperty("logger", out JsonElement l) ? l.GetString() : "-")}:{p.GetProperty("data").GetString()}",
                "notifications/progress" => $"progress:{p.GetProperty("progress").GetDouble()}",
                var other => other ?? "(none)",
            });
        }

        return summary;
    }

    [Fact]
    public async Task Legacy_LogsAtInfoAndAbove_InOrderWithProgress()
    {
        await using McpTestHost host = await StartAsync(FeatureServers.Standard());

        List<string> events = await EventsAsync(await host.SendLegacyAsync("tools/call", """{"name":"echo_log","_meta":{"progressToken":5}}"""));

        Assert.Equal(["log:info:app:info message", "progress:1", "log:warning:db:warning message", "progress:2", "log:error:-:error message", "result:logged"], events);
    }

    [Fact]
    public async Task Legacy_LogLevelMetaIsIgnored_AndSetLevelDoesNotPersist()
    {
        await using McpTestHost host = await StartAsync(FeatureServers.Standard());
        await AssertResultAsync(await host.SendLegacyAsync("logging/setLevel", """{"level":"error"}"""));

        List<string> events = await EventsAsync(await host.SendLegacyAsync("tools/call",
            """{"name":"echo_log","_meta":{"io.modelcontextprotocol/logLevel":"debug"}}"""));

        Assert.Equal(["log:info:app:info message", "log:warning:db:warning message", "log:error:-:error message", "result:logged"], events);
    }

    [Fact]
    public async Task Modern_WithLogLevel_UsesItAsTheThreshold()
    {
        await using McpTestHost host = await StartAsync(FeatureServers.Standard());

        List<string> debug = await EventsAsync(await host.CallModernAsync("echo_log", extraMeta: "\"io.modelcontextprotocol/logLevel\":\"debug\",\"progressToken\":\"p\""));
        List<string> warning = await EventsAsync(await host.CallModernAsync("echo_log", extraMeta: "\"io.modelcontextprotocol/logLevel\":\"warning\""));

        Assert.Equal(["log:debug:-:debug message", "log:info:app:info message", "progress:1", "log:warning:db:warning message", "progress:2", "log:error:-:error message", "result:logged"], debug);
        Assert.Equal(["log:warning:db:warning message", "log:error:-:error message", "result:logged"], warning);
    }

    [Fact]
    public async Task Modern_WithoutLogLevel_SendsNoLogMessages()
    {
        await using McpTestHost host = await StartAsync(FeatureServers.Standard());

        JsonElement result = await AssertResultAsync(await host.CallModernAsync("echo_log"));
        List<string> progressOnly = await EventsAsync(await host.CallModernAsync("echo_log", extraMeta: "\"progressToken\":1"));

        Assert.Equal("logged", result.GetProperty("content")[0].GetProperty("text").GetString());
        Assert.Equal(["progress:1", "progress:2", "result:logged"], progressOnly);
    }

    [Theory]
    [InlineData("\"verbose\"")]
    [InlineData("1")]
    public async Task Modern_InvalidLogLevel_Is400(string level)
    {
        await using McpTestHost host = await StartAsync(FeatureServers.Standard());

        await AssertErrorAsync(await host.CallModernAsync("echo_log", extraMeta: $"\"io.modelcontextprotocol/logLevel\":{level}"), 400, -32602, "1");
    }

    [Fact]
    public async Task ToolWithoutLoggingFeature_NeverLogs()
    {
        McpToolDefinition tool = TestTools.Tool("quiet", ctx =>
        {
            ctx.Request.Log(McpLogLevel.Emergency, "dropped");
            ctx.WriteText("ok");
            return ValueTask.CompletedTask;
        });
        await using McpTestHost host = await StartAsync(new TestServerDefinition("s", "1", [tool]));

        await AssertResultAsync(await host.CallModernAsync("quiet", extraMeta: "\"io.modelcontextprotocol/logLevel\":\"debug\""));
        await AssertResultAsync(await host.SendLegacyAsync("tools/call", """{"name":"quiet"}"""));
        JsonElement discover = await AssertResultAsync(await host.SendModernAsync("server/discover"));
        Assert.False(discover.GetProperty("capabilities").TryGetProperty("logging", out _));
    }
}
