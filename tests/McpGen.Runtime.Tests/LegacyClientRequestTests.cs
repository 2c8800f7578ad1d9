using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using McpGen.Runtime.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using McpGen.ClientInput;
using McpGen.Dispatch;
using McpGen.Http;
using McpGen.Streaming;

namespace McpGen.Runtime.Tests;

/// <summary>
/// initialize-era clients of a server with sessions: the request travels on the call's SSE stream and the client's
/// answer, POSTed to the endpoint, resumes the tool. On a real Kestrel socket. (The session layer that records the
/// client's capabilities is stood in for by a middleware.)
/// </summary>
public sealed class LegacyClientRequestTests
{
    /// <summary>A sticky server and a client with a session whose initialize declared <paramref name="capabilities"/>.</summary>
    private static async Task<(WebApplication App, HttpClient Client)> StartAsync(string capabilities, Action<McpServerOptions>? configure = null)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddMcpServerCore(o => configure?.Invoke(o));
        WebApplication app = builder.Build();
        app.MapMcp("/mcp", ClientInputServers.Create(McpSessionMode.Sticky));
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var client = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(30) };
        using HttpResponseMessage initialized = await client.SendAsync(Legacy(
            "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\",\"capabilities\":"
            + capabilities + ",\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}"));
        Assert.Equal(200, (int)initialized.StatusCode);
        client.DefaultRequestHeaders.Add("Mcp-Session-Id", initialized.Headers.GetValues("Mcp-Session-Id").Single());
        return (app, client);
    }

    private static HttpRequestMessage Legacy(string json)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/mcp") { Content = new StringContent(json, Encoding.UTF8) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation("Accept", "application/json, text/event-stream");
        request.Headers.TryAddWithoutValidation("MCP-Protocol-Version", "2025-11-25");
        return request;
    }

    /// <summary>The client's response message to a server-to-client request.</summary>
    private static string Answer(string id, string result) => "{\"jsonrpc\":\"2.0\",\"id\":" + JsonSerializer.Serialize(id) + ",\"result\":" + result + "}";

    [Fact]
    public async Task AnAnswerFromAnotherSession_OrFromNoSession_IsRefused_AndTheCallWaitsForItsOwn()
    {
        (WebApplication app, HttpClient client) = await StartAsync(ClientInputServers.AllCapabilities);
        await using WebApplication appScope = app;
        using HttpClient clientScope = client;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));

        // A second session of the same user on the same server.
        using var intruder = new HttpClient { BaseAddress = client.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        using HttpResponseMessage initialized = await intruder.SendAsync(Legacy(
            """{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{"elicitation":{}},"clientInfo":{"name":"b","version":"1"}}}"""), timeout.Token);
        intruder.DefaultRequestHeaders.Add("Mcp-Session-Id", initialized.Headers.GetValues("Mcp-Session-Id").Single());
        using var anonymous = new HttpClient { BaseAddress = client.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

        using HttpResponseMessage response = await client.SendAsync(
            Legacy("""{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"greet","arguments":{}}}"""), HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        var events = new SseEvents(await response.Content.ReadAsStreamAsync(timeout.Token));
        string id = (await events.NextAsync(timeout.Token)).GetProperty("id").GetString()!;

        using HttpResponseMessage foreign = await intruder.SendAsync(Legacy(Answer(id, ClientInputServers.Accept("Mallory"))), timeout.Token);
        Assert.Equal(400, (int)foreign.StatusCode);
        JsonElement error = JsonDocument.Parse(await foreign.Content.ReadAsStringAsync(timeout.Token)).RootElement;
        Assert.Equal(-32600, error.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Contains("session it came on", error.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);

        using HttpResponseMessage sessionless = await anonymous.SendAsync(Legacy(Answer(id, ClientInputServers.Accept("Mallory"))), timeout.Token);
        Assert.Equal(400, (int)sessionless.StatusCode);
        Assert.Equal(1, app.Services.GetRequiredService<PendingClientRequests>().Count); // still waiting for its own session

        using HttpResponseMessage answer = await client.SendAsync(Legacy(Answer(id, ClientInputServers.Accept("Bob"))), timeout.Token);
        Assert.Equal(202, (int)answer.StatusCode);
        JsonElement final = await events.NextAsync(timeout.Token);
        Assert.Equal("Hello, Bob!", final.GetProperty("result").GetProperty("content")[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task Elicitation_TravelsOnTheCallsStream_AndTheAnswerResumesTheTool()
    {
        (WebApplication app, HttpClient client) = await StartAsync(ClientInputServers.AllCapabilities);
        await using WebApplication appScope = app;
        using HttpClient clientScope = client;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));

        using HttpResponseMessage response = await client.SendAsync(
            Legacy("""{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"greet","arguments":{}}}"""), HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var events = new SseEvents(await response.Content.ReadAsStreamAsync(timeout.Token));

        JsonElement request = await events.NextAsync(timeout.Token);
        Assert.Equal("elicitation/create", request.GetProperty("method").GetString());
        Assert.Equal("What is your name?", request.GetProperty("params").GetProperty("message").GetString());
        Assert.Equal("object", request.GetProperty("params").GetProperty("requestedSchema").GetProperty("type").GetString());
        string id = request.GetProperty("id").GetString()!;
        Assert.StartsWith("mcpgen-", id, StringComparison.Ordinal);

        using HttpResponseMessage unknown = await client.SendAsync(Legacy("""{"jsonrpc":"2.0","id":"mcpgen-nobody-asked-for-this","result":{}}"""), timeout.Token);
        Assert.Equal(400, (int)unknown.StatusCode); // an id this session was never sent: refused, and the call still waits
        using HttpResponseMessage answer = await client.SendAsync(
            Legacy(Answer(id, ClientInputServers.Accept("Bob"))), timeout.Token);
        Assert.Equal(202, (int)answer.StatusCode);
        Assert.Equal(0, answer.Content.Headers.ContentLength);

        JsonElement final = await events.NextAsync(timeout.Token);
        Assert.Equal(7, final.GetProperty("id").GetInt32());
        Assert.Equal("Hello, Bob!", final.GetProperty("result").GetProperty("content")[0].GetProperty("text").GetString());
        Assert.False(final.GetProperty("result").TryGetProperty("resultType", out _));
        Assert.Null(await events.NextOrNullAsync(timeout.Token));
        Assert.Equal(0, app.Services.GetRequiredService<PendingClientRequests>().Count);
    }

    [Fact]
    public async Task ConcurrentAsks_AreAnsweredInAnyOrder()
    {
        (WebApplication app, HttpClient client) = await StartAsync(ClientInputServers.AllCapabilities);
        await using WebApplication appScope = app;
        using HttpClient clientScope = client;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));

        using HttpResponseMessage response = await client.SendAsync(
            Legacy("""{"jsonrpc":"2.0","id":"call-3","method":"tools/call","params":{"name":"three"}}"""), HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        var events = new SseEvents(await response.Content.ReadAsStreamAsync(timeout.Token));
        var requests = new Dictionary<string, string>();
        for (int i = 0; i < 3; i++)
        {
            JsonElement request = await events.NextAsync(timeout.Token);
            requests[request.GetProperty("method").GetString()!] = request.GetProperty("id").GetString()!;
        }

        foreach ((string method, string result) in new[]
        {
            ("roots/list", ClientInputServers.Roots),
            ("sampling/createMessage", ClientInputServers.Sampled("Hey")),
            ("elicitation/create", ClientInputServers.Accept("Cy")),
        })
        {
            using HttpResponseMessage posted = await client.SendAsync(Legacy(Answer(requests[method], result)), timeout.Token);
            Assert.Equal(202, (int)posted.StatusCode);
        }

        JsonElement final = await events.NextAsync(timeout.Token);
        Assert.Equal("Cy|Hey|1:file:///work", final.GetProperty("result").GetProperty("content")[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task PromptsGet_AsksOnItsStreamToo()
    {
        (WebApplication app, HttpClient client) = await StartAsync(ClientInputServers.AllCapabilities);
        await using WebApplication appScope = app;
        using HttpClient clientScope = client;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));

        using HttpResponseMessage response = await client.SendAsync(
            Legacy("""{"jsonrpc":"2.0","id":1,"method":"prompts/get","params":{"name":"ask_prompt"}}"""), HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        var events = new SseEvents(await response.Content.ReadAsStreamAsync(timeout.Token));
        string id = (await events.NextAsync(timeout.Token)).GetProperty("id").GetString()!;
        (await client.SendAsync(Legacy(Answer(id, ClientInputServers.Accept("legacy"))), timeout.Token)).Dispose();

        JsonElement final = await events.NextAsync(timeout.Token);
        Assert.Equal("Context: legacy", final.GetProperty("result").GetProperty("messages")[0].GetProperty("content").GetProperty("text").GetString());
    }

    [Fact]
    public async Task UndeclaredCapability_IsAToolError_WithoutAnyRequest()
    {
        (WebApplication app, HttpClient client) = await StartAsync("""{"sampling":{}}""");
        await using WebApplication appScope = app;
        using HttpClient clientScope = client;

        using HttpResponseMessage response = await client.SendAsync(Legacy("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"greet"}}"""));

        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        JsonElement result = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("result");
        Assert.True(result.GetProperty("isError").GetBoolean());
        Assert.Contains("did not declare the elicitation (form) capability in initialize", result.GetProperty("content")[0].GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoAnswerInTime_CancelsTheRequest_AndEndsWithAToolError()
    {
        (WebApplication app, HttpClient client) = await StartAsync(ClientInputServers.AllCapabilities, o => o.Sessions.ClientRequestTimeout = TimeSpan.FromMilliseconds(300));
        await using WebApplication appScope = app;
        using HttpClient clientScope = client;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));

        using HttpResponseMessage response = await client.SendAsync(
            Legacy("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"greet"}}"""), HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        var events = new SseEvents(await response.Content.ReadAsStreamAsync(timeout.Token));

        string id = (await events.NextAsync(timeout.Token)).GetProperty("id").GetString()!;
        JsonElement cancelled = await events.NextAsync(timeout.Token);
        JsonElement final = await events.NextAsync(timeout.Token);

        Assert.Equal("notifications/cancelled", cancelled.GetProperty("method").GetString());
        Assert.Equal(id, cancelled.GetProperty("params").GetProperty("requestId").GetString());
        Assert.True(final.GetProperty("result").GetProperty("isError").GetBoolean());
        Assert.Contains("did not answer elicitation/create within 0.3 s", final.GetProperty("result").GetProperty("content")[0].GetProperty("text").GetString(), StringComparison.Ordinal);
        using HttpResponseMessage late = await client.SendAsync(Legacy(Answer(id, """{"action":"decline"}""")), timeout.Token);
        Assert.Equal(202, (int)late.StatusCode);
    }

    [Fact]
    public async Task ClientGoingAway_KeepsTheSessionCallWaiting_UntilNotificationsCancelled()
    {
        (WebApplication app, HttpClient client) = await StartAsync(ClientInputServers.AllCapabilities);
        await using WebApplication appScope = app;
        using HttpClient clientScope = client;
        PendingClientRequests pending = app.Services.GetRequiredService<PendingClientRequests>();
        using var abort = new CancellationTokenSource();

        HttpResponseMessage response = await client.SendAsync(
            Legacy("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"greet"}}"""), HttpCompletionOption.ResponseHeadersRead, abort.Token);
        var events = new SseEvents(await response.Content.ReadAsStreamAsync(abort.Token));
        await events.NextAsync(new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token);
        Assert.Equal(1, pending.Count);

        // A dropped connection is not a cancellation inside a session: the client may resume the stream with
        // Last-Event-ID and answer the request it finds there.
        await abort.CancelAsync();
        response.Dispose();
        await Task.Delay(300);
        Assert.Equal(1, pending.Count);

        // notifications/cancelled is: the call stops waiting and forgets the request.
        using HttpResponseMessage cancelled = await client.SendAsync(
            Legacy("""{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":1,"reason":"user"}}"""));
        Assert.Equal(202, (int)cancelled.StatusCode);
        DateTime deadline = DateTime.UtcNow.AddSeconds(10);
        while (pending.Count > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Equal(0, pending.Count);
    }

    /// <summary>Reads SSE events one at a time from a live response stream.</summary>
    private sealed class SseEvents(Stream stream)
    {
        private readonly StreamReader _reader = new(stream, Encoding.UTF8);

        public async Task<JsonElement> NextAsync(CancellationToken cancellationToken)
            => await NextOrNullAsync(cancellationToken) ?? throw new InvalidOperationException("The stream ended before the next event.");

        public async Task<JsonElement?> NextOrNullAsync(CancellationToken cancellationToken)
        {
            var data = new StringBuilder();
            while (await _reader.ReadLineAsync(cancellationToken) is { } line)
            {
                if (line.Length == 0)
                {
                    if (data.Length > 0)
                    {
                        return JsonDocument.Parse(data.ToString()).RootElement.Clone();
                    }

                    continue;
                }

                if (line.StartsWith("data:", StringComparison.Ordinal))
                {
                    data.Append(line.AsSpan(5).TrimStart());
                }
            }

            return null;
        }
    }
}
