using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ModelContextProtocol.Client;
using Xunit.Abstractions;

namespace McpGen.IntegrationTests;

/// <summary>Two sticky replicas of samples/Everything as processes, shared by the tests of <see cref="StickyFleetTests"/>.</summary>
public sealed class StickyFleet : IAsyncLifetime
{
    internal ReplicaFleet Fleet { get; private set; } = null!;

    public async Task InitializeAsync() => Fleet = await ReplicaFleet.StartAsync(2, "sticky");

    public async Task DisposeAsync()
    {
        if (Fleet is not null)
        {
            await Fleet.DisposeAsync();
        }
    }
}

/// <summary>
/// Issue #5: sticky sessions across two replicas. Behind haproxy with affinity (deploy/haproxy/affinity.cfg, the stick
/// table, and routekey.cfg, the replica id in the session id) the official C# client and the TypeScript v1 client run
/// every kind of session traffic with zero failures, each session on one replica. Behind roundrobin.cfg (no affinity)
/// a request that reaches the other replica gets a clean 404 whose JSON-RPC error says why, and a new initialize works.
/// </summary>
public sealed class StickyFleetTests(StickyFleet shared, ITestOutputHelper output) : IClassFixture<StickyFleet>
{
    private const string Legacy = FleetSessions.Legacy;

    [Theory]
    [InlineData("affinity.cfg")]
    [InlineData("routekey.cfg")]
    public async Task Affinity_keeps_every_sticky_session_on_one_replica_with_zero_failures(string config)
    {
        ReplicaFleet fleet = shared.Fleet;
        await using LoadBalancer haproxy = await LoadBalancer.StartHaproxyAsync(config, fleet.Ports);
        using var recorder = new WireRecorder();
        using var http = new HttpClient(recorder);
        const int CSharpSessions = 20, TypeScriptSessions = 20;
        var clock = Stopwatch.StartNew();

        // Each session: tools/list, a plain call, progress, logging, resources/subscribe + an update on the GET stream,
        // a response stream the server closes and the client resumes (Last-Event-ID), DELETE; then the wire checks,
        // here that one replica served every request of the session.
        Task<FleetRun> csRun = FleetSessions.RunCSharpAsync(haproxy.Endpoint, recorder, http, FleetSteps.CSharpStickySession, CSharpSessions, 4, replicas: (1, 1));
        Task<JsonElement> tsRun = TypeScriptClient.RunSessionsAsync(haproxy.Endpoint, "v1", "legacy", Legacy, FleetSteps.TypeScriptStickySession, TypeScriptSessions, 4, wireReport: true);
        await Task.WhenAll(csRun, tsRun);
        clock.Stop();
        FleetRun cs = await csRun;
        JsonElement ts = await tsRun;

        string context = fleet.Describe();
        Assert.True(cs.Failures.Count == 0 && cs.Ok == CSharpSessions, cs.Describe() + "\n" + context);
        ReplicaFleetTests.AssertAllSessionsPassed(ts, TypeScriptSessions, context);
        FleetAttempt[] attempts = [.. cs.Attempts, .. FleetAttempt.FromTypeScript(ts)];
        Assert.All(attempts, a => Assert.True(a.Replicas.Count == 1, $"{a.Client} session {a.Session} was served by {string.Join(", ", a.Replicas.Keys)}"));

        // Every session got the update its own trigger sent (on its replica: sticky sessions share no backplane).
        Assert.All(attempts, a => Assert.True(a.ResourceUpdatesOnWire >= 1 && a.ResourceUpdatesDispatched >= 1, $"{a.Client} session {a.Session}: {a.ResourceUpdatesOnWire} updates on the wire, {a.ResourceUpdatesDispatched} dispatched"));

        // Both replicas own sessions; no 5xx, and no 404 (affinity never sends a session elsewhere).
        Dictionary<string, int> sessionsPerReplica = attempts.GroupBy(a => a.Replicas.Keys.Single()).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        Assert.Equal(["r1", "r2"], sessionsPerReplica.Keys.Order(StringComparer.Ordinal));
        Assert.DoesNotContain(recorder.Statuses().Keys, s => s >= 400);
        Assert.All(ts.GetProperty("wire").EnumerateArray(), w => Assert.DoesNotContain(w.GetProperty("statuses").EnumerateObject(), s => s.Name[0] is '4' or '5'));
        output.WriteLine(
            $"{config}: {attempts.Length} sessions in {clock.ElapsedMilliseconds} ms, sessions per replica {Format(sessionsPerReplica)}; " +
            $"C# responses {Format(recorder.Replicas())}, TypeScript responses {ts.GetProperty("replicas")}; " +
            $"streams resumed {attempts.Sum(a => a.Resumed)}, events {attempts.Sum(a => a.Events)}, resources/updated {attempts.Sum(a => a.ResourceUpdatesOnWire)}");
    }

