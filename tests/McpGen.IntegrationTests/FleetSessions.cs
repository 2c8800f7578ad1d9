using System.Collections.Concurrent;
using System.Text.Json;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpGen.IntegrationTests;

using CallToolResult = ModelContextProtocol.Protocol.CallToolResult;

/// <summary>One C# session of a fleet run: its client, its wire record and what its notification handlers counted.</summary>
internal sealed class FleetSession(int index, McpClient client, SessionWire wire)
{
    private int _resourceUpdates;

    /// <summary>The session's number in the run (0-based).</summary>
    public int Index { get; } = index;

    public McpClient Client { get; } = client;

    public SessionWire Wire { get; } = wire;

    /// <summary>notifications/resources/updated the client dispatched to the session's handler.</summary>
    public int ResourceUpdates => Volatile.Read(ref _resourceUpdates);

    internal void CountResourceUpdate() => Interlocked.Increment(ref _resourceUpdates);
}

/// <summary>One step of a fleet session: a name for failure messages and what it does; it throws when a check fails.</summary>
internal sealed record FleetStep(string Name, Func<FleetSession, CancellationToken, Task> RunAsync);

/// <summary>A check of a fleet step did not hold.</summary>
internal sealed class FleetCheckException(string message) : Exception(message);

/// <summary>
/// The steps of fleet sessions, for the official C# client (<see cref="FleetStep"/>s) and the TypeScript clients (script
/// steps of tests/clients/ts/client.mjs), over the Everything fixtures. The session scripts are plain lists: a new step
/// (for example an elicitation round-trip, once server-to-client requests cross replicas) is one more entry in
/// <see cref="CSharpStoreSession"/> and <see cref="TypeScriptStoreSession"/>, and every session of the store runs it.
/// </summary>
internal static class FleetSteps
{
    public const string WatchedResource = "test://watched-resource";
    public const string SimpleText = "This is a simple text response for testing.";
    public const string ProgressText = "Progress reported: 0, 50 and 100 of 100.";
    public const string LoggingText = "Tool with logging executed successfully";
    public const string ReconnectionText = "Reconnection test completed successfully. If you received this, the client properly reconnected after stream closure.";
    public const string ResourceUpdated = "notifications/resources/updated";

    /// <summary>Step marks (start and end, Unix ms) the resource-update check reads, the same names on both clients.</summary>
    public const string SubscribeMark = "subscribe", TriggerMark = "trigger", UnsubscribeMark = "unsubscribe";

    public static readonly FleetStep ListTools = new("tools/list", async (s, ct) =>
    {
        IList<McpClientTool> tools = await s.Client.ListToolsAsync(cancellationToken: ct);
        Check(tools.Any(t => t.Name == "test_reconnection"), "tools/list misses test_reconnection");
    });

    public static readonly FleetStep CallSimpleText = new("test_simple_text", async (s, ct) =>
        ExpectText(await s.Client.CallToolAsync("test_simple_text", cancellationToken: ct), SimpleText));

    /// <summary>test_tool_with_progress: the result, and its three progress notifications counted on the wire (the C# client drops late ones).</summary>
    public static readonly FleetStep CallWithProgress = new("test_tool_with_progress", async (s, ct) =>
    {
        ExpectText(await s.Client.CallToolAsync("test_tool_with_progress", progress: new Collector<ProgressNotificationValue>(), cancellationToken: ct), ProgressText);
        int progress = s.Wire.ForCall("test_tool_with_progress").Progress;
        Check(progress == 3, $"test_tool_with_progress: {progress} progress notifications on the wire, expected 3");
    });

    /// <summary>test_tool_with_logging: the result, and its three log messages on its response stream.</summary>
    public static readonly FleetStep CallWithLogging = new("test_tool_with_logging", async (s, ct) =>
    {
        ExpectText(await s.Client.CallToolAsync("test_tool_with_logging", cancellationToken: ct), LoggingText);
        int logs = s.Wire.ForCall("test_tool_with_logging").Logs;
        Check(logs == 3, $"test_tool_with_logging: {logs} notifications/message on its stream, expected 3");
    });

