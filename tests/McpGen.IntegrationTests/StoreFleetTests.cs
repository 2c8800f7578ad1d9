using System.Diagnostics;
using System.Text.Json;
using Npgsql;
using Xunit.Abstractions;

namespace McpGen.IntegrationTests;

/// <summary>
/// The PostgreSQL of the fleet tests: the private cluster of scripts/services/postgres.sh (started once per test run,
/// 127.0.0.1:55432 unless MCPGEN_PG_PORT says otherwise); each fleet keeps its tables in a schema of its own.
/// </summary>
internal static class FleetPostgres
{
    private static readonly Lazy<Task<string>> Started = new(StartAsync);

    /// <summary>The Npgsql connection string of the started cluster.</summary>
    public static Task<string> ConnectionStringAsync() => Started.Value;

    /// <summary>A schema name no other fleet uses (the replicas create it on first use).</summary>
    public static string NewSchema() => "fleet_" + Guid.NewGuid().ToString("N")[..16];

    /// <summary>Drops <paramref name="schema"/> and everything in it.</summary>
    public static async Task DropSchemaAsync(string schema)
    {
        await using var connection = new NpgsqlConnection(await ConnectionStringAsync());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE", connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Three store replicas sharing <paramref name="schema"/> of the cluster.</summary>
    public static async Task<ReplicaFleet> StartStoreFleetAsync(int replicas, string schema)
        => await ReplicaFleet.StartAsync(replicas, "store", ["--postgres", await ConnectionStringAsync(), "--pg-schema", schema]);

    private static async Task<string> StartAsync()
    {
        string script = Path.Combine(RepoPaths.Root, "scripts", "services", "postgres.sh");
        ProcessRunner.Result start = await ProcessRunner.RunAsync("bash", [script, "start"], RepoPaths.Root, TimeSpan.FromMinutes(10));
        Assert.True(start.ExitCode == 0, $"scripts/services/postgres.sh start failed (scripts/install-test-deps.sh installs PostgreSQL)\n{start.Describe()}");
        ProcessRunner.Result url = await ProcessRunner.RunAsync("bash", [script, "url"], RepoPaths.Root, TimeSpan.FromSeconds(20));
        Assert.True(url.ExitCode == 0, url.Describe());
        return url.StdOut.Trim();
    }
}

/// <summary>
/// The Redis of the fleet tests: the private instance of scripts/services/redis.sh (started once per test run,
/// 127.0.0.1:56379 unless MCPGEN_REDIS_PORT says otherwise); each fleet keeps its keys under a prefix of its own.
/// </summary>
internal static class FleetRedis
{
    private static readonly Lazy<Task<string>> Started = new(StartAsync);

    /// <summary>The StackExchange.Redis configuration string of the started instance.</summary>
    public static Task<string> ConfigurationAsync() => Started.Value;

    /// <summary>A key prefix no other fleet uses.</summary>
    public static string NewPrefix() => "fleet" + Guid.NewGuid().ToString("N")[..16] + ":";

    /// <summary>Store replicas sharing <paramref name="prefix"/> of the instance.</summary>
    public static async Task<ReplicaFleet> StartStoreFleetAsync(int replicas, string prefix)
        => await ReplicaFleet.StartAsync(replicas, "store", ["--redis", await ConfigurationAsync(), "--redis-prefix", prefix]);

    /// <summary>Deletes every key under <paramref name="prefix"/>.</summary>
    public static async Task DeleteKeysAsync(string prefix)
    {
        await using StackExchange.Redis.ConnectionMultiplexer redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(await ConfigurationAsync());
        StackExchange.Redis.IDatabase db = redis.GetDatabase();
        await foreach (StackExchange.Redis.RedisKey key in redis.GetServer(redis.GetEndPoints()[0]).KeysAsync(pattern: prefix + "*"))
        {
            await db.KeyDeleteAsync(key);
        }
    }