    [Fact]
    public async Task Without_affinity_a_request_on_the_other_replica_gets_a_clean_404_and_a_new_initialize_works()
    {
        ReplicaFleet fleet = shared.Fleet;
        await using LoadBalancer haproxy = await LoadBalancer.StartHaproxyAsync("roundrobin.cfg", fleet.Ports);
        using var http = new HttpClient();
        var notFound = 0;
        var statuses = new List<int>();

        // A raw client: initialize on one replica; round-robin sends the next request to the other, which answers 404
        // with a JSON-RPC error naming both replicas and the fix.
        (string first, string owner) = await InitializeAsync(http, haproxy.Endpoint, statuses);
        Assert.StartsWith(owner + ".", first, StringComparison.Ordinal);
        JsonElement error = default;
        for (int i = 0; i < 4 && error.ValueKind == JsonValueKind.Undefined; i++)
        {
            using HttpResponseMessage response = await PostAsync(http, haproxy.Endpoint, """{"jsonrpc":"2.0","id":2,"method":"tools/list"}""", first);
            statuses.Add((int)response.StatusCode);
            string replica = response.Headers.GetValues("X-McpGen-Replica").Single();
            if (replica == owner)
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                continue;
            }

            notFound++;
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            JsonElement body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal("2.0", body.GetProperty("jsonrpc").GetString());
            Assert.Equal(2, body.GetProperty("id").GetInt32());
            error = body.GetProperty("error");
            string message = error.GetProperty("message").GetString()!;
            Assert.Equal(-32600, error.GetProperty("code").GetInt32());
            Assert.Contains("Session not found", message, StringComparison.Ordinal);
            Assert.Contains($"issued by replica '{owner}' and this is replica '{replica}'", message, StringComparison.Ordinal);
            Assert.Contains("affinity", message, StringComparison.Ordinal);
            Assert.Contains("send initialize again", message, StringComparison.Ordinal);
        }

        Assert.True(error.ValueKind == JsonValueKind.Object, "no request of the session reached the other replica in 4 tries");

        // As the spec requires, the client starts a new session with initialize. The new session works: every request
        // that reaches its replica is served (and one that reaches the other gets the same 404).
        (string second, string secondOwner) = await InitializeAsync(http, haproxy.Endpoint, statuses);
        Assert.NotEqual(first, second);
        bool served = false;
        for (int i = 0; i < 4 && !served; i++)
        {
            using HttpResponseMessage response = await PostAsync(http, haproxy.Endpoint, """{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"test_simple_text","arguments":{}}}""", second);
            statuses.Add((int)response.StatusCode);
            bool onOwner = response.Headers.GetValues("X-McpGen-Replica").Single() == secondOwner;
            Assert.Equal(onOwner ? HttpStatusCode.OK : HttpStatusCode.NotFound, response.StatusCode);
            notFound += onOwner ? 0 : 1;
            if (onOwner)
            {
                Assert.Contains(FleetSteps.SimpleText, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
                served = true;
            }
        }

        Assert.True(served, "the new session was not served in 4 tries");
        Assert.DoesNotContain(statuses, s => s >= 500);

        // The official clients behind the same configuration: what a 404 does to them. Neither re-initializes by itself
        // (the spec's MUST for clients): the C# client 2.3.1 throws HttpRequestException 404 for the request, closes its
        // transport ("the session has expired ... create a new client session") and cancels what was pending; the
        // TypeScript clients surface "Error POSTing to endpoint" with the 404 body. The application has to connect again.
        // Recorded here and in docs/deployment.md.
        using var recorder = new WireRecorder();
        using var clientHttp = new HttpClient(recorder);
        const int Sessions = 10;
        var csOutcomes = new List<string>();
        for (int i = 0; i < Sessions; i++)
        {
            csOutcomes.Add(await CSharpOutcomeAsync(haproxy.Endpoint, clientHttp));
        }

        object[] steps =
        [
            new { op = "list" },
            new { op = "call", name = "test_simple_text", expectText = FleetSteps.SimpleText },
            new { op = "call", name = "test_simple_text", expectText = FleetSteps.SimpleText },
        ];
        JsonElement tsV1 = await TypeScriptClient.RunSessionsAsync(haproxy.Endpoint, "v1", "legacy", Legacy, steps, Sessions, 1, wireReport: true);
        JsonElement tsV2 = await TypeScriptClient.RunSessionsAsync(haproxy.Endpoint, "v2", "legacy", Legacy, steps, Sessions, 1, wireReport: true);

        // Every C# failure is the 404 of the other replica (at least one 404 per failed session), and the client sent no
        // initialize of its own after it.
        Assert.All(csOutcomes.Where(o => o != "ok"), o => Assert.StartsWith("404 at ", o, StringComparison.Ordinal));
        Assert.True(recorder.Statuses().GetValueOrDefault(404) >= csOutcomes.Count(o => o != "ok"), string.Join("\n", csOutcomes));
        Assert.Equal(Sessions, recorder.Initializes);
        foreach (JsonElement ts in new[] { tsV1, tsV2 })
        {
            Assert.All(ts.GetProperty("failures").EnumerateArray(), f => Assert.Matches("Error POSTing to endpoint: .*Session not found", f.GetProperty("error").GetProperty("message").GetString()));
            Assert.All(ts.GetProperty("wire").EnumerateArray(), w => Assert.Equal(1, w.GetProperty("initializes").GetInt32()));
            Assert.All(ts.GetProperty("wire").EnumerateArray(), w => Assert.DoesNotContain(w.GetProperty("statuses").EnumerateObject(), s => int.Parse(s.Name, System.Globalization.CultureInfo.InvariantCulture) >= 500));
        }

        IReadOnlyDictionary<int, int> clientStatuses = recorder.Statuses();
        Assert.DoesNotContain(clientStatuses.Keys, s => s >= 500);
        int tsNotFound = new[] { tsV1, tsV2 }.Sum(ts => ts.GetProperty("wire").EnumerateArray().Sum(w => w.GetProperty("statuses").TryGetProperty("404", out JsonElement n) ? n.GetInt32() : 0));
        output.WriteLine(
            $"raw client: {notFound} 404s, statuses {string.Join(" ", statuses)}; C# client: {csOutcomes.Count(o => o == "ok")}/{Sessions} sessions ok, {clientStatuses.GetValueOrDefault(404)} 404s, " +
            $"{recorder.Initializes} initialize requests; TypeScript v1 {tsV1.GetProperty("sessions")}, v2 {tsV2.GetProperty("sessions")}, {tsNotFound} 404s" +
            string.Concat(csOutcomes.Where(o => o != "ok").Distinct().Take(2).Select(o => "\n  C#: " + o)) +
            string.Concat(new[] { tsV1, tsV2 }.SelectMany(ts => ts.GetProperty("failures").EnumerateArray().Take(1)).Select(f => "\n  TypeScript: " + f.GetProperty("stage") + ": " + f.GetProperty("error").GetProperty("message"))));
    }

