using System.Diagnostics;
using Xunit.Abstractions;

namespace McpGen.IntegrationTests;

/// <summary>
/// Issue 12, graceful drain: three store replicas behind haproxy round-robin (deploy/haproxy/roundrobin.cfg) serve 100
/// sessions of the official C# client, each with its GET stream open and tool calls going (progress on the call's SSE
/// stream), while the replicas are restarted one by one: SIGTERM (the drain: initialize and GETs get 503 and haproxy
/// retries them elsewhere, readiness fails so haproxy takes the replica out, open streams end with a retry hint and are
/// resumed with Last-Event-ID on another replica, calls in flight finish), then the same command again. Every session
/// must pass: every call answered exactly once with its three progress events, no event of any stream lost or repeated
/// (sequence numbers of the event ids, per stream), no 5xx reaching the client, DELETE answered 200.
/// </summary>
public sealed class RollingRestartTests(ITestOutputHelper output)
{
    private const int Sessions = 100;

    /// <summary>How long one replica may take to drain and exit after SIGTERM (DrainTimeout is 10 s; it should take far less).</summary>
    private static readonly TimeSpan StopLimit = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Rolling_restart_of_three_store_replicas_costs_no_session_and_loses_or_repeats_no_event()
    {
        string schema = FleetPostgres.NewSchema();
        try
        {
            await using ReplicaFleet fleet = await FleetPostgres.StartStoreFleetAsync(3, schema);
            await using LoadBalancer haproxy = await LoadBalancer.StartHaproxyAsync("roundrobin.cfg", fleet.Ports);
            using var recorder = new WireRecorder();
            using var http = new HttpClient(recorder);
            var restarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var allOpen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            int open = 0, calls = 0;

            // Each session: its GET stream open, then calls (test_tool_with_progress: 3 progress events on its stream,
            // checked per call; test_simple_text) about once a second each, until the rolling restart is over; then one
            // more round, so every session also runs on the restarted fleet.
            var waitForGet = new FleetStep("GET stream open", async (s, ct) =>
            {
                await s.Wire.GetOpen.WaitAsync(TimeSpan.FromSeconds(30), ct);
                if (Interlocked.Increment(ref open) == Sessions)
                {
                    allOpen.TrySetResult();
                }
            });
            var callsDuringRestart = new FleetStep("calls during the rolling restart", async (s, ct) =>
            {
                bool last = false;
                while (!last)
                {
                    last = restarted.Task.IsCompleted;
                    await FleetSteps.CallWithProgress.RunAsync(s, ct);
                    await FleetSteps.CallSimpleText.RunAsync(s, ct);
                    Interlocked.Add(ref calls, 2);
                    await Task.WhenAny(Task.Delay(TimeSpan.FromMilliseconds(800 + (s.Index % 7) * 50), ct), restarted.Task);
                }
            });

            var clock = Stopwatch.StartNew();
            Task<FleetRun> run = FleetSessions.RunCSharpAsync(
                haproxy.Endpoint, recorder, http, [FleetSteps.ListTools, waitForGet, callsDuringRestart], Sessions, Sessions,
                replicas: (1, 3), attemptLimit: TimeSpan.FromSeconds(120));
            await Task.WhenAny(allOpen.Task, run);
            Assert.True(allOpen.Task.IsCompleted, "the sessions ended before all their GET streams were open: " + (run.IsCompleted ? (await run).Describe() : ""));
            TimeSpan opened = clock.Elapsed;

            var steps = new List<string>();
            try
            {
                foreach (ReplicaFleet.Replica replica in fleet.Replicas)
                {
                    int upBefore = UpLines(haproxy, replica.Id);
                    int callsBefore = Volatile.Read(ref calls);
                    (int exitCode, TimeSpan stopping) = await replica.RestartAsync(StopLimit, TimeSpan.FromSeconds(60));
                    ChildProcess stopped = replica.Processes[^2];
                    Assert.True(exitCode == 0, $"{replica.Id} exited with {exitCode} after SIGTERM\n{stopped.Tail()}");
                    Assert.Contains(stopped.Output, l => l.Contains("MCP drain started", StringComparison.Ordinal));
                    Assert.Contains(stopped.Output, l => l.Contains("MCP drain finished", StringComparison.Ordinal));

                    // Back in haproxy's rotation (rise 2 after its readiness passes) before the next one stops.
                    await WaitAsync(() => UpLines(haproxy, replica.Id) > upBefore, TimeSpan.FromSeconds(20), $"haproxy never saw {replica.Id} UP again\n{haproxy.Process.Tail()}");
                    steps.Add($"{replica.Id}: drained and exited in {stopping.TotalMilliseconds:0} ms ({DrainLine(stopped)}), {Volatile.Read(ref calls) - callsBefore} calls meanwhile");
                }
            }
            finally
            {
                restarted.TrySetResult();
            }

            FleetRun result = await run;
            clock.Stop();
            string context = string.Join("\n", steps) + "\n" + haproxy.Process.Tail(60) + "\n" + string.Join("\n", haproxy.Process.Output.Where(l => !l.Contains(" 200 ", StringComparison.Ordinal) && !l.Contains(" 202 ", StringComparison.Ordinal)).Take(80));
            Assert.True(result.Failures.Count == 0 && result.Ok == Sessions, result.Describe() + "\n" + context);
            Assert.Equal(Sessions, result.Attempts.Count);

            // Nothing reached the clients but answers: no 5xx (haproxy retried every 503 of a draining replica elsewhere).
            IReadOnlyDictionary<int, int> statuses = recorder.Statuses();
            Assert.DoesNotContain(statuses.Keys, s => s >= 500);

            // The drains really moved streams: sessions were served by several replicas, request streams were resumed
            // with Last-Event-ID, and every replica (restarted ones included) served.
            int resumed = result.Attempts.Sum(a => a.Resumed);
            Assert.True(resumed > 0, "no request stream was resumed: the drains ended no stream in flight");
            Assert.All(result.Attempts, a => Assert.True(a.Replicas.Count >= 2, $"session {a.Session} stayed on {string.Join(",", a.Replicas.Keys)} through three restarts"));
            Assert.Equal(["r1", "r2", "r3"], recorder.Replicas().Keys.Order(StringComparer.Ordinal));
            (int haproxyRetried, int redispatched) = haproxy.Retries();

            output.WriteLine(
                $"{Sessions} sessions, all GET streams open after {opened.TotalSeconds:0.0} s; rolling restart and sessions done in {clock.Elapsed.TotalSeconds:0.0} s; " +
                $"{Volatile.Read(ref calls)} calls, {result.Attempts.Sum(a => a.Events)} SSE events, none lost or repeated; " +
                $"request streams resumed {resumed} ({result.Attempts.Sum(a => a.ResumedElsewhere)} on another replica); " +
                $"responses per replica {string.Join(" ", recorder.Replicas().OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"))}; " +
                $"statuses {string.Join(" ", statuses.OrderBy(p => p.Key).Select(p => $"{p.Key}={p.Value}"))}; haproxy sent {haproxyRetried} requests again ({redispatched} to another replica)\n" +
                string.Join("\n", steps));
        }
        finally
        {
            await FleetPostgres.DropSchemaAsync(schema);
        }
    }

    private static int UpLines(LoadBalancer haproxy, string replica)
        => haproxy.Process.Output.Count(l => l.Contains($"mcp_replicas/{replica} is UP", StringComparison.Ordinal));

    private static string DrainLine(ChildProcess stopped)
        => stopped.Output.LastOrDefault(l => l.Contains("MCP drain finished", StringComparison.Ordinal))?.Trim() ?? "no drain line";

    private static async Task WaitAsync(Func<bool> condition, TimeSpan limit, string what)
    {
        DateTime deadline = DateTime.UtcNow + limit;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, what);
            await Task.Delay(50);
        }
    }
}
