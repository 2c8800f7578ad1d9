using System.Text;
using System.Text.Json;
using McpGen.Runtime.Tests.Infrastructure;
using static McpGen.Runtime.Tests.Infrastructure.HandlerMatrix;

namespace McpGen.Runtime.Tests;

/// <summary>The matrix hosts one test class shares: a stateless, a sticky and a store-backed server on Kestrel.</summary>
public sealed class HandlerMatrixHosts : IAsyncLifetime
{
    private Dictionary<McpSessionMode, McpTestHost> _hosts = [];

    internal McpTestHost this[McpSessionMode mode] => _hosts[mode];

    public async Task InitializeAsync() => _hosts = await StartHostsAsync();

    public async Task DisposeAsync()
    {
        foreach (McpTestHost host in _hosts.Values)
        {
            await host.DisposeAsync();
        }
    }
}

/// <summary>
/// Every handler kind (tool, resource, prompt, completion) x every era (2026-07-28, 2025-11-25, 2025-06-18) x every
/// session mode (stateless, sticky, store) behaves alike: the session id, change notifications, progress and log
/// messages, and client input (elicitation, sampling, roots). On real Kestrel sockets.
/// </summary>
public sealed class HandlerMatrixTests(HandlerMatrixHosts hosts) : IClassFixture<HandlerMatrixHosts>
{
    public static TheoryData<HandlerKind, string, McpSessionMode> All => Cells();

    [Theory]
    [MemberData(nameof(All))]
    public async Task SessionId_IsTheSession_ForInitializeEraSessionCalls_AndNullOtherwise(HandlerKind kind, string era, McpSessionMode mode)
    {
        using var timeout = new CancellationTokenSource(Soon);
        MatrixClient client = await MatrixClient.ConnectAsync(hosts[mode], era, mode, timeout.Token);
        Assert.Equal(era != Modern && mode != McpSessionMode.Stateless, client.HasSession);
        string id = NewId();

        MatrixResponse response = await client.CallAsync(client.Request(kind, "session", id), id, timeout.Token);

        Assert.Equal(200, response.Status);
        Assert.Equal("application/json", response.MediaType);
        Assert.Equal("session=" + (client.SessionId ?? "null"), Text(kind, response.Response));
    }

    [Theory]
    [MemberData(nameof(All))]
    public async Task Changes_RaisedFromTheHandler_ReachListenStreams_AndTheSessionsGetStream(HandlerKind kind, string era, McpSessionMode mode)
    {
        using var timeout = new CancellationTokenSource(Soon);
        McpTestHost host = hosts[mode];
        MatrixClient client = await MatrixClient.ConnectAsync(host, era, mode, timeout.Token);
        (HttpResponseMessage listen, StreamReader listenEvents) = await MatrixClient.ListenAsync(host, timeout.Token);
        using HttpResponseMessage listenScope = listen;
        using StreamReader listenReader = listenEvents;
        HttpResponseMessage? get = null;
        StreamReader? getEvents = null;
        if (client.HasSession)
        {
            get = await client.SendAsync(client.Get(), timeout.Token);
            Assert.Equal(200, (int)get.StatusCode);
            getEvents = new StreamReader(await get.Content.ReadAsStreamAsync(timeout.Token), Encoding.UTF8);
        }

        try
        {
            string id = NewId();
            MatrixResponse response = await client.CallAsync(client.Request(kind, "change", id), id, timeout.Token);

            Assert.Equal("changed", Text(kind, response.Response));
            JsonElement listened = await SseReader.NextMessageAsync(listenReader, timeout.Token);
            Assert.Equal("notifications/tools/list_changed", listened.GetProperty("method").GetString());
            if (getEvents is not null)
            {
                JsonElement pushed = await SseReader.NextMessageAsync(getEvents, timeout.Token);
                Assert.Equal("notifications/tools/list_changed", pushed.GetProperty("method").GetString());
            }
        }
        finally
        {
            getEvents?.Dispose();
            get?.Dispose();
        }
    }