    /// <summary>
    /// One C# session of three requests: "ok", or how it failed. The C# client surfaces a 404 three ways: the request
    /// that got it throws <see cref="HttpRequestException"/> (status 404), the transport closes
    /// (<see cref="ClientTransportClosedException"/>: "the session has expired ... create a new client session"), and the
    /// requests pending on it end cancelled. All three are "404"; anything else, including our own time limit, is not.
    /// </summary>
    private static async Task<string> CSharpOutcomeAsync(Uri endpoint, HttpClient http)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        string stage = "connect";
        try
        {
            await using McpClient client = await CSharpClient.ConnectAsync(endpoint, Legacy, cts.Token, httpClient: http);
            stage = "tools/list";
            await client.ListToolsAsync(cancellationToken: cts.Token);
            stage = "tools/call";
            await client.CallToolAsync("test_simple_text", cancellationToken: cts.Token);
            await client.CallToolAsync("test_simple_text", cancellationToken: cts.Token);
            return "ok";
        }
        catch (ClientTransportClosedException e) when (e.Message.Contains("404", StringComparison.Ordinal))
        {
            return $"404 at {stage}: {e.GetType().Name}: {e.Message}";
        }
        catch (HttpRequestException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return $"404 at {stage}: {e.GetType().Name}: {e.Message}";
        }
        catch (OperationCanceledException e) when (!cts.IsCancellationRequested)
        {
            return $"404 at {stage}: {e.GetType().Name} (a request pending when the transport closed)";
        }
        catch (Exception e)
        {
            return $"{stage}: {e.GetType().Name}: {e.Message}";
        }
    }

    private static async Task<(string SessionId, string Replica)> InitializeAsync(HttpClient http, Uri endpoint, List<int> statuses)
    {
        using HttpResponseMessage response = await PostAsync(http, endpoint,
            """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}""", null);
        statuses.Add((int)response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (response.Headers.GetValues("Mcp-Session-Id").Single(), response.Headers.GetValues("X-McpGen-Replica").Single());
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient http, Uri endpoint, string json, string? sessionId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (sessionId is not null)
        {
            request.Headers.Add("Mcp-Session-Id", sessionId);
            request.Headers.Add("MCP-Protocol-Version", Legacy);
        }

        return await http.SendAsync(request);
    }

    private static string Format<T>(IReadOnlyDictionary<string, T> counts)
        => string.Join(" ", counts.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));
}