    /// <summary>
    /// Once the session's GET stream is open: resources/subscribe, test_trigger_resource_update (on whatever replica),
    /// the resources/updated it causes received on the GET stream, resources/unsubscribe. Every session subscribed at the
    /// time gets the update too: <see cref="FleetChecks.ResourceUpdates"/> bounds the count from the marks.
    /// </summary>
    public static readonly FleetStep ResourceUpdate = new("resource update on the GET stream", (s, ct) => ResourceUpdateAsync(s, TimeSpan.Zero, ct));

    /// <summary>
    /// <see cref="ResourceUpdate"/> for sessions run one at a time, which must see exactly one update: it stays subscribed
    /// for <see cref="QuietWait"/> after the update arrived, so a late second delivery would be counted.
    /// </summary>
    public static readonly FleetStep ResourceUpdateAlone = new("resource update on the GET stream, alone", (s, ct) => ResourceUpdateAsync(s, QuietWait, ct));

    /// <summary>How long a session of the one-at-a-time runs stays subscribed after its update arrived.</summary>
    public static readonly TimeSpan QuietWait = TimeSpan.FromMilliseconds(500);

    private static async Task ResourceUpdateAsync(FleetSession s, TimeSpan stay, CancellationToken ct)
    {
        await s.Wire.GetOpen.WaitAsync(TimeSpan.FromSeconds(10), ct);
        int before = s.ResourceUpdates;
        await s.Wire.MarkAsync(SubscribeMark, async () => { await s.Client.SubscribeToResourceAsync(WatchedResource, cancellationToken: ct); return 0; });
        CallToolResult trigger = await s.Wire.MarkAsync(TriggerMark, () => s.Client.CallToolAsync("test_trigger_resource_update", cancellationToken: ct).AsTask());
        ExpectText(trigger, "Sent notifications/resources/updated for " + WatchedResource);
        DateTime deadline = DateTime.UtcNow.AddSeconds(10);
        while (s.ResourceUpdates == before && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10, ct);
        }