    private static async Task<string> StartAsync()
    {
        string script = Path.Combine(RepoPaths.Root, "scripts", "services", "redis.sh");
        ProcessRunner.Result start = await ProcessRunner.RunAsync("bash", [script, "start"], RepoPaths.Root, TimeSpan.FromMinutes(10));
        Assert.True(start.ExitCode == 0, $"scripts/services/redis.sh start failed (scripts/install-test-deps.sh installs redis-server)\n{start.Describe()}");
        ProcessRunner.Result url = await ProcessRunner.RunAsync("bash", [script, "url"], RepoPaths.Root, TimeSpan.FromSeconds(20));
        Assert.True(url.ExitCode == 0, url.Describe());
        return url.StdOut.Trim();
    }
}

/// <summary>
/// Three store replicas of samples/Everything sharing one store, for the store fleet tests: the fixture of each backend
/// says how to start a fleet on its own part of the store (a PostgreSQL schema, a Redis key prefix) and how to drop it.
/// </summary>
public abstract class StoreFleetFixture : IAsyncLifetime
{
    private string _name = "";

    internal ReplicaFleet Fleet { get; private set; } = null!;

    /// <summary>A part of the store no other fleet uses.</summary>
    internal abstract string NewName();

    /// <summary>Starts <paramref name="replicas"/> store replicas sharing <paramref name="name"/>.</summary>
    internal abstract Task<ReplicaFleet> StartFleetAsync(int replicas, string name);

    /// <summary>Deletes what a fleet on <paramref name="name"/> stored.</summary>
    internal abstract Task DropAsync(string name);

    public async Task InitializeAsync()
    {
        _name = NewName();
        Fleet = await StartFleetAsync(3, _name);
    }

    public async Task DisposeAsync()
    {
        if (Fleet is not null)
        {
            await Fleet.DisposeAsync();
            await DropAsync(_name);
        }
    }
}

/// <summary>Three store replicas of samples/Everything sharing one PostgreSQL schema, for <see cref="StoreFleetTests"/>.</summary>
public sealed class StoreFleet : StoreFleetFixture
{
    internal override string NewName() => FleetPostgres.NewSchema();

    internal override Task<ReplicaFleet> StartFleetAsync(int replicas, string name) => FleetPostgres.StartStoreFleetAsync(replicas, name);

    internal override Task DropAsync(string name) => FleetPostgres.DropSchemaAsync(name);
}

/// <summary>Three store replicas of samples/Everything sharing one Redis key prefix, for <see cref="RedisStoreFleetTests"/>.</summary>
public sealed class RedisStoreFleet : StoreFleetFixture
{
    internal override string NewName() => FleetRedis.NewPrefix();

    internal override Task<ReplicaFleet> StartFleetAsync(int replicas, string name) => FleetRedis.StartStoreFleetAsync(replicas, name);

