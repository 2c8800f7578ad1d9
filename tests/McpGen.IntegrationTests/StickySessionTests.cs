using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace McpGen.IntegrationTests;

/// <summary>
/// Sticky sessions end to end over raw HTTP on a real Kestrel: the session lifecycle and every status it answers,
/// the GET stream's change notifications, per-session log level and subscriptions, cancellation, and resumable SSE.
/// </summary>
public sealed partial class StickySessionTests(SessionHost host) : IClassFixture<SessionHost>
{
    private static readonly TimeSpan Limit = RawSession.Limit;

    [GeneratedRegex("^replica-a\\.[A-Za-z0-9_-]{43}$")]
    private static partial Regex SessionIdPattern();

    [Fact]
    public async Task Initialize_issues_a_session_that_every_later_request_must_name()
    {
        using var client = new RawSession(host.Endpoint);

        JsonElement initialized = await client.InitializeAsync();

        Assert.Matches(SessionIdPattern(), client.SessionId);
        JsonElement capabilities = initialized.GetProperty("capabilities");
        Assert.True(capabilities.GetProperty("tools").GetProperty("listChanged").GetBoolean());
        Assert.True(capabilities.GetProperty("resources").GetProperty("subscribe").GetBoolean());
        Assert.True(capabilities.GetProperty("resources").GetProperty("listChanged").GetBoolean());
        Assert.True(capabilities.GetProperty("prompts").GetProperty("listChanged").GetBoolean());
        Assert.Equal(JsonValueKind.Object, capabilities.GetProperty("logging").ValueKind);

        using (HttpResponseMessage missing = await client.SendAsync(client.Request("tools/list", withSession: false)))
        {
            string message = await RawSession.AssertErrorAsync(missing, HttpStatusCode.BadRequest);
            Assert.Contains("missing Mcp-Session-Id", message, StringComparison.Ordinal);
            Assert.Contains("initialize", message, StringComparison.Ordinal);
        }

        JsonElement tools = await client.ResultAsync("tools/list");
        Assert.Contains(tools.GetProperty("tools").EnumerateArray(), t => t.GetProperty("name").GetString() == "count");

        // The tool sees the session it runs in.
        JsonElement call = await client.ResultAsync("tools/call", new { name = "log_every_level", arguments = new { settle = 0 } });
        Assert.Equal(client.SessionId, call.GetProperty("content")[0].GetProperty("text").GetString());

        using var second = new RawSession(host.Endpoint);
        await second.InitializeAsync();
        Assert.NotEqual(client.SessionId, second.SessionId);
    }