        Check(s.ResourceUpdates > before, "no notifications/resources/updated within 10 s of test_trigger_resource_update");
        await Task.Delay(stay, ct);
        await s.Wire.MarkAsync(UnsubscribeMark, async () => { await s.Client.UnsubscribeFromResourceAsync(WatchedResource, cancellationToken: ct); return 0; });
    }

    /// <summary>
    /// A forced stream break: test_reconnection's POST stream is closed by the server after its priming event; the client
    /// resumes it with GET + Last-Event-ID (on whatever replica the load balancer picks) and gets the result once.
    /// </summary>
    public static readonly FleetStep StreamBreak = new("test_reconnection (stream closed by the server, resumed)", async (s, ct) =>
    {
        int resumed = s.Wire.Resumed;
        ExpectText(await s.Client.CallToolAsync("test_reconnection", cancellationToken: ct), ReconnectionText);
        Check(s.Wire.Resumed == resumed + 1, $"the stream was resumed {s.Wire.Resumed - resumed} times, expected once");
    });

    /// <summary>What the fleet clients answer to test_elicitation's form.</summary>
    public const string ElicitedName = "fleet", ElicitedEmail = "fleet@example.com";

    /// <summary>The result of test_elicitation once the client accepted with <see cref="ElicitedName"/> and <see cref="ElicitedEmail"/>.</summary>
    public const string ElicitationText = "User response: action=accept, content={\"username\":\"" + ElicitedName + "\",\"email\":\"" + ElicitedEmail + "\"}";

    /// <summary>
    /// An elicitation round-trip: test_elicitation sends elicitation/create on its POST stream from the replica running
    /// it; the client's answer is a new POST that the load balancer may send to another replica, which routes it through
    /// the backplane to the waiting call. The result proves the answer arrived.
    /// </summary>
    public static readonly FleetStep Elicitation = new("test_elicitation (answer routed across replicas)", async (s, ct) =>
        ExpectText(await s.Client.CallToolAsync("test_elicitation", new Dictionary<string, object?> { ["message"] = "Who is this?" }, cancellationToken: ct), ElicitationText));

    /// <summary>Client handlers that accept every elicitation with the fleet's name and address.</summary>
    public static McpClientHandlers ElicitingHandlers() => new()
    {
        ElicitationHandler = (_, _) => ValueTask.FromResult(new ModelContextProtocol.Protocol.ElicitResult
        {
            Action = "accept",
            Content = new Dictionary<string, System.Text.Json.JsonElement>
            {
                ["username"] = System.Text.Json.JsonSerializer.SerializeToElement(ElicitedName),
                ["email"] = System.Text.Json.JsonSerializer.SerializeToElement(ElicitedEmail),
            },
        }),
    };

    /// <summary>The --answers of the TypeScript store sessions: accept every elicitation like <see cref="ElicitingHandlers"/>.</summary>
    public static object TypeScriptAnswers => new { elicitation = new { action = "accept", content = new { username = ElicitedName, email = ElicitedEmail } } };

    /// <summary>A sticky session: every kind of traffic, the resource update, and a stream break resumed on the same replica.</summary>
    public static readonly FleetStep[] CSharpStickySession = [ListTools, CallSimpleText, CallWithProgress, CallWithLogging, ResourceUpdate, StreamBreak];

    /// <summary>A store session (issue #6): tools, progress, the resource update and the forced stream break, any replica each.</summary>
    public static readonly FleetStep[] CSharpStoreSession = [ListTools, CallSimpleText, CallWithProgress, Elicitation, ResourceUpdate, StreamBreak];

    /// <summary>The TypeScript script of <see cref="CSharpStickySession"/>, then DELETE and the wire checks (one replica).</summary>
    public static readonly object[] TypeScriptStickySession =
    [
        new { op = "list", expectTool = "test_reconnection" },
        new { op = "call", name = "test_simple_text", expectText = SimpleText },
        new { op = "call", name = "test_tool_with_progress", minProgress = 3, wireProgress = 3, expectText = ProgressText },
        new { op = "call", name = "test_tool_with_logging", wireLogs = 3, expectText = LoggingText },
        .. TypeScriptResourceUpdate,
        new { op = "call", name = "test_reconnection", expectText = ReconnectionText },
        new { op = "terminate" },
        new { op = "checkWire", maxReplicas = 1, minResumed = 1 },
    ];

    /// <summary>The TypeScript script of <see cref="CSharpStoreSession"/> (the same steps, the same place for a new one).</summary>
    public static readonly object[] TypeScriptStoreSession =
    [
        new { op = "list", expectTool = "test_reconnection" },
        new { op = "call", name = "test_simple_text", expectText = SimpleText },
        new { op = "call", name = "test_tool_with_progress", minProgress = 3, wireProgress = 3, expectText = ProgressText },
        new { op = "call", name = "test_elicitation", args = new { message = "Who is this?" }, expectText = ElicitationText },
        .. TypeScriptResourceUpdate,
        new { op = "call", name = "test_reconnection", expectText = ReconnectionText },
    ];

    /// <summary><see cref="TypeScriptStoreSession"/>, then DELETE and the wire checks: served by at least <paramref name="minReplicas"/> replicas.</summary>
    public static object[] TypeScriptStoreScript(int minReplicas) =>
        [.. TypeScriptStoreSession, new { op = "terminate" }, new { op = "checkWire", minReplicas, minResumed = 1 }];

    /// <summary>The TypeScript script of a one-at-a-time session: <see cref="ResourceUpdateAlone"/>, DELETE, the wire checks.</summary>
    public static object[] TypeScriptResourceUpdateAlone =>
    [
        .. TypeScriptResourceUpdate[..^1],
        new { op = "sleep", ms = (int)QuietWait.TotalMilliseconds },
        TypeScriptResourceUpdate[^1],
        new { op = "terminate" },
        new { op = "checkWire" },
    ];

    private static object[] TypeScriptResourceUpdate =>
    [
        new { op = "awaitGetStream", timeoutMs = 10000 },
        new { op = "subscribe", uri = WatchedResource, mark = SubscribeMark },
        new { op = "call", name = "test_trigger_resource_update", mark = TriggerMark, expectText = "Sent notifications/resources/updated for " + WatchedResource },
        new { op = "awaitNotification", method = ResourceUpdated, min = 1, timeoutMs = 10000 },
        new { op = "unsubscribe", uri = WatchedResource, mark = UnsubscribeMark },
    ];

    private static void ExpectText(CallToolResult result, string expected)
    {
        string? text = result.Content.OfType<TextContentBlock>().FirstOrDefault()?.Text;
        Check(text == expected, $"answered '{text}', expected '{expected}'");
    }

    private static void Check(bool condition, string message)
    {
        if (!condition)
        {
            throw new FleetCheckException(message);
        }
    }
}