    [Theory]
    [MemberData(nameof(All))]
    public async Task ProgressAndLog_AreStreamedWhenAsked_ExceptForCompletions(HandlerKind kind, string era, McpSessionMode mode)
    {
        using var timeout = new CancellationTokenSource(Soon);
        MatrixClient client = await MatrixClient.ConnectAsync(hosts[mode], era, mode, timeout.Token);
        string id = NewId();

        // 2025-06-18 sends an integer token, the others a string: both are echoed as sent.
        string token = era == Legacy0618 ? id : $"\"tok-{id}\"";
        MatrixResponse response = await client.CallAsync(
            client.Request(kind, "stream", id, progressToken: token, logLevel: client.IsModern ? "info" : null), id, timeout.Token);

        Assert.Equal(200, response.Status);
        Assert.Equal("streamed", Text(kind, response.Response));
        if (kind == HandlerKind.Completion)
        {
            // completion/complete answers plain JSON: nothing it reports or logs is sent.
            Assert.Equal("application/json", response.MediaType);
            return;
        }

        Assert.Equal("text/event-stream", response.MediaType);
        AssertPriming(client, response);
        List<JsonElement> messages = [.. response.Messages.Select(e => e.Json)];
        Assert.Equal(["notifications/progress", "notifications/message", "notifications/progress"], messages.Select(m => m.GetProperty("method").GetString()));
        Assert.Equal(token, messages[0].GetProperty("params").GetProperty("progressToken").GetRawText());
        Assert.Equal(1, messages[0].GetProperty("params").GetProperty("progress").GetDouble());
        Assert.Equal("one", messages[0].GetProperty("params").GetProperty("message").GetString());
        JsonElement log = messages[1].GetProperty("params");
        Assert.Equal("info", log.GetProperty("level").GetString());
        Assert.Equal("matrix", log.GetProperty("logger").GetString());
        Assert.Equal("info-line", log.GetProperty("data").GetString());
        Assert.Equal(2, messages[2].GetProperty("params").GetProperty("progress").GetDouble());

        // Session streams are resumable: every event has an id. Other streams have none.
        Assert.All(response.Events, e => Assert.Equal(client.HasSession, e.Id is not null));
    }

    [Theory]
    [MemberData(nameof(All))]
    public async Task WithoutTokenOrLevel_NothingIsStreamed_ButInitializeEraStatelessCallsLogAtInfo(HandlerKind kind, string era, McpSessionMode mode)
    {
        using var timeout = new CancellationTokenSource(Soon);
        MatrixClient client = await MatrixClient.ConnectAsync(hosts[mode], era, mode, timeout.Token);
        if (client.HasSession)
        {
            // The session's level (logging/setLevel) applies to its calls: warning lets neither message through.
            MatrixResponse leveled = await client.CallAsync(
                client.Message("""{"jsonrpc":"2.0","id":"level","method":"logging/setLevel","params":{"level":"warning"}}"""), "\"level\"", timeout.Token);
            Assert.False(leveled.Response.TryGetProperty("error", out _), leveled.Response.GetRawText());
        }

        string id = NewId();
        MatrixResponse response = await client.CallAsync(client.Request(kind, "stream", id), id, timeout.Token);

        Assert.Equal(200, response.Status);
        Assert.Equal("streamed", Text(kind, response.Response));
        if (kind == HandlerKind.Completion || client.IsModern || client.HasSession)
        {
            Assert.Equal("application/json", response.MediaType);
            return;
        }

        // A stateless server keeps no logging/setLevel level: initialize-era calls get info and above, and no progress
        // without a token.
        Assert.Equal("text/event-stream", response.MediaType);
        JsonElement log = Assert.Single(response.Messages).Json;
        Assert.Equal("notifications/message", log.GetProperty("method").GetString());
        Assert.Equal("info-line", log.GetProperty("params").GetProperty("data").GetString());
    }