    internal override Task DropAsync(string name) => FleetRedis.DeleteKeysAsync(name);
}

/// <summary>The store fleet tests on PostgreSQL.</summary>
public sealed class StoreFleetTests(StoreFleet shared, ITestOutputHelper output) : StoreFleetTests<StoreFleet>(shared, output);

/// <summary>The store fleet tests on Redis (the same sessions, clients and checks as on PostgreSQL).</summary>
public sealed class RedisStoreFleetTests(RedisStoreFleet shared, ITestOutputHelper output) : StoreFleetTests<RedisStoreFleet>(shared, output);

/// <summary>
/// Issue #6 (issue #14 on Redis): store-backed sessions (sessions, event logs and backplane in PostgreSQL or Redis) over three replicas behind haproxy
/// round-robin, no affinity. The official C# client and both TypeScript clients run 200 sessions; each session's
/// requests land on several replicas, every stream it reads is checked for lost or repeated events, and one stream per
/// session is closed by the server and resumed with Last-Event-ID wherever haproxy sends the GET.
/// </summary>
public abstract class StoreFleetTests<TFleet>(TFleet shared, ITestOutputHelper output) : IClassFixture<TFleet>
    where TFleet : StoreFleetFixture
{
    private const string Legacy = FleetSessions.Legacy;

    // How late after test_trigger_resource_update returned its update may still be fanned out (backplane delivery).
    private static readonly TimeSpan FanOutSlack = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task Round_robin_over_three_store_replicas_serves_200_sessions_with_zero_lost_or_duplicated_events()
    {
        ReplicaFleet fleet = shared.Fleet;
        await using LoadBalancer haproxy = await LoadBalancer.StartHaproxyAsync("roundrobin.cfg", fleet.Ports);
        using var recorder = new WireRecorder();
        using var http = new HttpClient(recorder);
        const int CSharpSessions = 100, TypeScriptV1Sessions = 60, TypeScriptV2Sessions = 40;
        var clock = Stopwatch.StartNew();

        // Each session: tools/list, test_simple_text, test_tool_with_progress (3 progress events on the wire),
        // resources/subscribe + test_trigger_resource_update + its update on the GET stream + unsubscribe,
        // test_reconnection (the server closes the POST stream, the client resumes it with GET + Last-Event-ID and gets
        // the result once), DELETE; then the wire checks: at least two replicas served it, no event lost or repeated
        // on any stream, every request answered exactly once, no 5xx.
        Task<FleetRun> csRun = FleetSessions.RunCSharpAsync(haproxy.Endpoint, recorder, http, FleetSteps.CSharpStoreSession, CSharpSessions, 8, replicas: (2, 3), handlers: FleetSteps.ElicitingHandlers);
        Task<JsonElement> tsV1Run = TypeScriptClient.RunSessionsAsync(haproxy.Endpoint, "v1", "legacy", Legacy, FleetSteps.TypeScriptStoreScript(minReplicas: 2), TypeScriptV1Sessions, 5, wireReport: true, answers: FleetSteps.TypeScriptAnswers);
        Task<JsonElement> tsV2Run = TypeScriptClient.RunSessionsAsync(haproxy.Endpoint, "v2", "legacy", Legacy, FleetSteps.TypeScriptStoreScript(minReplicas: 2), TypeScriptV2Sessions, 5, wireReport: true, answers: FleetSteps.TypeScriptAnswers);
        await Task.WhenAll(csRun, tsV1Run, tsV2Run);
        clock.Stop();
        FleetRun cs = await csRun;
        JsonElement tsV1 = await tsV1Run, tsV2 = await tsV2Run;

        string context = fleet.Describe();
        Assert.True(cs.Failures.Count == 0 && cs.Ok == CSharpSessions, cs.Describe() + "\n" + context);
        ReplicaFleetTests.AssertAllSessionsPassed(tsV1, TypeScriptV1Sessions, context);
        ReplicaFleetTests.AssertAllSessionsPassed(tsV2, TypeScriptV2Sessions, context);
        FleetAttempt[] attempts = [.. cs.Attempts, .. FleetAttempt.FromTypeScript(tsV1), .. FleetAttempt.FromTypeScript(tsV2)];
        Assert.Equal(200, attempts.Length);

        // Every session got its own resource update, and no more than the triggers that overlapped its subscription.
        (IReadOnlyList<string> updateProblems, int exactlyOne) = FleetChecks.ResourceUpdates(attempts, FanOutSlack);
        Assert.True(updateProblems.Count == 0, string.Join("\n", updateProblems.Take(10)));

        // The same step in sessions run one at a time after the others, so that no other trigger overlaps: each gets
        // exactly one update (and none more while it stays subscribed for half a second after it).
        FleetRun csAlone = await FleetSessions.RunCSharpAsync(haproxy.Endpoint, recorder, http, [FleetSteps.ResourceUpdateAlone], 3, 1, replicas: (1, 3));
        JsonElement tsAlone = await TypeScriptClient.RunSessionsAsync(haproxy.Endpoint, "v1", "legacy", Legacy, FleetSteps.TypeScriptResourceUpdateAlone, 3, 1, wireReport: true);
        Assert.True(csAlone.Failures.Count == 0, csAlone.Describe() + "\n" + context);
        ReplicaFleetTests.AssertAllSessionsPassed(tsAlone, 3, context);
        FleetAttempt[] alone = [.. csAlone.Attempts, .. FleetAttempt.FromTypeScript(tsAlone)];
        Assert.All(alone, a => Assert.True(a.ResourceUpdatesOnWire == 1 && a.ResourceUpdatesDispatched == 1, $"{a.Client} session {a.Session} alone: {a.ResourceUpdatesOnWire} updates on the wire, {a.ResourceUpdatesDispatched} dispatched, expected exactly one"));

        // Sessions moved between replicas: each was served by two or three (checked per session), and resumed streams
        // were picked up by another replica than the one that began them.
        int resumedElsewhere = attempts.Sum(a => a.ResumedElsewhere);
        Assert.All(attempts, a => Assert.True(a.Resumed >= 1, $"{a.Client} session {a.Session} resumed no stream"));
        Assert.True(resumedElsewhere >= attempts.Length / 4, $"only {resumedElsewhere} of {attempts.Sum(a => a.Resumed)} resumptions reached another replica");
        Dictionary<string, int> served = new(recorder.Replicas(), StringComparer.Ordinal);
        SessionLoad.AddReplicas(tsV1, served);
        SessionLoad.AddReplicas(tsV2, served);
        Assert.Equal(["r1", "r2", "r3"], served.Keys.Order(StringComparer.Ordinal));
        Assert.DoesNotContain(recorder.Statuses().Keys, s => s >= 400);

        output.WriteLine(
            $"200 sessions (C# {CSharpSessions}, TypeScript v1 {TypeScriptV1Sessions}, v2 {TypeScriptV2Sessions}) in {clock.ElapsedMilliseconds} ms; " +
            $"{served.Values.Sum()} responses ({Format(served)}); sessions on 3 replicas {attempts.Count(a => a.Replicas.Count == 3)}, on 2 {attempts.Count(a => a.Replicas.Count == 2)}; " +
            $"SSE events {attempts.Sum(a => a.Events)}, none lost or repeated; streams resumed {attempts.Sum(a => a.Resumed)}, {resumedElsewhere} on another replica; " +
            $"resources/updated {attempts.Sum(a => a.ResourceUpdatesOnWire)} for {attempts.Sum(a => a.Trigger.Count)} triggers, {exactlyOne} sessions with no overlapping trigger got exactly one; {alone.Length} sessions run alone got exactly one each");
    }

    [Fact]
    public async Task A_store_replica_killed_mid_run_costs_no_session()
    {
        // Its own fleet and schema (or key prefix): this test kills a replica.
        string schema = shared.NewName();
        try
        {
            await using ReplicaFleet fleet = await shared.StartFleetAsync(3, schema);
            await using LoadBalancer haproxy = await LoadBalancer.StartHaproxyAsync("roundrobin.cfg", fleet.Ports);
            using var recorder = new WireRecorder();
            using var http = new HttpClient(recorder);
            const int CSharpSessions = 60, TypeScriptSessions = 60, CSharpConcurrency = 6, TypeScriptConcurrency = 4;
            var killed = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
            long killedAt = 0;
            IReadOnlyDictionary<string, int> beforeKill = new Dictionary<string, int>();
            var clock = Stopwatch.StartNew();

            // Kill r2 once a quarter of the C# sessions are done. A session may be retried once from scratch (below).
            Task<FleetRun> csRun = FleetSessions.RunCSharpAsync(haproxy.Endpoint, recorder, http, FleetSteps.CSharpStoreSession, CSharpSessions, CSharpConcurrency, replicas: (1, 3), retryOnce: true, attemptLimit: TimeSpan.FromSeconds(15), handlers: FleetSteps.ElicitingHandlers, sessionDone: done =>
            {
                if (done == CSharpSessions / 4)
                {
                    beforeKill = recorder.Replicas();
                    Volatile.Write(ref killedAt, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
                    _ = fleet["r2"].KillAsync().ContinueWith(_ => killed.TrySetResult(done), TaskScheduler.Default);
                }
            });
            Task<JsonElement> tsRun = TypeScriptClient.RunSessionsAsync(haproxy.Endpoint, "v1", "legacy", Legacy, FleetSteps.TypeScriptStoreScript(minReplicas: 1), TypeScriptSessions, TypeScriptConcurrency, retryOnce: true, wireReport: true, requestTimeout: TimeSpan.FromSeconds(8), answers: FleetSteps.TypeScriptAnswers);
            await Task.WhenAll(csRun, tsRun);
            clock.Stop();
            FleetRun cs = await csRun;
            JsonElement ts = await tsRun;

            Assert.True(killed.Task.IsCompleted, "r2 was never killed");
            int killedAfter = await killed.Task;
            await haproxy.Process.WaitForOutputAsync("mcp_replicas/r2 is DOWN", TimeSpan.FromSeconds(5));
            IReadOnlyDictionary<string, int> after = recorder.Replicas();
            string context = fleet.Describe();

            // Zero failed sessions. The allowance: a session with a request on r2 when it died may fail once and is run
            // again from scratch. A stream broken by the kill is resumed on r1 or r3 from the store's event log, but
            // a tool that was still running on r2 never finishes (its result died with r2), and an update fanned out
            // while the session's GET stream was reconnecting is not on it: that attempt fails (bounded by its
            // timeout). At most one retry per session in flight when r2 died.
            Assert.True(cs.Failures.Count == 0, cs.Describe() + "\n" + context);
            ReplicaFleetTests.AssertAllSessionsPassed(ts, TypeScriptSessions, context);
            int retried = cs.Retries.Count + ts.GetProperty("sessions").GetProperty("retried").GetInt32();
            Assert.True(retried <= CSharpConcurrency + TypeScriptConcurrency, $"{retried} sessions retried: more than were in flight when r2 died\n{cs.Describe()}\n{ts.GetProperty("retries")}");
            FleetAttempt[] attempts = [.. cs.Attempts, .. FleetAttempt.FromTypeScript(ts)];
            (IReadOnlyList<string> updateProblems, _) = FleetChecks.ResourceUpdates(attempts, FanOutSlack, upperBound: false);
            Assert.True(updateProblems.Count == 0, string.Join("\n", updateProblems.Take(10)));

            // r2 served before it died; r1 and r3 carried the rest, also the sessions r2 had served.
            Assert.True(beforeKill.GetValueOrDefault("r2") > 0, "r2 served nothing before it was killed");
            Assert.True(after.GetValueOrDefault("r1") > beforeKill.GetValueOrDefault("r1") && after.GetValueOrDefault("r3") > beforeKill.GetValueOrDefault("r3"), "the survivors served nothing after the kill");
            // The sessions r2 was serving when it died that went on, on r1 and r3, without a retry.
            int continued = attempts.Count(a => a.Ok && a.Attempt == 1 && a.Replicas.ContainsKey("r2") && a.Started < killedAt && a.Ended > killedAt);
            int inFlight = attempts.Count(a => a.Started < killedAt && a.Ended > killedAt);
            Assert.True(continued > 0, $"none of the {inFlight} sessions in flight when r2 died went on without a retry");
            (int haproxyRetried, int redispatched) = haproxy.Retries();
            output.WriteLine(
                $"120 sessions in {clock.ElapsedMilliseconds} ms, r2 killed after {killedAfter} C# sessions; sessions retried: {retried}; sessions in flight at the kill {inFlight}, of which served by r2 and finished on the others without a retry {continued}; " +
                $"streams resumed {attempts.Sum(a => a.Resumed)} ({attempts.Sum(a => a.ResumedElsewhere)} on another replica); requests haproxy sent again: {haproxyRetried} ({redispatched} to another replica); " +
                $"C# responses per replica before the kill {Format(beforeKill)}, at the end {Format(after)}" +
                string.Concat(cs.Retries.Select(r => "\n  retried: " + r)) + string.Concat(ts.GetProperty("retries").EnumerateArray().Select(r => $"\n  retried: TypeScript session {r.GetProperty("session")}: {r.GetProperty("stage")}: {r.GetProperty("error").GetProperty("message")}")));
        }
        finally
        {
            await shared.DropAsync(schema);
        }
    }

    private static string Format(IReadOnlyDictionary<string, int> counts)
        => string.Join(" ", counts.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));
}