/// <summary>What one attempt of one session did, from either client: the facts the cross-session checks need (times in Unix ms).</summary>
internal sealed record FleetAttempt(
    string Client,
    int Session,
    int Attempt,
    bool Ok,
    IReadOnlyDictionary<string, int> Replicas,
    int Resumed,
    int ResumedElsewhere,
    int Events,
    int ResourceUpdatesOnWire,
    int ResourceUpdatesDispatched,
    IReadOnlyList<(long Start, long End)> Subscribe,
    IReadOnlyList<(long Start, long End)> Trigger,
    IReadOnlyList<(long Start, long End)> Unsubscribe,
    long Started,
    long Ended)
{
    /// <summary>The attempts of a TypeScript --sessions run with --wire-report.</summary>
    public static IEnumerable<FleetAttempt> FromTypeScript(JsonElement report)
    {
        string client = $"TypeScript {report.GetProperty("sdk").GetString()}";
        foreach (JsonElement w in report.GetProperty("wire").EnumerateArray())
        {
            JsonElement marks = w.GetProperty("marks");
            yield return new FleetAttempt(
                client,
                w.GetProperty("session").GetInt32(),
                w.GetProperty("attempt").GetInt32(),
                w.GetProperty("ok").GetBoolean(),
                w.GetProperty("replicas").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32(), StringComparer.Ordinal),
                w.GetProperty("resumed").GetInt32(),
                w.GetProperty("resumedElsewhere").GetInt32(),
                w.GetProperty("events").GetInt32(),
                w.GetProperty("notifications").TryGetProperty(FleetSteps.ResourceUpdated, out JsonElement onWire) ? onWire.GetInt32() : 0,
                w.GetProperty("notified").TryGetProperty(FleetSteps.ResourceUpdated, out JsonElement dispatched) ? dispatched.GetInt32() : 0,
                Marks(marks, FleetSteps.SubscribeMark),
                Marks(marks, FleetSteps.TriggerMark),
                Marks(marks, FleetSteps.UnsubscribeMark),
                w.GetProperty("started").GetInt64(),
                w.GetProperty("ended").GetInt64());
        }
    }

    private static IReadOnlyList<(long, long)> Marks(JsonElement marks, string name)
        => marks.TryGetProperty(name, out JsonElement list) ? [.. list.EnumerateArray().Select(m => (m[0].GetInt64(), m[1].GetInt64()))] : [];
}