    [Theory]
    [MemberData(nameof(All))]
    public async Task ClientInput_TravelsTheWayTheEraAndModeAllow(HandlerKind kind, string era, McpSessionMode mode)
    {
        using var timeout = new CancellationTokenSource(Soon);
        MatrixClient client = await MatrixClient.ConnectAsync(hosts[mode], era, mode, timeout.Token);
        string id = NewId();
        const string Expected = "Ada|Hi|file:///work";

        if (kind == HandlerKind.Completion)
        {
            // MCP allows server-to-client requests only while serving tools/call, resources/read and prompts/get.
            MatrixResponse refused = await client.CallAsync(client.Request(kind, "ask", id), id, timeout.Token);
            Assert.Equal(200, refused.Status);
            Assert.Equal("application/json", refused.MediaType);
            JsonElement error = refused.Response.GetProperty("error");
            Assert.Equal(-32603, error.GetProperty("code").GetInt32());
            string message = error.GetProperty("message").GetString()!;
            Assert.Contains("completion/complete", message, StringComparison.Ordinal);
            Assert.Contains("tools/call", message, StringComparison.Ordinal);
            return;
        }

        if (client.IsModern)
        {
            MatrixResponse attempt = await client.CallAsync(client.Request(kind, "ask", id), id, timeout.Token);
            Assert.Equal("application/json", attempt.MediaType);
            JsonElement result = attempt.Response.GetProperty("result");
            Assert.Equal("input_required", result.GetProperty("resultType").GetString());
            JsonElement asks = result.GetProperty("inputRequests");
            Assert.Equal(["who", "llm", "roots"], asks.EnumerateObject().Select(p => p.Name));
            Assert.Equal("elicitation/create", asks.GetProperty("who").GetProperty("method").GetString());
            Assert.Equal("sampling/createMessage", asks.GetProperty("llm").GetProperty("method").GetString());
            Assert.Equal("roots/list", asks.GetProperty("roots").GetProperty("method").GetString());
            string state = result.GetProperty("requestState").GetString()!;

            string retryId = NewId();
            string answers = ClientInputServers.Answers(
                ("who", ClientInputServers.Accept("Ada")), ("llm", ClientInputServers.Sampled("Hi")), ("roots", ClientInputServers.Roots));
            MatrixResponse second = await client.CallAsync(client.Request(kind, "ask", retryId, inputResponses: answers, requestState: state), retryId, timeout.Token);
            Assert.Equal("complete", second.Response.GetProperty("result").GetProperty("resultType").GetString());
            Assert.Equal(Expected, Text(kind, second.Response));
            return;
        }

        if (!client.HasSession)
        {
            // A stateless server cannot send initialize-era clients a request: the error names the fixes.
            MatrixResponse refused = await client.CallAsync(client.Request(kind, "ask", id), id, timeout.Token);
            Assert.Equal(200, refused.Status);
            Assert.Equal("application/json", refused.MediaType);
            string message;
            if (kind == HandlerKind.Tool)
            {
                JsonElement result = refused.Response.GetProperty("result");
                Assert.True(result.GetProperty("isError").GetBoolean());
                message = result.GetProperty("content")[0].GetProperty("text").GetString()!;
            }
            else
            {
                JsonElement error = refused.Response.GetProperty("error");
                Assert.Equal(-32602, error.GetProperty("code").GetInt32());
                message = error.GetProperty("message").GetString()!;
            }

            Assert.Contains("Session = McpSessionMode.Sticky", message, StringComparison.Ordinal);
            Assert.Contains("2026-07-28", message, StringComparison.Ordinal);
            return;
        }

        // A session: the requests travel on the call's stream, each with an event id; the client POSTs its answers.
        using HttpResponseMessage call = await client.SendAsync(client.Request(kind, "ask", id), timeout.Token);
        Assert.Equal("text/event-stream", call.Content.Headers.ContentType?.MediaType);
        using var events = new StreamReader(await call.Content.ReadAsStreamAsync(timeout.Token), Encoding.UTF8);
        var asked = new Dictionary<string, string>();
        bool first = true;
        while (asked.Count < 3)
        {
            SseEvent e = await SseReader.NextEventAsync(events, timeout.Token) ?? throw new Xunit.Sdk.XunitException("The stream ended before the three requests.");
            Assert.True(e.Id is not null, "Every event of a session call carries an id (resumable): " + e.Data);
            Assert.Equal(first && era == Legacy, e.IsPriming);
            first = false;
            if (!e.IsPriming)
            {
                JsonElement request = e.Json;
                asked[request.GetProperty("method").GetString()!] = request.GetProperty("id").GetRawText();
            }
        }

        foreach ((string method, string answer) in new[]
        {
            ("roots/list", ClientInputServers.Roots),
            ("elicitation/create", ClientInputServers.Accept("Ada")),
            ("sampling/createMessage", ClientInputServers.Sampled("Hi")),
        })
        {
            using HttpResponseMessage posted = await client.SendAsync(
                client.Message("{\"jsonrpc\":\"2.0\",\"id\":" + asked[method] + ",\"result\":" + answer + "}"), timeout.Token);
            Assert.Equal(202, (int)posted.StatusCode);
        }

        SseEvent final = await SseReader.NextEventAsync(events, timeout.Token) ?? throw new Xunit.Sdk.XunitException("The stream ended without the response.");
        Assert.NotNull(final.Id);
        Assert.Equal(Expected, Text(kind, final.Json));
        Assert.Null(await SseReader.NextEventAsync(events, timeout.Token));
    }

