using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Xunit.Abstractions;

namespace McpGen.IntegrationTests;

/// <summary>Three stateless replicas of samples/Everything as processes, shared by the tests of <see cref="ReplicaFleetTests"/>.</summary>
public sealed class StatelessFleet : IAsyncLifetime
{
    internal ReplicaFleet Fleet { get; private set; } = null!;

    public async Task InitializeAsync() => Fleet = await ReplicaFleet.StartAsync(3, "stateless");

    public async Task DisposeAsync()
    {
        if (Fleet is not null)
        {
            await Fleet.DisposeAsync();
        }
    }
}

/// <summary>
/// samples/Everything as three replica processes behind haproxy and nginx running the committed deploy/ configurations,
/// driven by the official C# client and both TypeScript SDK clients: the multi-replica harness (issues #5 and #6),
/// proven here with stateless servers, where any replica serves any request.
/// </summary>
public sealed class ReplicaFleetTests(StatelessFleet shared, ITestOutputHelper output) : IClassFixture<StatelessFleet>
{
    private const string Legacy = "2025-11-25";
    private const string Modern = "2026-07-28";

    [Fact]
    public async Task Round_robin_over_three_stateless_replicas_serves_205_sessions_of_every_client_with_zero_failures()
    {
        ReplicaFleet fleet = shared.Fleet;
        await using LoadBalancer haproxy = await LoadBalancer.StartHaproxyAsync("roundrobin.cfg", fleet.Ports);
        using var counter = new ReplicaCounter();
        using var http = new HttpClient(counter);
        var clock = Stopwatch.StartNew();

        Task<SessionLoad.Summary> csModernRun = SessionLoad.RunCSharpAsync(haproxy.Endpoint, Modern, 40, 3, http);
        Task<SessionLoad.Summary> csLegacyRun = SessionLoad.RunCSharpAsync(haproxy.Endpoint, Legacy, 40, 3, http);
        Task<JsonElement> tsV1Run = TypeScriptClient.RunSessionsAsync(haproxy.Endpoint, "v1", "legacy", Legacy, SessionLoad.TypeScriptSteps, 45, 3);
        Task<JsonElement> tsV2LegacyRun = TypeScriptClient.RunSessionsAsync(haproxy.Endpoint, "v2", "legacy", Legacy, SessionLoad.TypeScriptSteps, 40, 3);
        Task<JsonElement> tsV2ModernRun = TypeScriptClient.RunSessionsAsync(haproxy.Endpoint, "v2", "modern", Modern, SessionLoad.TypeScriptSteps, 40, 3);
        await Task.WhenAll(csModernRun, csLegacyRun, tsV1Run, tsV2LegacyRun, tsV2ModernRun);
        clock.Stop();
        SessionLoad.Summary csModern = await csModernRun, csLegacy = await csLegacyRun;
        JsonElement[] ts = [await tsV1Run, await tsV2LegacyRun, await tsV2ModernRun];

        string context = fleet.Describe();
        Assert.True(csModern.Failures.Count == 0 && csModern.Ok == 40, csModern.Describe() + "\n" + context);
        Assert.True(csLegacy.Failures.Count == 0 && csLegacy.Ok == 40, csLegacy.Describe() + "\n" + context);
        AssertAllSessionsPassed(ts[0], 45, context);
        AssertAllSessionsPassed(ts[1], 40, context);
        AssertAllSessionsPassed(ts[2], 40, context);

        // Every replica took its share (round-robin over three: about a third each).
        Dictionary<string, int> served = new(counter.Snapshot());
        foreach (JsonElement report in ts)
        {
            SessionLoad.AddReplicas(report, served);
        }

        int total = served.Values.Sum();
        Assert.Equal(["r1", "r2", "r3"], served.Keys.Order(StringComparer.Ordinal));
        Assert.All(served, pair => Assert.True(pair.Value > total / 5, $"{pair.Key} served {pair.Value} of {total} responses"));
        Assert.True(total >= 205 * 5, $"only {total} responses for 205 sessions of at least 5 requests");
        output.WriteLine($"205 sessions, {total} responses ({string.Join(", ", served.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {p.Value}"))}) in {clock.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task Nginx_route_key_config_balances_sessions_and_routes_a_session_id_to_the_replica_it_names()
    {
        ReplicaFleet fleet = shared.Fleet;
        await using LoadBalancer nginx = await LoadBalancer.StartNginxAsync(fleet.Ports);
        using var counter = new ReplicaCounter();
        using var http = new HttpClient(counter);

        Task<SessionLoad.Summary> csRun = SessionLoad.RunCSharpAsync(nginx.Endpoint, Legacy, 15, 3, http);
        Task<JsonElement> tsRun = TypeScriptClient.RunSessionsAsync(nginx.Endpoint, "v2", "modern", Modern, SessionLoad.TypeScriptSteps, 15, 3);
        await Task.WhenAll(csRun, tsRun);
        SessionLoad.Summary cs = await csRun;
        JsonElement ts = await tsRun;

        Assert.True(cs.Failures.Count == 0 && cs.Ok == 15, cs.Describe() + "\n" + fleet.Describe());
        AssertAllSessionsPassed(ts, 15, fleet.Describe());
        Dictionary<string, int> served = new(counter.Snapshot());
        SessionLoad.AddReplicas(ts, served);
        Assert.Equal(["r1", "r2", "r3"], served.Keys.Order(StringComparer.Ordinal));

        // A request carrying a session id goes to the replica named at its front ("{replicaId}.{random}"), every time;
        // the stateless replicas ignore the header, so the answer is an ordinary tools/list.
        foreach (string replica in new[] { "r2", "r3", "r1" })
        {
            for (int i = 0; i < 4; i++)
            {
                using HttpResponseMessage response = await PostToolsListAsync(http, nginx.Endpoint, $"{replica}.{Guid.NewGuid():N}");
                Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
                Assert.Equal(replica, response.Headers.GetValues("X-McpGen-Replica").Single());
            }
        }
    }

    [Fact]
    public async Task A_replica_killed_mid_run_costs_no_session()
    {
        // Its own fleet: this test kills a replica.
        await using ReplicaFleet fleet = await ReplicaFleet.StartAsync(3, "stateless");
        await using LoadBalancer haproxy = await LoadBalancer.StartHaproxyAsync("roundrobin.cfg", fleet.Ports);
        using var counter = new ReplicaCounter();
        using var http = new HttpClient(counter);
        const int CSharpSessions = 60, TypeScriptSessions = 60, CSharpConcurrency = 4, TypeScriptConcurrency = 3;
        var killed = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        IReadOnlyDictionary<string, int> beforeKill = new Dictionary<string, int>();
        var clock = Stopwatch.StartNew();

        // Kill r2 once a quarter of the C# sessions are done: the rest of the run, both clients' sessions, meets it dead.
        Task<SessionLoad.Summary> csRun = SessionLoad.RunCSharpAsync(haproxy.Endpoint, Legacy, CSharpSessions, CSharpConcurrency, http, retryOnce: true, sessionDone: done =>
        {
            if (done == CSharpSessions / 4)
            {
                beforeKill = counter.Snapshot();
                _ = fleet["r2"].KillAsync().ContinueWith(_ => killed.TrySetResult(done), TaskScheduler.Default);
            }
        });
        Task<JsonElement> tsRun = TypeScriptClient.RunSessionsAsync(haproxy.Endpoint, "v2", "legacy", Legacy, SessionLoad.TypeScriptSteps, TypeScriptSessions, TypeScriptConcurrency, retryOnce: true);
        await Task.WhenAll(csRun, tsRun);
        clock.Stop();
        SessionLoad.Summary cs = await csRun;
        JsonElement tsReport = await tsRun;

        Assert.True(killed.Task.IsCompleted, "r2 was never killed");
        int killedAfter = await killed.Task;
        await haproxy.Process.WaitForOutputAsync("mcp_replicas/r2 is DOWN", TimeSpan.FromSeconds(5));
        IReadOnlyDictionary<string, int> after = counter.Snapshot();
        string context = fleet.Describe();

        // Zero failed sessions. A session whose response was streaming from r2 when it died (a started SSE response
        // cannot be replayed by haproxy) may have been run once more from scratch: at most one per session in flight.
        Assert.True(cs.Failures.Count == 0, cs.Describe() + "\n" + context);
        AssertAllSessionsPassed(tsReport, TypeScriptSessions, context);
        int retried = cs.Retries.Count + tsReport.GetProperty("sessions").GetProperty("retried").GetInt32();
        Assert.True(retried <= CSharpConcurrency + TypeScriptConcurrency, $"{retried} sessions retried: more than were in flight when r2 died\n{cs.Describe()}\n{tsReport.GetProperty("retries")}");

        // r2 served before it died; r1 and r3 carried the rest.
        Assert.True(beforeKill.GetValueOrDefault("r2") > 0, "r2 served nothing before it was killed");
        Assert.True(after.GetValueOrDefault("r1") > beforeKill.GetValueOrDefault("r1") && after.GetValueOrDefault("r3") > beforeKill.GetValueOrDefault("r3"), "the survivors served nothing after the kill");
        (int haproxyRetried, int redispatched) = haproxy.Retries();
        output.WriteLine(
            $"120 sessions in {clock.ElapsedMilliseconds} ms, r2 killed after {killedAfter} C# sessions; sessions retried by the clients: {retried}; " +
            $"requests haproxy sent again: {haproxyRetried} ({redispatched} to another replica); C# responses per replica before the kill {Format(beforeKill)}, at the end {Format(after)}" +
            string.Concat(cs.Retries.Select(r => "\n  retried: " + r)) + string.Concat(tsReport.GetProperty("retries").EnumerateArray().Select(r => "\n  retried: TypeScript " + r)));
    }

    internal static void AssertAllSessionsPassed(JsonElement report, int sessions, string context)
    {
        JsonElement summary = report.GetProperty("sessions");
        Assert.True(
            summary.GetProperty("ok").GetInt32() == sessions && summary.GetProperty("failed").GetInt32() == 0,
            $"{report.GetProperty("sdk")} {report.GetProperty("era")}: {summary}\nfailures: {report.GetProperty("failures")}\nretries: {report.GetProperty("retries")}\n{context}");
    }

    private static async Task<HttpResponseMessage> PostToolsListAsync(HttpClient http, Uri endpoint, string sessionId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint)
        {
            Content = new StringContent("""{"jsonrpc":"2.0","id":1,"method":"tools/list"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        request.Headers.Add("MCP-Protocol-Version", Legacy);
        request.Headers.Add("Mcp-Session-Id", sessionId);
        return await http.SendAsync(request);
    }

    private static string Format(IReadOnlyDictionary<string, int> counts)
        => string.Join(" ", counts.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));
}
