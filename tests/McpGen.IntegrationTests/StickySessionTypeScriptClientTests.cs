using System.Net;
using System.Text.Json;

namespace McpGen.IntegrationTests;

/// <summary>
/// The TypeScript SDK v1 client (@modelcontextprotocol/sdk 1.32.2, tests/clients/ts/client.mjs) against the sticky
/// <see cref="SessionServer"/> on a real Kestrel: it keeps Mcp-Session-Id, listens on the GET stream, resumes a stream
/// the server closed with its own Last-Event-ID reconnection, cancels with notifications/cancelled and ends the session
/// with DELETE (terminateSession).
/// </summary>
public sealed class StickySessionTypeScriptClientTests(SessionHost host) : IClassFixture<SessionHost>
{
    private const string Version = "2025-11-25";

    [Fact]
    public async Task Keeps_the_session_through_notifications_progress_and_logging_then_terminates_it()
    {
        object[] steps =
        [
            new { op = "callUntil", name = "notify", args = new { change = "tools" }, until = "notifications/tools/list_changed" },
            new { op = "subscribe", uri = SessionServer.WatchedUri },
            new { op = "call", name = "notify", args = new { change = "updated", uri = SessionServer.OtherUri } },
            new { op = "call", name = "notify", args = new { change = "updated", uri = SessionServer.WatchedUri } },
            new { op = "call", name = "notify", args = new { change = "resources" } },
            new { op = "waitFor", method = "notifications/resources/list_changed" },
            new { op = "unsubscribe", uri = SessionServer.WatchedUri },
            new { op = "call", name = "notify", args = new { change = "updated", uri = SessionServer.WatchedUri } },
            new { op = "call", name = "notify", args = new { change = "prompts" } },
            new { op = "waitFor", method = "notifications/prompts/list_changed" },
            new { op = "call", name = "count", args = new { count = 5, delay = 10, settle = 0 }, progress = true },
            new { op = "setLevel", level = "error" },
            new { op = "call", name = "log_every_level", args = new { settle = 0 }, logs = true },
        ];

        JsonElement report = await TypeScriptClient.RunAsync(host.Endpoint, "v1", "legacy", Version, steps, options: ["--terminate"]);

        string sessionId = report.GetProperty("connect").GetProperty("sessionId").GetString()!;
        Assert.StartsWith(SessionHost.ReplicaId + ".", sessionId, StringComparison.Ordinal);
        Assert.Equal(sessionId, report.GetProperty("close").GetProperty("sessionId").GetString());
        Assert.True(report.GetProperty("close").GetProperty("terminated").GetBoolean());

        // The updates arrive on the GET stream in the order they were raised: only the subscribed resource, only while subscribed.
        string[] updates = [.. report.GetProperty("notifications").EnumerateArray()
            .Where(n => n.GetProperty("method").GetString() == "notifications/resources/updated")
            .Select(n => n.GetProperty("params").GetProperty("uri").GetString()!)];
        Assert.Equal([SessionServer.WatchedUri], updates);

        JsonElement counted = report.Step(10);
        Assert.Equal("counted to 5", counted.GetProperty("result").GetProperty("content")[0].GetProperty("text").GetString());
        Assert.Equal([1, 2, 3, 4, 5], counted.GetProperty("progress").EnumerateArray().Select(p => p.GetProperty("progress").GetInt32()));

        JsonElement logged = report.Step(12);
        Assert.Equal(sessionId, logged.GetProperty("result").GetProperty("content")[0].GetProperty("text").GetString());
        Assert.Equal(["error", "critical", "alert", "emergency"], logged.GetProperty("logs").EnumerateArray().Select(l => l.GetProperty("level").GetString()));

        // terminateSession sent DELETE: the session is gone.
        using var raw = new RawSession(host.Endpoint) { SessionId = sessionId };
        using HttpResponseMessage after = await raw.SendAsync(raw.Request("tools/list"));
        await RawSession.AssertErrorAsync(after, HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("2025-11-25")]
    [InlineData("2025-06-18")]
    public async Task Resumes_a_stream_the_server_closed_with_its_own_last_event_id_reconnection(string version)
    {
        object[] steps = [new { op = "call", name = "poll", args = new { count = 6, closeAfter = 2, delay = 50 }, progress = true }];

        JsonElement report = await TypeScriptClient.RunAsync(host.Endpoint, "v1", "legacy", version, steps, trace: true);

        JsonElement call = report.Step(0);
        Assert.Equal("polled to 6", call.GetProperty("result").GetProperty("content")[0].GetProperty("text").GetString());
        Assert.Equal([1, 2, 3, 4, 5, 6], call.GetProperty("progress").EnumerateArray().Select(p => p.GetProperty("progress").GetInt32()));
        JsonElement[] resumes = [.. report.GetProperty("http").EnumerateArray()
            .Where(h => h.GetProperty("method").GetString() == "GET" && h.GetProperty("headers").TryGetProperty("last-event-id", out _))];
        JsonElement resume = Assert.Single(resumes);
        Assert.EndsWith(":2", resume.GetProperty("headers").GetProperty("last-event-id").GetString(), StringComparison.Ordinal);
        Assert.Equal(200, resume.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task A_call_that_times_out_before_its_response_started_is_cancelled_without_a_transport_error()
    {
        string key = "ts-timeout-" + Guid.NewGuid().ToString("N");
        object[] steps =
        [
            new { op = "call", name = "block", args = new { key }, timeoutMs = 1000, expectError = true },
            new { op = "call", name = "count", args = new { count = 1, delay = 0, settle = 0 } },
        ];

        JsonElement report = await TypeScriptClient.RunAsync(host.Endpoint, "v1", "legacy", Version, steps, trace: true);

        await host.Probe.WaitCancelledAsync(key, RawSession.Limit);
        Assert.Contains("timed out", report.Step(0).GetProperty("error").GetProperty("message").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal("counted to 1", report.Step(1).GetProperty("result").GetProperty("content")[0].GetProperty("text").GetString());
        Assert.False(report.TryGetProperty("clientErrors", out JsonElement errors), errors.ToString());
    }

    [Fact]
    public async Task Cancelling_a_call_sends_notifications_cancelled_and_the_tool_token_fires()
    {
        string key = "ts-cancel-" + Guid.NewGuid().ToString("N");
        object[] steps =
        [
            new { op = "call", name = "block", args = new { key }, progress = true, cancelOnProgress = true, expectError = true },
            new { op = "call", name = "count", args = new { count = 1, delay = 0, settle = 0 } },
        ];

        JsonElement report = await TypeScriptClient.RunAsync(host.Endpoint, "v1", "legacy", Version, steps, trace: true);

        await host.Probe.WaitCancelledAsync(key, RawSession.Limit);
        Assert.Equal("counted to 1", report.Step(1).GetProperty("result").GetProperty("content")[0].GetProperty("text").GetString());
        JsonElement cancelled = Assert.Single(report.GetProperty("http").EnumerateArray(), h =>
            h.TryGetProperty("body", out JsonElement body) && body.ValueKind == JsonValueKind.Object
            && body.TryGetProperty("method", out JsonElement method) && method.GetString() == "notifications/cancelled");
        Assert.Equal(202, cancelled.GetProperty("status").GetInt32());
    }
}
