using System.Net;
using System.Text;
using System.Text.Json;
using McpGen.Runtime.Tests.Infrastructure;
using McpGen.Sessions;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using static McpGen.Runtime.Tests.Infrastructure.McpTestHost;
using McpGen.ClientInput;
using McpGen.Dispatch;
using McpGen.Http;
using McpGen.Streaming;

namespace McpGen.Runtime.Tests;

/// <summary>
/// Two store-backed "replicas" (two hosts over one store and one backplane): a session created on one is served by the
/// other, and its end on one reaches the other's cached copy through the backplane.
/// </summary>
public sealed class StoreSessionReplicaTests
{
    private const string Initialize = """{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}""";

    [Theory]
    [InlineData(5000)]
    [InlineData(0)]
    public async Task SessionFromReplicaA_IsServedByB_AndItsDeleteOnA_Ends_It_On_B(int cacheMilliseconds)
    {
        var store = new InMemoryMcpSessionStore();
        var backplane = new InMemoryMcpBackplane();
        void Shared(IServiceCollection services)
        {
            services.AddSingleton<IMcpSessionStore>(store);
            services.AddSingleton<IMcpBackplane>(backplane);
        }

        void Options(McpServerOptions o) => o.Sessions.StoreCacheDuration = TimeSpan.FromMilliseconds(cacheMilliseconds);
        await using McpTestHost a = await StartAsync(ClientInputServers.Create(McpSessionMode.Store), Options, Shared);
        await using McpTestHost b = await StartAsync(ClientInputServers.Create(McpSessionMode.Store), Options, Shared);

        using HttpResponseMessage initialized = await a.SendLegacyAsync("initialize", Initialize, protocolVersion: null);
        string session = initialized.Headers.GetValues("Mcp-Session-Id").Single();

        // B has never seen the session: it loads it from the store (and caches it when caching is on).
        using (HttpResponseMessage listed = await b.Client.SendAsync(Post("""{"jsonrpc":"2.0","id":2,"method":"tools/list"}""", ("Mcp-Session-Id", session))))
        {
            Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        }

        using (HttpResponseMessage deleted = await a.Client.SendAsync(new HttpRequestMessage(HttpMethod.Delete, "/mcp") { Headers = { { "Mcp-Session-Id", session } } }))
        {
            Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        }

        // The eviction travels through the backplane; bounded wait, far below the 5 s cache duration.
        HttpStatusCode status = HttpStatusCode.OK;
        DateTime deadline = DateTime.UtcNow.AddSeconds(2);
        while (DateTime.UtcNow < deadline)
        {
            using HttpResponseMessage after = await b.Client.SendAsync(Post("""{"jsonrpc":"2.0","id":3,"method":"tools/list"}""", ("Mcp-Session-Id", session)));
            status = after.StatusCode;
            if (status == HttpStatusCode.NotFound)
            {
                break;
            }

            await Task.Delay(10);
        }

        Assert.Equal(HttpStatusCode.NotFound, status);
    }

    /// <summary>Two store-backed replicas over one store and one backplane, with the client-input test server.</summary>
    private static async Task<(McpTestHost A, McpTestHost B)> StartPairAsync(bool legacySse = false)
    {
        var store = new InMemoryMcpSessionStore();
        var backplane = new InMemoryMcpBackplane();
        void Shared(IServiceCollection services)
        {
            services.AddSingleton<IMcpSessionStore>(store);
            services.AddSingleton<IMcpBackplane>(backplane);
        }

        McpTestHost a = await StartAsync(ClientInputServers.Create(McpSessionMode.Store, legacySse), services: Shared);
        McpTestHost b = await StartAsync(ClientInputServers.Create(McpSessionMode.Store, legacySse), services: Shared);
        return (a, b);
    }

