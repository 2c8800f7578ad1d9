using System.Text.Json;
using McpGen.Runtime.Tests.Infrastructure;
using static McpGen.Runtime.Tests.Infrastructure.McpTestHost;

namespace McpGen.Runtime.Tests;

/// <summary>SSE responses for tools that report progress to a client that sent a progress token.</summary>
public sealed class ProgressStreamTests
{
    [Fact]
    public async Task ModernProgress_StreamsNotificationsThenTheResult()
    {
        await using McpTestHost host = await StartAsync();

        HttpResponseMessage response = await host.CallModernAsync("progress", id: "4", extraMeta: "\"progressToken\":\"d57490fc7dd840919363f67fbc8c73cf\"");

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no-cache", response.Headers.CacheControl?.ToString());
        Assert.Equal("no", string.Join(",", response.Headers.GetValues("X-Accel-Buffering")));
        AssertNoSession(response);

        List<(string Event, string Data)> events = ParseSse(await response.Content.ReadAsStringAsync());
        Assert.Equal(5, events.Count);
        Assert.All(events, e => Assert.Equal("message", e.Event));
        for (int i = 0; i < 4; i++)
        {
            JsonElement notification = JsonDocument.Parse(events[i].Data).RootElement;
            Assert.Equal("2.0", notification.GetProperty("jsonrpc").GetString());
            Assert.Equal("notifications/progress", notification.GetProperty("method").GetString());
            Assert.False(notification.TryGetProperty("id", out _));
            JsonElement p = notification.GetProperty("params");
            Assert.Equal("\"d57490fc7dd840919363f67fbc8c73cf\"", p.GetProperty("progressToken").GetRawText());
            Assert.Equal(i + 1, p.GetProperty("progress").GetDouble());
            if (i < 3)
            {
                Assert.Equal(3, p.GetProperty("total").GetDouble());
                Assert.Equal($"step {i + 1}", p.GetProperty("message").GetString());
            }
            else
            {
                Assert.False(p.TryGetProperty("total", out _));
                Assert.False(p.TryGetProperty("message", out _));
            }
        }

        JsonElement final = JsonDocument.Parse(events[4].Data).RootElement;
        Assert.Equal("4", final.GetProperty("id").GetRawText());
        JsonElement result = final.GetProperty("result");
        Assert.Equal("done", result.GetProperty("content")[0].GetProperty("text").GetString());
        Assert.Equal("complete", result.GetProperty("resultType").GetString());
    }

    [Fact]
    public async Task LegacyProgress_EchoesANumericTokenAsANumber()
    {
        await using McpTestHost host = await StartAsync();

        HttpResponseMessage response = await host.SendLegacyAsync("tools/call", """{"name":"progress","arguments":{},"_meta":{"progressToken":3}}""", id: "3");

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        List<(string Event, string Data)> events = ParseSse(await response.Content.ReadAsStringAsync());
        Assert.Equal(5, events.Count);
        Assert.Equal("3", JsonDocument.Parse(events[0].Data).RootElement.GetProperty("params").GetProperty("progressToken").GetRawText());
        JsonElement final = JsonDocument.Parse(events[^1].Data).RootElement;
        Assert.Equal("3", final.GetProperty("id").GetRawText());
        Assert.False(final.GetProperty("result").TryGetProperty("resultType", out _));
    }

    [Fact]
    public async Task ProgressToolWithoutToken_AnswersPlainJson()
    {
        await using McpTestHost host = await StartAsync();

        JsonElement result = await AssertResultAsync(await host.CallModernAsync("progress"));

        Assert.Equal("done", result.GetProperty("content")[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task ProgressToolThatReportsNothing_AnswersPlainJson()
    {
        await using McpTestHost host = await StartAsync();

        JsonElement result = await AssertResultAsync(await host.CallModernAsync("progress_silent", extraMeta: "\"progressToken\":7"));

        Assert.Equal("no progress", result.GetProperty("content")[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task InvalidProgressTokenType_IsIgnored()
    {
        await using McpTestHost host = await StartAsync();

        JsonElement result = await AssertResultAsync(await host.CallModernAsync("progress", extraMeta: "\"progressToken\":{\"x\":1}"));

        Assert.Equal("done", result.GetProperty("content")[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task ProgressThenFailure_StreamsTheIsErrorResultLast()
    {
        McpToolDefinition tool = TestTools.Tool("flaky", ctx =>
        {
            ctx.Progress.Report(new McpProgress(1));
            throw new InvalidOperationException("boom");
        }, McpHandlerFeatures.Progress);
        await using McpTestHost host = await StartAsync(new TestServerDefinition("s", "1", [tool]));

        HttpResponseMessage response = await host.CallModernAsync("flaky", extraMeta: "\"progressToken\":\"t\"");

        List<(string Event, string Data)> events = ParseSse(await response.Content.ReadAsStringAsync());
        Assert.Equal(2, events.Count);
        Assert.Equal("notifications/progress", JsonDocument.Parse(events[0].Data).RootElement.GetProperty("method").GetString());
        JsonElement result = JsonDocument.Parse(events[1].Data).RootElement.GetProperty("result");
        Assert.True(result.GetProperty("isError").GetBoolean());
        Assert.DoesNotContain("boom", events[1].Data);
    }

    [Fact]
    public async Task ClientClosingTheStream_CancelsTheTool()
    {
        var cancelled = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var reported = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        McpToolDefinition tool = TestTools.Tool("wait", async ctx =>
        {
            ctx.Progress.Report(new McpProgress(1, null, "waiting"));
            reported.TrySetResult();
            try
            {
                await Task.Delay(Timeout.Infinite, ctx.CancellationToken);
            }
            catch (OperationCanceledException)
            {
                cancelled.TrySetResult(ctx.Request.RequestAborted.IsCancellationRequested);
                throw;
            }
        }, McpHandlerFeatures.Progress);
        await using McpTestHost host = await StartAsync(new TestServerDefinition("s", "1", [tool]));
        using var cts = new CancellationTokenSource();
        string body = ModernBody("tools/call", "\"name\":\"wait\"", meta: Meta[..^1] + ",\"progressToken\":\"t\"}");
        HttpRequestMessage request = Post(body, ("MCP-Protocol-Version", Modern), ("Mcp-Method", "tools/call"), ("Mcp-Name", "wait"));

        Task<HttpResponseMessage> send = host.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
        await reported.Task.WaitAsync(TimeSpan.FromSeconds(10));
        HttpResponseMessage response = await send.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        cts.Cancel();
        response.Dispose();

        Assert.True(await cancelled.Task.WaitAsync(TimeSpan.FromSeconds(10)));
    }
}
