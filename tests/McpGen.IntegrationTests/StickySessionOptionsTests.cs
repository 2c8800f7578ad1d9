using System.Net;
using System.Text.Json;

namespace McpGen.IntegrationTests;

/// <summary>The session options on a real Kestrel, each on its own host: MaxSessions, IdleTimeout and SessionlessFallback.</summary>
public sealed class StickySessionOptionsTests
{
    [Fact]
    public async Task Initialize_beyond_max_sessions_gets_503_with_retry_after_until_a_session_ends()
    {
        await using SessionHostScope scope = await SessionHostScope.StartAsync(o => o.Sessions.MaxSessions = 2);
        using var first = new RawSession(scope.Host.Endpoint);
        await first.InitializeAsync();
        using var second = new RawSession(scope.Host.Endpoint);
        await second.InitializeAsync();
        using var third = new RawSession(scope.Host.Endpoint);

        using (HttpResponseMessage full = await third.SendAsync(third.Post(
            """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}""")))
        {
            string message = await RawSession.AssertErrorAsync(full, HttpStatusCode.ServiceUnavailable, -32603);
            Assert.Contains("maximum of 2 sessions", message, StringComparison.Ordinal);
            Assert.Contains("DELETE", message, StringComparison.Ordinal);
            Assert.False(full.Headers.Contains("Mcp-Session-Id"));
            Assert.True(full.Headers.RetryAfter?.Delta > TimeSpan.Zero, full.Headers.ToString());
        }

        using (HttpResponseMessage deleted = await first.SendAsync(first.Delete()))
        {
            Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        }

        await third.InitializeAsync();
        Assert.NotEqual(0, (await third.ResultAsync("tools/list")).GetProperty("tools").GetArrayLength());
    }

    [Fact]
    public async Task An_idle_session_expires_and_each_request_slides_its_expiry()
    {
        // Time passing is what is tested here: the waits are the idle periods, not synchronisation.
        TimeSpan idle = TimeSpan.FromSeconds(2);
        await using SessionHostScope scope = await SessionHostScope.StartAsync(o => o.Sessions.IdleTimeout = idle);
        using var client = new RawSession(scope.Host.Endpoint);
        await client.InitializeAsync();

        await Task.Delay(idle * 0.6);
        await client.ResultAsync("tools/list");
        await Task.Delay(idle * 0.6); // past the timeout counted from initialize: alive only because the last request slid it
        await client.ResultAsync("tools/list");

        await Task.Delay(idle * 1.3);
        using HttpResponseMessage expired = await client.SendAsync(client.Request("tools/list"));
        string message = await RawSession.AssertErrorAsync(expired, HttpStatusCode.NotFound);
        Assert.Contains("idle", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sessionless_fallback_serves_requests_that_need_no_session_and_only_those()
    {
        await using SessionHostScope scope = await SessionHostScope.StartAsync(o => o.Sessions.SessionlessFallback = true);
        using var client = new RawSession(scope.Host.Endpoint);

        JsonElement tools = await client.ResultAsync("tools/list");
        Assert.Contains(tools.GetProperty("tools").EnumerateArray(), t => t.GetProperty("name").GetString() == "count");
        JsonElement counted = await client.ResultAsync("tools/call", new { name = "count", arguments = new { count = 2, delay = 0, settle = 0 } });
        Assert.Equal("counted to 2", counted.GetProperty("content")[0].GetProperty("text").GetString());
        JsonElement read = await client.ResultAsync("resources/read", new { uri = SessionServer.WatchedUri });
        Assert.Equal("watched content", read.GetProperty("contents")[0].GetProperty("text").GetString());

        // What needs a session still needs one: a tool that takes the request context, subscriptions, the log level.
        foreach ((string method, object parameters) in new (string, object)[]
        {
            ("tools/call", new { name = "log_every_level", arguments = new { settle = 0 } }),
            ("resources/subscribe", new { uri = SessionServer.WatchedUri }),
            ("logging/setLevel", new { level = "debug" }),
        })
        {
            using HttpResponseMessage refused = await client.SendAsync(client.Request(method, parameters));
            Assert.Contains("Mcp-Session-Id", await RawSession.AssertErrorAsync(refused, HttpStatusCode.BadRequest), StringComparison.Ordinal);
        }

        // A session id that is sent is still checked.
        client.SessionId = "replica-a.unknown";
        using HttpResponseMessage unknown = await client.SendAsync(client.Request("tools/list"));
        await RawSession.AssertErrorAsync(unknown, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Without_sessionless_fallback_a_request_without_the_session_id_is_400()
    {
        await using SessionHostScope scope = await SessionHostScope.StartAsync();
        using var client = new RawSession(scope.Host.Endpoint);

        using HttpResponseMessage refused = await client.SendAsync(client.Request("tools/list"));

        Assert.Contains("missing Mcp-Session-Id", await RawSession.AssertErrorAsync(refused, HttpStatusCode.BadRequest), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resuming_after_events_that_are_no_longer_kept_is_refused_instead_of_skipping_them()
    {
        await using SessionHostScope scope = await SessionHostScope.StartAsync(o => o.Sessions.EventLogCapacity = 5);
        using var client = new RawSession(scope.Host.Endpoint);
        await client.InitializeAsync();
        SseEvent second;
        using (HttpResponseMessage response = await client.SendAsync(client.Request(
            "tools/call", new { name = "count", arguments = new { count = 12, delay = 0, settle = 0 }, _meta = new { progressToken = "p" } })))
        {
            await using SseStream stream = await SseStream.OpenAsync(response);
            await stream.NextAsync(); // priming
            await stream.NextAsync();
            second = (await stream.NextAsync())!;
            while (await stream.NextAsync() is not null)
            {
                // read to the end: the call is complete and only its last 5 events are kept
            }
        }

        using HttpResponseMessage resumed = await client.SendAsync(client.Get(second.Id));

        string message = await RawSession.AssertErrorAsync(resumed, HttpStatusCode.BadRequest);
        Assert.Contains("EventLogCapacity", message, StringComparison.Ordinal);
    }

    /// <summary>A <see cref="SessionHost"/> with its own options, stopped on dispose.</summary>
    private sealed class SessionHostScope(SessionHost host) : IAsyncDisposable
    {
        public SessionHost Host { get; } = host;

        public static async Task<SessionHostScope> StartAsync(Action<McpServerOptions>? configure = null)
            => new(await SessionHost.StartAsync(configure));

        public async ValueTask DisposeAsync() => await Host.DisposeAsync();
    }
}