/// <summary>The outcome of a C# fleet run: sessions that passed, failed for good and were retried, and every attempt.</summary>
internal sealed record FleetRun(int Total, int Ok, IReadOnlyList<string> Failures, IReadOnlyList<string> Retries, IReadOnlyList<FleetAttempt> Attempts)
{
    public string Describe() => $"{Ok}/{Total} ok, {Failures.Count} failed, {Retries.Count} retried"
        + string.Concat(Failures.Take(5).Select(f => "\n  failed: " + f))
        + string.Concat(Retries.Take(5).Select(r => "\n  retried: " + r));
}

/// <summary>
/// Many sessions of the official C# client (2025-11-25, through a <see cref="WireRecorder"/>), a bounded number at a
/// time, each running a list of <see cref="FleetStep"/>s, then DELETE (the client's dispose) and the wire checks.
/// <c>handlers</c> gives each session's client its handlers (an elicitation handler declares the capability).
/// </summary>
internal static class FleetSessions
{
    public const string Legacy = "2025-11-25";

    public static async Task<FleetRun> RunCSharpAsync(
        Uri endpoint,
        WireRecorder recorder,
        HttpClient http,
        IReadOnlyList<FleetStep> steps,
        int sessions,
        int concurrency,
        (int Min, int Max) replicas,
        bool retryOnce = false,
        Action<int>? sessionDone = null,
        TimeSpan? attemptLimit = null,
        Func<McpClientHandlers>? handlers = null)
    {
        TimeSpan limit = attemptLimit ?? TimeSpan.FromSeconds(40);
        var failures = new ConcurrentQueue<string>();
        var retries = new ConcurrentQueue<string>();
        var attempts = new ConcurrentQueue<FleetAttempt>();
        int ok = 0, done = 0;
        await Parallel.ForEachAsync(
            Enumerable.Range(0, sessions),
            new ParallelOptions { MaxDegreeOfParallelism = concurrency },
            async (index, _) =>
            {
                string? error = await TryCSharpSessionAsync(endpoint, recorder, http, steps, index, 1, replicas, limit, handlers, attempts);
                if (error is not null && retryOnce)
                {
                    retries.Enqueue($"C# session {index}: {error}");
                    error = await TryCSharpSessionAsync(endpoint, recorder, http, steps, index, 2, replicas, limit, handlers, attempts);
                }

                if (error is null)
                {
                    Interlocked.Increment(ref ok);
                }
                else
                {
                    failures.Enqueue($"C# session {index}: {error}");
                }

                sessionDone?.Invoke(Interlocked.Increment(ref done));
            });
        return new FleetRun(sessions, ok, [.. failures], [.. retries], [.. attempts]);
    }