    private static async Task<string> InitializeAsync(McpTestHost host)
    {
        using HttpResponseMessage initialized = await host.SendLegacyAsync("initialize",
            "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":" + ClientInputServers.AllCapabilities + ",\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}",
            protocolVersion: null);
        return initialized.Headers.GetValues("Mcp-Session-Id").Single();
    }

    private static HttpRequestMessage InSession(string session, string json)
    {
        HttpRequestMessage request = Post(json, ("Mcp-Session-Id", session), ("MCP-Protocol-Version", "2025-11-25"));
        return request;
    }

    [Fact]
    public async Task ElicitationOnReplicaB_IsAnsweredThroughReplicaA_AndTheToolContinuesOnB()
    {
        (McpTestHost a, McpTestHost b) = await StartPairAsync();
        await using McpTestHost hostA = a;
        await using McpTestHost hostB = b;
        string session = await InitializeAsync(a);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));

        using HttpResponseMessage call = await b.Client.SendAsync(
            InSession(session, """{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"greet","arguments":{}}}"""),
            HttpCompletionOption.ResponseHeadersRead, cts.Token);
        Assert.Equal("text/event-stream", call.Content.Headers.ContentType?.MediaType);
        using var events = new StreamReader(await call.Content.ReadAsStreamAsync(cts.Token), Encoding.UTF8);
        JsonElement elicitation = await SseReader.NextMessageAsync(events, cts.Token);
        Assert.Equal("elicitation/create", elicitation.GetProperty("method").GetString());
        string requestId = elicitation.GetProperty("id").GetString()!;

        // The answer lands on A, which has no such pending request: it goes through the backplane to B.
        using HttpResponseMessage answer = await a.Client.SendAsync(InSession(session,
            "{\"jsonrpc\":\"2.0\",\"id\":" + JsonSerializer.Serialize(requestId) + ",\"result\":" + ClientInputServers.Accept("Ada") + "}"), cts.Token);
        Assert.Equal(HttpStatusCode.Accepted, answer.StatusCode);

        JsonElement result = await SseReader.NextMessageAsync(events, cts.Token);
        Assert.Equal(5, result.GetProperty("id").GetInt32());
        Assert.Equal("Hello, Ada!", result.GetProperty("result").GetProperty("content")[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task NotificationsCancelledOnReplicaA_CancelsTheCallRunningOnB()
    {
        (McpTestHost a, McpTestHost b) = await StartPairAsync();
        await using McpTestHost hostA = a;
        await using McpTestHost hostB = b;
        string session = await InitializeAsync(a);
        PendingClientRequests pendingOnB = b.Services.GetRequiredService<PendingClientRequests>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));

        using HttpResponseMessage call = await b.Client.SendAsync(
            InSession(session, """{"jsonrpc":"2.0","id":"call-9","method":"tools/call","params":{"name":"greet","arguments":{}}}"""),
            HttpCompletionOption.ResponseHeadersRead, cts.Token);
        using var events = new StreamReader(await call.Content.ReadAsStreamAsync(cts.Token), Encoding.UTF8);
        await SseReader.NextMessageAsync(events, cts.Token); // the elicitation request: the tool now waits on B
        Assert.Equal(1, pendingOnB.Count);

        using HttpResponseMessage cancelled = await a.Client.SendAsync(InSession(session,
            """{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"call-9","reason":"user"}}"""), cts.Token);
        Assert.Equal(HttpStatusCode.Accepted, cancelled.StatusCode);

        while (pendingOnB.Count > 0)
        {
            await Task.Delay(10, cts.Token); // bounded by cts
        }

        Assert.Equal(0, pendingOnB.Count);
    }

    [Fact]
    public async Task HttpSse_StreamOnReplicaA_CarriesTheAnswersOfMessagesPostedToB()
    {
        (McpTestHost a, McpTestHost b) = await StartPairAsync(legacySse: true);
        await using McpTestHost hostA = a;
        await using McpTestHost hostB = b;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));

        using var open = new HttpRequestMessage(HttpMethod.Get, "/mcp/sse");
        open.Headers.TryAddWithoutValidation("Accept", "text/event-stream");
        using HttpResponseMessage stream = await a.Client.SendAsync(open, HttpCompletionOption.ResponseHeadersRead, cts.Token);
        Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
        using var reader = new StreamReader(await stream.Content.ReadAsStreamAsync(cts.Token), Encoding.UTF8);
        Assert.Equal("event: endpoint", await reader.ReadLineAsync(cts.Token));
        string endpoint = (await reader.ReadLineAsync(cts.Token))!["data: ".Length..];
        Assert.StartsWith("/mcp/message?sessionId=", endpoint, StringComparison.Ordinal);

        async Task PostToBAsync(string json)
        {
            using var post = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
            using HttpResponseMessage accepted = await b.Client.SendAsync(post, cts.Token);
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        }

        await PostToBAsync("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2024-11-05","capabilities":{},"clientInfo":{"name":"old","version":"1"}}}""");
        JsonElement initialized = await SseReader.NextMessageAsync(reader, cts.Token);
        Assert.Equal("2024-11-05", initialized.GetProperty("result").GetProperty("protocolVersion").GetString());

        await PostToBAsync("""{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"no_context","arguments":{}}}""");
        JsonElement called = await SseReader.NextMessageAsync(reader, cts.Token);
        Assert.Equal(2, called.GetProperty("id").GetInt32());
        Assert.Equal("plain", called.GetProperty("result").GetProperty("content")[0].GetProperty("text").GetString());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task NewerGetStream_EndsTheOlderOne_OnAnotherStoreReplica_OrOnTheStickyReplica(bool store)
    {
        (McpTestHost a, McpTestHost b) = store
            ? await StartPairAsync()
            : (await StartAsync(ClientInputServers.Create(McpSessionMode.Sticky)), null!);
        await using McpTestHost hostA = a;
        await using McpTestHost? hostB = b;
        McpTestHost second = b ?? a;
        string session = await InitializeAsync(a);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));

        HttpRequestMessage Get()
        {
            var get = new HttpRequestMessage(HttpMethod.Get, "/mcp");
            get.Headers.TryAddWithoutValidation("Accept", "text/event-stream");
            get.Headers.TryAddWithoutValidation("Mcp-Session-Id", session);
            get.Headers.TryAddWithoutValidation("MCP-Protocol-Version", "2025-11-25");
            return get;
        }

        using HttpResponseMessage older = await a.Client.SendAsync(Get(), HttpCompletionOption.ResponseHeadersRead, cts.Token);
        using var olderStream = new StreamReader(await older.Content.ReadAsStreamAsync(cts.Token), Encoding.UTF8);
        Assert.True((await SseReader.NextEventAsync(olderStream, cts.Token)) is { IsPriming: true });

        using HttpResponseMessage newer = await second.Client.SendAsync(Get(), HttpCompletionOption.ResponseHeadersRead, cts.Token);
        using var newerStream = new StreamReader(await newer.Content.ReadAsStreamAsync(cts.Token), Encoding.UTF8);
        Assert.True((await SseReader.NextEventAsync(newerStream, cts.Token)) is { IsPriming: true });

        Assert.Null(await SseReader.NextEventAsync(olderStream, cts.Token)); // taken over: ends
    }
}