    [Fact]
    public async Task Unknown_foreign_and_malformed_session_ids_get_404_and_400_with_advice()
    {
        using var client = new RawSession(host.Endpoint) { SessionId = "replica-a.no-such-session" };

        using (HttpResponseMessage unknown = await client.SendAsync(client.Request("tools/list")))
        {
            string message = await RawSession.AssertErrorAsync(unknown, HttpStatusCode.NotFound);
            Assert.Contains("Session not found", message, StringComparison.Ordinal);
            Assert.Contains("send initialize again", message, StringComparison.Ordinal);
        }

        using (HttpResponseMessage notification = await client.SendAsync(client.Post("""{"jsonrpc":"2.0","method":"notifications/initialized"}""")))
        {
            await RawSession.AssertErrorAsync(notification, HttpStatusCode.NotFound);
        }

        client.SessionId = "replica-b.issued-elsewhere";
        using (HttpResponseMessage foreign = await client.SendAsync(client.Request("tools/list")))
        {
            string message = await RawSession.AssertErrorAsync(foreign, HttpStatusCode.NotFound);
            Assert.Contains("issued by replica 'replica-b' and this is replica 'replica-a'", message, StringComparison.Ordinal);
            Assert.Contains("affinity", message, StringComparison.Ordinal);
            Assert.Contains("McpSessionMode.Store", message, StringComparison.Ordinal);
        }

        client.SessionId = "replica-a." + new string('x', 200);
        using (HttpResponseMessage malformed = await client.SendAsync(client.Request("tools/list")))
        {
            string message = await RawSession.AssertErrorAsync(malformed, HttpStatusCode.BadRequest);
            Assert.Contains("visible ASCII", message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_session_belongs_to_the_principal_that_created_it()
    {
        using var alice = new RawSession(host.Endpoint, user: "alice");
        await alice.InitializeAsync();
        using var bob = new RawSession(host.Endpoint, user: "bob") { SessionId = alice.SessionId };
        using var anonymous = new RawSession(host.Endpoint) { SessionId = alice.SessionId };

        foreach (RawSession intruder in new[] { bob, anonymous })
        {
            using HttpResponseMessage post = await intruder.SendAsync(intruder.Request("tools/list"));
            Assert.Contains("belongs to another user", await RawSession.AssertErrorAsync(post, HttpStatusCode.Forbidden), StringComparison.Ordinal);
            using HttpResponseMessage get = await intruder.SendAsync(intruder.Get());
            await RawSession.AssertErrorAsync(get, HttpStatusCode.Forbidden);
            using HttpResponseMessage delete = await intruder.SendAsync(intruder.Delete());
            await RawSession.AssertErrorAsync(delete, HttpStatusCode.Forbidden);
        }

        // The owner's session is untouched.
        JsonElement tools = await alice.ResultAsync("tools/list");
        Assert.NotEqual(0, tools.GetProperty("tools").GetArrayLength());
    }

    [Fact]
    public async Task Delete_ends_the_session_and_every_later_request_gets_404()
    {
        using var client = new RawSession(host.Endpoint);
        await client.InitializeAsync();

        using (HttpResponseMessage deleted = await client.SendAsync(client.Delete()))
        {
            Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        }

        using (HttpResponseMessage post = await client.SendAsync(client.Request("tools/list")))
        {
            await RawSession.AssertErrorAsync(post, HttpStatusCode.NotFound);
        }

        using (HttpResponseMessage get = await client.SendAsync(client.Get()))
        {
            await RawSession.AssertErrorAsync(get, HttpStatusCode.NotFound);
        }

        using (HttpResponseMessage again = await client.SendAsync(client.Delete()))
        {
            await RawSession.AssertErrorAsync(again, HttpStatusCode.NotFound);
        }
    }

    [Fact]
    public async Task Delete_ends_an_open_get_stream()
    {
        using var client = new RawSession(host.Endpoint);
        await client.InitializeAsync();
        await using SseStream stream = await SseStream.OpenAsync(await client.SendAsync(client.Get()));

        using (HttpResponseMessage deleted = await client.SendAsync(client.Delete()))
        {
            Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        }

        await stream.AssertEndsAsync();
    }

    [Fact]
    public async Task Get_needs_an_event_stream_accept_header_and_other_methods_get_405_with_allow()
    {
        using var client = new RawSession(host.Endpoint);
        await client.InitializeAsync();

        using (HttpResponseMessage noAccept = await client.SendAsync(client.Get(accept: false)))
        {
            string message = await RawSession.AssertErrorAsync(noAccept, HttpStatusCode.NotAcceptable, -32000);
            Assert.Contains("Accept: text/event-stream", message, StringComparison.Ordinal);
        }

        using (HttpResponseMessage put = await client.SendAsync(new HttpRequestMessage(HttpMethod.Put, host.Endpoint)))
        {
            await RawSession.AssertErrorAsync(put, HttpStatusCode.MethodNotAllowed, -32000);
            Assert.Equal(["GET", "POST", "DELETE"], put.Content.Headers.Allow);
        }

        var noSession = new HttpRequestMessage(HttpMethod.Get, host.Endpoint);
        noSession.Headers.Accept.ParseAdd("text/event-stream");
        using (HttpResponseMessage get = await client.SendAsync(noSession))
        {
            await RawSession.AssertErrorAsync(get, HttpStatusCode.BadRequest);
        }
    }

    [Fact]
    public async Task Set_level_sets_the_threshold_of_log_messages_for_its_own_session_only()
    {
        string[] all = ["debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"];
        using var first = new RawSession(host.Endpoint);
        await first.InitializeAsync();
        using var second = new RawSession(host.Endpoint);
        await second.InitializeAsync();

        Assert.Equal(all[1..], await LogLevelsAsync(first)); // info until the client sets a level

        await second.ResultAsync("logging/setLevel", new { level = "warning" });
        Assert.Equal(all[3..], await LogLevelsAsync(second));
        Assert.Equal(all[1..], await LogLevelsAsync(first));

        await first.ResultAsync("logging/setLevel", new { level = "debug" });
        Assert.Equal(all, await LogLevelsAsync(first));
        Assert.Equal(all[3..], await LogLevelsAsync(second));

        (JsonElement invalid, _) = await second.CallAsync("logging/setLevel", new { level = "verbose" });
        Assert.Equal(-32602, invalid.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal(all[3..], await LogLevelsAsync(second));
    }

    private static async Task<string[]> LogLevelsAsync(RawSession client)
    {
        (JsonElement response, List<JsonElement> notifications) = await client.CallAsync("tools/call", new { name = "log_every_level", arguments = new { settle = 0 } });
        Assert.Equal(client.SessionId, response.GetProperty("result").GetProperty("content")[0].GetProperty("text").GetString());
        Assert.All(notifications, n => Assert.Equal("notifications/message", n.GetProperty("method").GetString()));
        Assert.All(notifications, n => Assert.Equal("session-tests", n.GetProperty("params").GetProperty("logger").GetString()));
        Assert.All(notifications, n => Assert.Equal(n.GetProperty("params").GetProperty("level").GetString(), n.GetProperty("params").GetProperty("data").GetString()));
        return [.. notifications.Select(n => n.GetProperty("params").GetProperty("level").GetString()!)];
    }

    [Fact]
    public async Task Resource_updates_reach_subscribed_sessions_only_and_list_changes_reach_every_get_stream()
    {
        using var subscriber = new RawSession(host.Endpoint);
        await subscriber.InitializeAsync();
        using var bystander = new RawSession(host.Endpoint);
        await bystander.InitializeAsync();
        await subscriber.ResultAsync("resources/subscribe", new { uri = SessionServer.WatchedUri });
        await using SseStream subscriberStream = await SseStream.OpenAsync(await subscriber.SendAsync(subscriber.Get()));
        await using SseStream bystanderStream = await SseStream.OpenAsync(await bystander.SendAsync(bystander.Get()));

        await host.Notifier.NotifyResourceUpdatedAsync(SessionServer.OtherUri);
        await host.Notifier.NotifyResourceUpdatedAsync(SessionServer.WatchedUri);
        await host.Notifier.NotifyToolsListChangedAsync();

        // The feed keeps order, so the first event each stream gets proves what it did not get before it.
        SseEvent updated = (await subscriberStream.NextMessageAsync())!;
        Assert.Equal("notifications/resources/updated", updated.Method);
        Assert.Equal(SessionServer.WatchedUri, updated.Json.GetProperty("params").GetProperty("uri").GetString());
        Assert.Equal("g", updated.Stream);
        Assert.Equal(1, updated.Sequence);
        Assert.Equal("notifications/tools/list_changed", (await subscriberStream.NextMessageAsync())!.Method);
        Assert.Equal("notifications/tools/list_changed", (await bystanderStream.NextMessageAsync())!.Method);

        await subscriber.ResultAsync("resources/unsubscribe", new { uri = SessionServer.WatchedUri });
        await host.Notifier.NotifyResourceUpdatedAsync(SessionServer.WatchedUri);
        await host.Notifier.NotifyPromptsListChangedAsync();
        await host.Notifier.NotifyResourcesListChangedAsync();

        foreach (SseStream stream in new[] { subscriberStream, bystanderStream })
        {
            Assert.Equal("notifications/prompts/list_changed", (await stream.NextMessageAsync())!.Method);
            Assert.Equal("notifications/resources/list_changed", (await stream.NextMessageAsync())!.Method);
        }

        // Events of one stream are numbered in order, and their ids name the session.
        Assert.Equal([1L, 2, 3, 4], subscriberStream.Events.Where(e => e.Data.Length > 0).Select(e => e.Sequence));
        Assert.NotEqual(subscriberStream.Events[0].Id!.Split(':')[0], bystanderStream.Events[0].Id!.Split(':')[0]);
    }

    [Fact]
    public async Task Subscribing_to_an_unknown_resource_fails_with_invalid_params()
    {
        using var client = new RawSession(host.Endpoint);
        await client.InitializeAsync();

        (JsonElement response, _) = await client.CallAsync("resources/subscribe", new { uri = "test://nope" });

        Assert.Equal(-32602, response.GetProperty("error").GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task A_second_get_stream_takes_over_the_first()
    {
        using var client = new RawSession(host.Endpoint);
        await client.InitializeAsync();
        await using SseStream first = await SseStream.OpenAsync(await client.SendAsync(client.Get()));
        await using SseStream second = await SseStream.OpenAsync(await client.SendAsync(client.Get()));

        await first.AssertEndsAsync();

        await host.Notifier.NotifyToolsListChangedAsync();
        Assert.Equal("notifications/tools/list_changed", (await second.NextMessageAsync())!.Method);
    }

    [Fact]
    public async Task Notifications_cancelled_fires_the_tool_token_of_its_own_session_and_the_call_ends()
    {
        using var owner = new RawSession(host.Endpoint);
        await owner.InitializeAsync();
        using var other = new RawSession(host.Endpoint);
        await other.InitializeAsync();
        string key = "cancel-" + Guid.NewGuid().ToString("N");
        const string Cancel = """{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"call-1","reason":"test"}}""";

        Task<HttpResponseMessage> call = owner.SendAsync(owner.Post(RawSession.RequestJson("call-1", "tools/call", new { name = "block", arguments = new { key } })));
        await host.Probe.WaitStartedAsync(key, Limit);

        // The same request id in another session cancels nothing; without a session it is a 400.
        using (HttpResponseMessage elsewhere = await other.SendAsync(other.Post(Cancel)))
        {
            Assert.Equal(HttpStatusCode.Accepted, elsewhere.StatusCode);
        }

        Assert.False(host.Probe.TokenOf(key).IsCancellationRequested);
        using (HttpResponseMessage sessionless = await owner.SendAsync(owner.Post(Cancel, withSession: false)))
        {
            await RawSession.AssertErrorAsync(sessionless, HttpStatusCode.BadRequest);
        }

        using (HttpResponseMessage cancelled = await owner.SendAsync(owner.Post(Cancel)))
        {
            Assert.Equal(HttpStatusCode.Accepted, cancelled.StatusCode);
        }

        await host.Probe.WaitCancelledAsync(key, Limit);
        // No JSON-RPC response for a cancelled request: an empty event stream (an empty 200 would be an unknown content type).
        using HttpResponseMessage ended = await call.WaitAsync(Limit);
        Assert.Equal(HttpStatusCode.OK, ended.StatusCode);
        Assert.Equal("text/event-stream", ended.Content.Headers.ContentType?.MediaType);
        Assert.Equal("", await ended.Content.ReadAsStringAsync().WaitAsync(Limit));

        // The session goes on.
        Assert.NotEqual(0, (await owner.ResultAsync("tools/list")).GetProperty("tools").GetArrayLength());
    }

    [Fact]
    public async Task A_post_dropped_before_any_event_cancels_the_call_since_the_client_cannot_resume_it()
    {
        using var client = new RawSession(host.Endpoint);
        await client.InitializeAsync();
        string key = "drop-" + Guid.NewGuid().ToString("N");
        using var drop = new CancellationTokenSource();

        Task<HttpResponseMessage> call = client.SendAsync(client.Request("tools/call", new { name = "block", arguments = new { key } }), drop.Token);
        await host.Probe.WaitStartedAsync(key, Limit);
        drop.Cancel(); // aborts the request: the connection goes away before any response byte

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        await host.Probe.WaitCancelledAsync(key, Limit);
    }

    [Fact]
    public async Task Delete_cancels_the_running_calls_of_the_session()
    {
        using var client = new RawSession(host.Endpoint);
        await client.InitializeAsync();
        string key = "delete-" + Guid.NewGuid().ToString("N");

        using HttpResponseMessage response = await client.SendAsync(client.Request(
            "tools/call", new { name = "block", arguments = new { key }, _meta = new { progressToken = "p" } }));
        await using SseStream stream = await SseStream.OpenAsync(response);
        Assert.Equal("notifications/progress", (await stream.NextMessageAsync())!.Method);
        await host.Probe.WaitStartedAsync(key, Limit);

        using (HttpResponseMessage deleted = await client.SendAsync(client.Delete()))
        {
            Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        }

        await host.Probe.WaitCancelledAsync(key, Limit);
        await stream.AssertEndsAsync(); // no response for a cancelled call
    }

    public static TheoryData<string, int> DropPoints => new()
    {
        { "2025-11-25", 0 }, // right after the priming event: resume from its id
        { "2025-11-25", 7 },
        { "2025-06-18", 7 },
    };

    [Theory]
    [MemberData(nameof(DropPoints))]
    public async Task A_dropped_post_stream_resumes_with_last_event_id_without_losing_or_repeating_an_event(string version, int dropAfter)
    {
        const int Total = 20;
        using var client = new RawSession(host.Endpoint);
        await client.InitializeAsync(version);
        var progress = new List<int>();
        string streamId;
        SseEvent last;

        HttpResponseMessage response = await client.SendAsync(client.Request(
            "tools/call", new { name = "count", arguments = new { count = Total, delay = 25, settle = 0 }, _meta = new { progressToken = "p" } }));
        await using (SseStream first = await SseStream.OpenAsync(response))
        {
            last = (await first.NextAsync())!;
            streamId = last.Stream;
            if (version == "2025-11-25")
            {
                Assert.Equal(0, last.Sequence); // the priming event
                Assert.Equal("", last.Data);
            }
            else
            {
                progress.Add(ProgressOf(last));
            }

            while (progress.Count < dropAfter)
            {
                last = (await first.NextMessageAsync())!;
                progress.Add(ProgressOf(last));
            }
        } // disposing the response kills the connection mid-stream

        await using SseStream resumed = await SseStream.OpenAsync(await client.SendAsync(client.Get(last.Id)));
        long expected = last.Sequence + 1;
        JsonElement? final = null;
        while (await resumed.NextAsync() is { } item)
        {
            Assert.Null(final); // nothing after the response
            Assert.Equal(streamId, item.Stream);
            Assert.Equal(expected++, item.Sequence);
            JsonElement json = item.Json;
            if (json.TryGetProperty("id", out _))
            {
                final = json;
            }
            else
            {
                progress.Add(ProgressOf(item));
            }
        }

        Assert.Equal(Enumerable.Range(1, Total), progress);
        Assert.NotNull(final);
        Assert.Equal($"counted to {Total}", final.Value.GetProperty("result").GetProperty("content")[0].GetProperty("text").GetString());
    }

    private static int ProgressOf(SseEvent item)
    {
        JsonElement json = item.Json;
        Assert.Equal("notifications/progress", json.GetProperty("method").GetString());
        Assert.Equal("p", json.GetProperty("params").GetProperty("progressToken").GetString());
        return json.GetProperty("params").GetProperty("progress").GetInt32();
    }

    [Theory]
    [InlineData("2025-11-25", true)]
    [InlineData("2025-06-18", false)]
    [InlineData("2025-03-26", false)]
    public async Task Post_streams_start_with_a_priming_event_from_2025_11_25_on(string version, bool priming)
    {
        using var client = new RawSession(host.Endpoint);
        await client.InitializeAsync(version);

        using HttpResponseMessage response = await client.SendAsync(client.Request(
            "tools/call", new { name = "count", arguments = new { count = 1, delay = 0, settle = 0 }, _meta = new { progressToken = "p" } }));
        await using SseStream stream = await SseStream.OpenAsync(response);
        var events = new List<SseEvent>();
        while (await stream.NextAsync() is { } item)
        {
            events.Add(item);
        }

        if (priming)
        {
            Assert.Equal(3, events.Count);
            Assert.Equal(0, events[0].Sequence);
            Assert.Equal("", events[0].Data);
            Assert.Equal("100", events[0].Retry);
        }
        else
        {
            Assert.Equal(2, events.Count);
        }

        SseEvent[] messages = [.. events.Where(e => e.Data.Length > 0)];
        Assert.Equal("notifications/progress", messages[0].Method);
        Assert.Equal([1L, 2], messages.Select(e => e.Sequence));
        Assert.All(events, e => Assert.Equal(events[0].Stream, e.Stream));
        Assert.All(messages, e => Assert.Null(e.Retry));
    }

    [Fact]
    public async Task The_get_stream_replays_after_its_last_event_id_then_continues_live()
    {
        using var client = new RawSession(host.Endpoint);
        await client.InitializeAsync();
        SseEvent firstEvent;
        await using (SseStream first = await SseStream.OpenAsync(await client.SendAsync(client.Get())))
        {
            await host.Notifier.NotifyToolsListChangedAsync();
            await host.Notifier.NotifyPromptsListChangedAsync();
            await host.Notifier.NotifyResourcesListChangedAsync();
            firstEvent = (await first.NextMessageAsync())!;
            Assert.Equal("notifications/tools/list_changed", firstEvent.Method);

            // The other two are read (so they were sent and logged), then treated as lost with the connection.
            Assert.NotNull(await first.NextMessageAsync());
            Assert.NotNull(await first.NextMessageAsync());
        }

        await using SseStream resumed = await SseStream.OpenAsync(await client.SendAsync(client.Get(firstEvent.Id)));

        SseEvent prompts = (await resumed.NextMessageAsync())!;
        SseEvent resources = (await resumed.NextMessageAsync())!;
        Assert.Equal(("notifications/prompts/list_changed", 2L), (prompts.Method, prompts.Sequence));
        Assert.Equal(("notifications/resources/list_changed", 3L), (resources.Method, resources.Sequence));

        await host.Notifier.NotifyToolsListChangedAsync();
        SseEvent live = (await resumed.NextMessageAsync())!;
        Assert.Equal(("notifications/tools/list_changed", 4L), (live.Method, live.Sequence));
    }

    [Fact]
    public async Task Last_event_id_of_another_session_or_not_ours_is_400()
    {
        using var owner = new RawSession(host.Endpoint);
        await owner.InitializeAsync();
        using HttpResponseMessage response = await owner.SendAsync(owner.Request(
            "tools/call", new { name = "count", arguments = new { count = 1, delay = 0, settle = 0 }, _meta = new { progressToken = "p" } }));
        string ownersEventId;
        await using (SseStream stream = await SseStream.OpenAsync(response))
        {
            ownersEventId = (await stream.NextAsync())!.Id!;
        }

        using var other = new RawSession(host.Endpoint);
        await other.InitializeAsync();

        using (HttpResponseMessage foreign = await other.SendAsync(other.Get(ownersEventId)))
        {
            string message = await RawSession.AssertErrorAsync(foreign, HttpStatusCode.BadRequest);
            Assert.Contains("another session", message, StringComparison.Ordinal);
        }

        using (HttpResponseMessage garbage = await other.SendAsync(other.Get("not-an-event-id")))
        {
            string message = await RawSession.AssertErrorAsync(garbage, HttpStatusCode.BadRequest);
            Assert.Contains("Last-Event-ID", message, StringComparison.Ordinal);
        }
    }
}