    /// <summary>Session streams of 2025-11-25 begin with a priming event (an id, no data); no other stream has one.</summary>
    private static void AssertPriming(MatrixClient client, MatrixResponse response)
    {
        bool primed = client.HasSession && client.Era == Legacy;
        Assert.Equal(primed, response.Events.Count > 0 && response.Events[0].IsPriming);
        Assert.Equal(primed ? 1 : 0, response.Events.Count(e => e.IsPriming));
    }
}

/// <summary>
/// The same matrix for the end of a call: notifications/cancelled, a client that disconnects, and a stream broken after
/// its first event and resumed with Last-Event-ID.
/// </summary>
public sealed class HandlerMatrixCancellationTests(HandlerMatrixHosts hosts) : IClassFixture<HandlerMatrixHosts>
{
    public static TheoryData<HandlerKind, string, McpSessionMode> All => Cells();

    /// <summary>Initialize-era calls in a session: the only ones notifications/cancelled can name.</summary>
    public static TheoryData<HandlerKind, string, McpSessionMode> SessionCalls => Cells(eras: e => e != Modern, modes: m => m != McpSessionMode.Stateless);

    /// <summary>The kinds that may stream, in a session with a resumable event log.</summary>
    public static TheoryData<HandlerKind, string, McpSessionMode> Resumable
        => Cells(kinds: k => k != HandlerKind.Completion, eras: e => e != Modern, modes: m => m != McpSessionMode.Stateless);

    [Theory]
    [MemberData(nameof(SessionCalls))]
    public async Task NotificationsCancelled_CancelsTheHandler_AndNoResponseIsSent(HandlerKind kind, string era, McpSessionMode mode)
    {
        using var timeout = new CancellationTokenSource(Soon);
        using var abort = new CallAbort();
        MatrixClient client = await MatrixClient.ConnectAsync(hosts[mode], era, mode, timeout.Token);
        (string id, ProbeCall probe) = NewCall();

        Task<HttpResponseMessage> sending = client.SendAsync(client.Request(kind, "wait", id), abort.Token);
        await probe.Started.Task.WaitAsync(Soon);
        using (HttpResponseMessage cancelled = await client.SendAsync(
            client.Message("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":" + id + ",\"reason\":\"user\"}}"), timeout.Token))
        {
            Assert.Equal(202, (int)cancelled.StatusCode);
        }

        Assert.True(await probe.Cancelled.Task.WaitAsync(Soon), "The handler's token fired, but RequestAborted did not.");
        using HttpResponseMessage response = await sending.WaitAsync(Soon);
        MatrixResponse read = await MatrixResponse.ReadAsync(response, id, timeout.Token);
        Assert.Null(read.Final);
        Assert.DoesNotContain(read.Events, e => e.Data.Contains("\"error\"", StringComparison.Ordinal));
        if (read.MediaType == "application/json")
        {
            Assert.Fail("A cancelled call sends no JSON-RPC response; got a JSON body.");
        }
    }