    private static async Task<string?> TryCSharpSessionAsync(
        Uri endpoint, WireRecorder recorder, HttpClient http, IReadOnlyList<FleetStep> steps, int index, int attempt, (int Min, int Max) replicas, TimeSpan limit, Func<McpClientHandlers>? handlers, ConcurrentQueue<FleetAttempt> attempts)
    {
        using var cts = new CancellationTokenSource(limit);
        CancellationToken ct = cts.Token;
        FleetSession? session = null;
        string? error = null;
        long started = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        string stage = "connect";
        try
        {
            McpClient client = await CSharpClient.ConnectAsync(endpoint, Legacy, ct, handlers?.Invoke(), httpClient: http);
            await using (client)
            {
                session = new FleetSession(index, client, recorder[client.SessionId ?? throw new FleetCheckException("the server issued no Mcp-Session-Id")]);
                FleetSession current = session;
                await using IAsyncDisposable updates = client.RegisterNotificationHandler(FleetSteps.ResourceUpdated, (_, _) =>
                {
                    current.CountResourceUpdate();
                    return default;
                });
                foreach (FleetStep step in steps)
                {
                    stage = step.Name;
                    await step.RunAsync(session, ct);
                }

                stage = "DELETE (dispose)";
            }

            IReadOnlyList<int> deletes = session.Wire.Deletes;
            if (deletes.Count != 1 || deletes[0] != 200)
            {
                return error = $"DELETE answered [{string.Join(", ", deletes)}], expected one 200";
            }

            stage = "wire checks";
            return error = session.Wire.Problems(replicas.Min, replicas.Max, steps.Contains(FleetSteps.StreamBreak) ? 1 : 0) is { } problems ? "wire: " + problems : null;
        }
        catch (Exception e)
        {
            return error = $"{stage}: {e.GetType().Name}: {e.Message}" + (e.InnerException is { } inner ? $" ({inner.GetType().Name}: {inner.Message})" : "");
        }
        finally
        {
            if (session is not null)
            {
                SessionWire w = session.Wire;
                attempts.Enqueue(new FleetAttempt(
                    "C#", index, attempt, error is null, w.Replicas, w.Resumed, w.ResumedElsewhere, w.Events,
                    w.Notifications(FleetSteps.ResourceUpdated), session.ResourceUpdates,
                    w.Marks(FleetSteps.SubscribeMark), w.Marks(FleetSteps.TriggerMark), w.Marks(FleetSteps.UnsubscribeMark),
                    started, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
            }
        }
    }
}

/// <summary>Checks across the sessions of a run, from both clients.</summary>
internal static class FleetChecks
{
    /// <summary>
    /// Every successful attempt that subscribed got its own update and no update twice. test_trigger_resource_update
    /// notifies every session subscribed at the time, so a session may also get the updates of triggers that overlapped
    /// its subscription: it must receive at least one (its own trigger's) and at most the number of triggers (of any
    /// session, either client) that started before its unsubscribe returned and ended, plus <paramref name="slack"/> for
    /// the backplane's delivery, after its subscribe started. An update delivered twice, or to a session that was not
    /// subscribed, exceeds that bound when no other trigger overlapped (bound 1: exactly one is required). The client's
    /// dispatched count must be at least one and at most the wire's (an update that arrives as the session closes may
    /// be on the wire but never dispatched).
    /// Returns the problems and how many attempts had a bound of exactly one.
    /// </summary>
    /// <param name="attempts">Every attempt of the run, both clients, failed ones included (their triggers count).</param>
    /// <param name="slack">How late after its trigger ended an update may still be fanned out.</param>
    /// <param name="upperBound">Check the upper bound; off when a load balancer may have replayed a trigger (a replica killed).</param>
    public static (IReadOnlyList<string> Problems, int ExactlyOne) ResourceUpdates(IReadOnlyList<FleetAttempt> attempts, TimeSpan slack, bool upperBound = true)
    {
        (long Start, long End)[] triggers = [.. attempts.SelectMany(a => a.Trigger)];
        var problems = new List<string>();
        int exactlyOne = 0;
        foreach (FleetAttempt a in attempts.Where(a => a.Ok && a.Subscribe.Count > 0))
        {
            long from = a.Subscribe[0].Start;
            long to = a.Unsubscribe.Count > 0 ? a.Unsubscribe[^1].End : long.MaxValue;
            int bound = triggers.Count(t => t.Start <= to && t.End + (long)slack.TotalMilliseconds >= from);
            if (bound == 1)
            {
                exactlyOne++;
            }

            if (a.ResourceUpdatesOnWire < 1 || (upperBound && a.ResourceUpdatesOnWire > bound))
            {
                problems.Add($"{a.Client} session {a.Session} (attempt {a.Attempt}): {a.ResourceUpdatesOnWire} resources/updated on the wire, expected 1 to {bound}");
            }

            if (a.ResourceUpdatesDispatched < 1 || a.ResourceUpdatesDispatched > a.ResourceUpdatesOnWire)
            {
                problems.Add($"{a.Client} session {a.Session} (attempt {a.Attempt}): the client dispatched {a.ResourceUpdatesDispatched} resources/updated, the wire carried {a.ResourceUpdatesOnWire}");
            }
        }

        return (problems, exactlyOne);
    }
}
