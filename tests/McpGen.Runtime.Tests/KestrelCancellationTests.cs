using System.Net.Http.Headers;
using System.Text;
using McpGen.Runtime.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace McpGen.Runtime.Tests;

/// <summary>2026-07-28: closing the response stream cancels the request. On a real Kestrel socket.</summary>
public sealed class KestrelCancellationTests
{
    private static async Task<(WebApplication App, HttpClient Client)> StartKestrelAsync(McpServerDefinition definition)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddMcpServerCore();
        WebApplication app = builder.Build();
        app.MapMcp("/mcp", definition);
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return (app, new HttpClient { BaseAddress = new Uri(address) });
    }

    private static HttpRequestMessage ModernCall(string tool, string extraMeta)
    {
        string meta = McpTestHost.Meta[..^1] + extraMeta + "}";
        var request = new HttpRequestMessage(HttpMethod.Post, "/mcp")
        {
            Content = new StringContent(McpTestHost.ModernBody("tools/call", $"\"name\":\"{tool}\"", meta: meta), Encoding.UTF8),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation("Accept", "application/json, text/event-stream");
        request.Headers.TryAddWithoutValidation("MCP-Protocol-Version", McpTestHost.Modern);
        request.Headers.TryAddWithoutValidation("Mcp-Method", "tools/call");
        request.Headers.TryAddWithoutValidation("Mcp-Name", tool);
        return request;
    }

    private static McpToolDefinition WaitingTool(TaskCompletionSource started, TaskCompletionSource<bool> cancelled, bool logFirst)
        => TestTools.Tool("wait", async ctx =>
        {
            if (logFirst)
            {
                ctx.Request.Log(McpLogLevel.Info, "waiting");
            }

            started.TrySetResult();
            try
            {
                await Task.Delay(Timeout.Infinite, ctx.CancellationToken);
            }
            catch (OperationCanceledException)
            {
                cancelled.TrySetResult(ctx.Request.RequestAborted.IsCancellationRequested);
                ctx.Request.Log(McpLogLevel.Error, "after cancellation: must not be sent");
                throw;
            }
        }, McpHandlerFeatures.RequestContext);

    [Fact]
    public async Task ClientAbortingBeforeAnyResponse_CancelsTheTool()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cancelled = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        (WebApplication app, HttpClient client) = await StartKestrelAsync(new TestServerDefinition("s", "1", [WaitingTool(started, cancelled, logFirst: false)]));
        await using WebApplication _ = app;
        using HttpClient __ = client;
        using var cts = new CancellationTokenSource();

        Task<HttpResponseMessage> send = client.SendAsync(ModernCall("wait", ""), HttpCompletionOption.ResponseHeadersRead, cts.Token);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        cts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => send);
        Assert.True(await cancelled.Task.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task ClientClosingTheEventStream_CancelsTheTool_AndNothingMoreIsWritten()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cancelled = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        (WebApplication app, HttpClient client) = await StartKestrelAsync(new TestServerDefinition("s", "1", [WaitingTool(started, cancelled, logFirst: true)]));
        await using WebApplication _ = app;
        using HttpClient __ = client;

        HttpResponseMessage response = await client.SendAsync(ModernCall("wait", ",\"io.modelcontextprotocol/logLevel\":\"info\""), HttpCompletionOption.ResponseHeadersRead)
            .WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Stream body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[4096];
        int read = await body.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        string first = Encoding.UTF8.GetString(buffer, 0, read);
        Assert.Contains("notifications/message", first);
        Assert.Contains("waiting", first);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(10));

        response.Dispose();

        Assert.True(await cancelled.Task.WaitAsync(TimeSpan.FromSeconds(10)));
    }
}