    [Theory]
    [MemberData(nameof(All))]
    public async Task ClientDisconnect_BeforeAnyEvent_CancelsTheHandler(HandlerKind kind, string era, McpSessionMode mode)
    {
        using var timeout = new CancellationTokenSource(Soon);
        MatrixClient client = await MatrixClient.ConnectAsync(hosts[mode], era, mode, timeout.Token);
        (string id, ProbeCall probe) = NewCall();
        using var abort = new CallAbort();

        Task<HttpResponseMessage> sending = client.SendAsync(client.Request(kind, "wait", id), abort.Token);
        await probe.Started.Task.WaitAsync(Soon);
        await abort.Source.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sending.WaitAsync(Soon));
        Assert.True(await probe.Cancelled.Task.WaitAsync(Soon), "The handler's token fired, but RequestAborted did not.");
    }

    [Theory]
    [MemberData(nameof(Resumable))]
    public async Task StreamBrokenAfterItsFirstEvent_ResumedWithLastEventId_DeliversTheRestExactlyOnce(HandlerKind kind, string era, McpSessionMode mode)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        MatrixClient client = await MatrixClient.ConnectAsync(hosts[mode], era, mode, timeout.Token);
        (string id, ProbeCall probe) = NewCall();
        string token = $"\"steps-{id}\"";
        string lastEventId;
        using (var abort = new CallAbort())
        {
            using HttpResponseMessage call = await client.SendAsync(client.Request(kind, "steps", id, progressToken: token), abort.Token).WaitAsync(Soon);
            Assert.Equal("text/event-stream", call.Content.Headers.ContentType?.MediaType);
            using var events = new StreamReader(await call.Content.ReadAsStreamAsync(timeout.Token), Encoding.UTF8);
            SseEvent first = await SseReader.NextEventAsync(events, timeout.Token) ?? throw new Xunit.Sdk.XunitException("The stream ended at once.");
            if (era == Legacy)
            {
                Assert.True(first.IsPriming, "A 2025-11-25 session stream begins with a priming event: " + first.Data);
                first = await SseReader.NextEventAsync(events, timeout.Token) ?? throw new Xunit.Sdk.XunitException("The stream ended after priming.");
            }

            Assert.False(first.IsPriming, "Only 2025-11-25 streams are primed.");
            Assert.True(first.Id is not null, "The first event of a session stream carries an id: " + first.Data);
            Assert.Equal(1, Progress(first, token));
            lastEventId = first.Id!;
        } // the connection drops here

        probe.FirstGate.TrySetResult();
        using HttpResponseMessage resumed = await client.SendAsync(client.Get(lastEventId), timeout.Token);
        Assert.Equal(200, (int)resumed.StatusCode);
        Assert.Equal("text/event-stream", resumed.Content.Headers.ContentType?.MediaType);
        probe.SecondGate.TrySetResult();

        using var rest = new StreamReader(await resumed.Content.ReadAsStreamAsync(timeout.Token), Encoding.UTF8);
        var received = new List<SseEvent>();
        while (await SseReader.NextEventAsync(rest, timeout.Token) is { } e)
        {
            received.Add(e);
        }

        Assert.All(received, e => Assert.True(e.Id is not null && !e.IsPriming, "Resumed events carry ids: " + e.Data));
        Assert.Equal(received.Count, received.Select(e => e.Id).Distinct().Count());
        Assert.Equal(4, received.Count);
        Assert.Equal([2, 3, 4], received.Take(3).Select(e => Progress(e, token)));
        Assert.True(MatrixResponse.IsFinal(received[3], id), "The last event is the response: " + received[3].Data);
        Assert.Equal("stepped", Text(kind, received[3].Json));
    }

    private static double Progress(SseEvent e, string token)
    {
        JsonElement message = e.Json;
        Assert.Equal("notifications/progress", message.GetProperty("method").GetString());
        Assert.Equal(token, message.GetProperty("params").GetProperty("progressToken").GetRawText());
        return message.GetProperty("params").GetProperty("progress").GetDouble();
    }
}
