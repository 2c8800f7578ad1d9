using System.Diagnostics;
using System.Net;
using System.Text.Json;
using McpGen.PostgreSql.Tests.Infrastructure;
using McpGen.Runtime.Tests.Infrastructure;
using McpGen.Sessions;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;
using static McpGen.PostgreSql.Tests.FleetServer;
using static McpGen.Runtime.Tests.Infrastructure.McpTestHost;

namespace McpGen.PostgreSql.Tests;

/// <summary>
/// Call leases and the reconnect catch-up, on in-process store-backed replicas over one PostgreSQL database (a schema
/// per test): a call's stream resumed on another replica after its runner stopped ends with a "worker replica lost"
/// JSON-RPC error within the lease; resumed while the runner lives, it gets the real answer; a cancelled call's resumed
/// stream ends without an answer; a follower whose LISTEN connection was killed still gets every event once, in order.
/// </summary>
public sealed class CallLeaseTests(ITestOutputHelper output) : IAsyncLifetime
{
    /// <summary>Short, so a lost runner shows within seconds; renewals (a third of it) have 2 s of slack on a loaded machine.</summary>
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(3);

    private readonly TestSchemas _schemas = new();

    public Task InitializeAsync() => _schemas.InitializeAsync();

    public Task DisposeAsync() => _schemas.DisposeAsync().AsTask();

    [Fact]
    public async Task ResumedOnAnotherReplica_AfterTheRunnerStopped_GetsTheLoggedEvents_ThenAWorkerLostError_AndEnds()
    {
        string schema = _schemas.NewName();
        McpTestHost a = await StartReplicaAsync(schema, "lease-a");
        await using McpTestHost b = await StartReplicaAsync(schema, "lease-b");
        bool aStopped = false;
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            string session = await FleetServer.InitializeAsync(a);
            string key = Guid.NewGuid().ToString("N");
            (string lastId, string streamId, long sequence) = await StartSlowCallAsync(a, session, "\"lost-1\"", key, cts.Token);

            // Step 3 is logged on A while no client is connected; then A stops without finishing the call.
            Release(key);
            await WaitLoggedAsync(b, session, streamId, sequence + 1, cts.Token);
            await a.DisposeAsync();
            aStopped = true;
            var sinceStop = Stopwatch.StartNew();

            using HttpResponseMessage resumed = await b.Client.SendAsync(Get(session, lastId), HttpCompletionOption.ResponseHeadersRead, cts.Token);
            using StreamReader stream = await ReaderAsync(resumed, cts.Token);
            SseEvent third = (await NextDataAsync(stream, cts.Token)) ?? throw new Xunit.Sdk.XunitException("the resumed stream ended before the logged step 3");
            Assert.Equal(3, ProgressOf(third));

            SseEvent lost = (await NextDataAsync(stream, cts.Token)) ?? throw new Xunit.Sdk.XunitException("the resumed stream ended without an answer");
            TimeSpan took = sinceStop.Elapsed;
            JsonElement error = lost.Json;
            Assert.Equal("lost-1", error.GetProperty("id").GetString());
            Assert.Equal(-32603, error.GetProperty("error").GetProperty("code").GetInt32());
            Assert.Contains("was lost", error.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
            Assert.False(error.TryGetProperty("result", out _));

            // Within the lease (counted from A's last renewal, at most a third of it before the stop) plus wide slack.
            Assert.True(took < Lease + TimeSpan.FromSeconds(10), $"the error came {took.TotalSeconds:F1} s after the runner stopped (lease {Lease.TotalSeconds} s)");
            Assert.Null(await SseReader.NextEventAsync(stream, cts.Token)); // and the stream ends
        }
        finally
        {
            if (!aStopped)
            {
                await a.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task ResumedOnAnotherReplica_WhileTheRunnerLives_GetsTheRealAnswer_NoFalseLoss()
    {
        string schema = _schemas.NewName();
        await using McpTestHost a = await StartReplicaAsync(schema, "alive-a");
        await using McpTestHost b = await StartReplicaAsync(schema, "alive-b");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        string session = await FleetServer.InitializeAsync(a);
        string key = Guid.NewGuid().ToString("N");
        (string lastId, _, _) = await StartSlowCallAsync(a, session, "7", key, cts.Token);

        using HttpResponseMessage resumed = await b.Client.SendAsync(Get(session, lastId), HttpCompletionOption.ResponseHeadersRead, cts.Token);
        using StreamReader stream = await ReaderAsync(resumed, cts.Token);

        // Longer than two leases with nothing on the stream: only the renewals of the live runner keep B from giving up.
        await Task.Delay(Lease * 2 + TimeSpan.FromSeconds(1), cts.Token);
        Release(key, SlowSteps - 1);
        var seen = new List<string>();
        while (await NextDataAsync(stream, cts.Token) is { } next)
        {
            seen.Add(next.Data);
        }

        Assert.Equal(SlowSteps - 1, seen.Count); // steps 3, 4 and the answer; the stream then ended
        Assert.Equal(3, ProgressOf(new SseEvent(null, seen[0])));
        Assert.Equal(4, ProgressOf(new SseEvent(null, seen[1])));
        using JsonDocument answer = JsonDocument.Parse(seen[^1]);
        Assert.Equal(7, answer.RootElement.GetProperty("id").GetInt32());
        Assert.Equal("done", answer.RootElement.GetProperty("result").GetProperty("content")[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task CancelledCall_WithAFollowerOnAnotherReplica_EndsTheResumedStreamWithoutAnAnswer_NotAWorkerLostError()
    {
        string schema = _schemas.NewName();
        await using McpTestHost a = await StartReplicaAsync(schema, "cancel-a");
        await using McpTestHost b = await StartReplicaAsync(schema, "cancel-b");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        string session = await FleetServer.InitializeAsync(a);
        string key = Guid.NewGuid().ToString("N");
        (string lastId, _, _) = await StartSlowCallAsync(a, session, "\"to-cancel\"", key, cts.Token);

        using HttpResponseMessage resumed = await b.Client.SendAsync(Get(session, lastId), HttpCompletionOption.ResponseHeadersRead, cts.Token);
        using StreamReader stream = await ReaderAsync(resumed, cts.Token);
        var sinceCancel = Stopwatch.StartNew();
        using HttpResponseMessage cancelled = await b.Client.SendAsync(InSession(session,
            """{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"to-cancel","reason":"user"}}"""), cts.Token);
        Assert.Equal(HttpStatusCode.Accepted, cancelled.StatusCode);

        // The spec sends no response for a cancelled request: the stream ends with nothing more on it.
        Assert.Null(await NextDataAsync(stream, cts.Token));
        TimeSpan took = sinceCancel.Elapsed;
        Assert.True(took < Lease + TimeSpan.FromSeconds(5), $"the resumed stream of the cancelled call ended only after {took.TotalSeconds:F1} s");

        // A later resumption ends at once too (the log says the call ended).
        using HttpResponseMessage again = await a.Client.SendAsync(Get(session, lastId), HttpCompletionOption.ResponseHeadersRead, cts.Token);
        using StreamReader ended = await ReaderAsync(again, cts.Token);
        Assert.Null(await NextDataAsync(ended, cts.Token));
    }

    [Fact]
    public async Task FollowerWhoseListenConnectionIsKilled_GetsEveryEventOnce_InOrder()
    {
        string schema = _schemas.NewName();
        await using McpTestHost a = await StartReplicaAsync(schema, "catchup-a");
        await using McpTestHost b = await StartReplicaAsync(schema, "catchup-b");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        string session = await FleetServer.InitializeAsync(a);
        string key = Guid.NewGuid().ToString("N");
        (string lastId, _, long sequence) = await StartSlowCallAsync(a, session, "11", key, cts.Token);

        using HttpResponseMessage resumed = await b.Client.SendAsync(Get(session, lastId), HttpCompletionOption.ResponseHeadersRead, cts.Token);
        using StreamReader stream = await ReaderAsync(resumed, cts.Token);
        Release(key); // step 3 arrives live, through B's LISTEN connection
        SseEvent third = (await NextDataAsync(stream, cts.Token))!.Value;
        Assert.Equal(3, ProgressOf(third));
        var seenIds = new List<long> { SequenceOf(third.Id!) };

        var backplane = (PostgreSqlMcpBackplane)b.Services.GetRequiredService<IMcpBackplane>();
        int listens = backplane.ListenCount;
        object? killed = await _schemas.ScalarAsync(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = 'catchup-b' AND (query LIKE 'LISTEN%' OR query = 'SELECT 1')");
        Assert.Equal(1L, killed);
        await Eventually.TrueAsync(() => !backplane.IsListening, TimeSpan.FromSeconds(30), "B noticing its LISTEN connection is gone");

        // Step 4 is published while B does not listen (it reconnects after 100 ms at the soonest): lost on the backplane,
        // in the log. Nothing follows it until the test says so, so only the re-read on reconnect can bring it.
        long receivedBefore = backplane.Counters!.Snapshot().ReceivedAddressed;
        Release(key);
        await Eventually.TrueAsync(() => backplane.ListenCount > listens, TimeSpan.FromSeconds(30), "B listening again");
        using (var fourthWait = CancellationTokenSource.CreateLinkedTokenSource(cts.Token))
        {
            fourthWait.CancelAfter(TimeSpan.FromSeconds(20));
            SseEvent fourth = (await NextDataAsync(stream, fourthWait.Token))!.Value;
            Assert.Equal(4, ProgressOf(fourth));
            output.WriteLine(backplane.Counters!.Snapshot().ReceivedAddressed == receivedBefore
                ? "step 4 came from the log, re-read on reconnect (nothing reached B on the backplane)"
                : "B received backplane messages meanwhile (step 4 may have been published after the reconnect)");
            seenIds.Add(SequenceOf(fourth.Id!));
        }

        Release(key); // the answer
        var seen = new List<SseEvent>();
        while (await NextDataAsync(stream, cts.Token) is { } next)
        {
            seen.Add(next);
        }

        Assert.Single(seen); // the answer, once; then the stream ended
        Assert.Equal(11, seen[0].Json.GetProperty("id").GetInt32());
        Assert.Equal("done", seen[0].Json.GetProperty("result").GetProperty("content")[0].GetProperty("text").GetString());
        seenIds.Add(SequenceOf(seen[0].Id!));
        Assert.Equal([sequence + 1, sequence + 2, sequence + 3], seenIds);
    }

    [Fact]
    public async Task NewerGetStreamOnAnotherReplica_EndsTheOlderOne_AndGetsTheChanges()
    {
        string schema = _schemas.NewName();
        await using McpTestHost a = await StartReplicaAsync(schema, "take-a");
        await using McpTestHost b = await StartReplicaAsync(schema, "take-b");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        string session = await FleetServer.InitializeAsync(a);
        using HttpResponseMessage subscribed = await a.Client.SendAsync(InSession(session,
            """{"jsonrpc":"2.0","id":2,"method":"resources/subscribe","params":{"uri":"test://watched"}}"""), cts.Token);
        Assert.Equal(HttpStatusCode.OK, subscribed.StatusCode);

        using HttpResponseMessage older = await a.Client.SendAsync(Get(session), HttpCompletionOption.ResponseHeadersRead, cts.Token);
        using StreamReader olderStream = await ReaderAsync(older, cts.Token);
        Assert.True((await SseReader.NextEventAsync(olderStream, cts.Token)) is { IsPriming: true });

        using HttpResponseMessage newer = await b.Client.SendAsync(Get(session), HttpCompletionOption.ResponseHeadersRead, cts.Token);
        using StreamReader newerStream = await ReaderAsync(newer, cts.Token);
        Assert.True((await SseReader.NextEventAsync(newerStream, cts.Token)) is { IsPriming: true });
        Assert.Null(await NextDataAsync(olderStream, cts.Token)); // taken over: the older stream ends

        await new ChangeNotifier(a.Services.GetRequiredService<IMcpBackplane>(), "feature-server").NotifyResourceUpdatedAsync("test://watched", cts.Token);
        JsonElement updated = ((await NextDataAsync(newerStream, cts.Token)) ?? throw new Xunit.Sdk.XunitException("the newer GET stream ended")).Json;
        Assert.Equal("notifications/resources/updated", updated.GetProperty("method").GetString());
    }

    /// <summary>
    /// POSTs a <c>slow</c> call to <paramref name="host"/>, reads steps 1 and 2 and drops the connection (the call runs
    /// on). Returns the last event id the client holds, the stream id and that event's sequence.
    /// </summary>
    private static async Task<(string LastId, string StreamId, long Sequence)> StartSlowCallAsync(McpTestHost host, string session, string id, string key, CancellationToken cancellationToken)
    {
        using HttpResponseMessage call = await host.Client.SendAsync(CallSlow(session, id, key), HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        using StreamReader events = await ReaderAsync(call, cancellationToken);
        SseEvent first = (await NextDataAsync(events, cancellationToken))!.Value;
        Assert.Equal(1, ProgressOf(first));
        SseEvent second = (await NextDataAsync(events, cancellationToken))!.Value;
        Assert.Equal(2, ProgressOf(second));
        Assert.True(McpSessionIds.TryParseEventId(second.Id!, out _, out string streamId, out long sequence));
        return (second.Id!, streamId, sequence);
    }

    private static long SequenceOf(string eventId)
        => McpSessionIds.TryParseEventId(eventId, out _, out _, out long sequence) ? sequence : throw new Xunit.Sdk.XunitException($"not an event id: {eventId}");

    private static async Task WaitLoggedAsync(McpTestHost host, string session, string streamId, long sequence, CancellationToken cancellationToken)
    {
        IMcpSessionStore store = host.Services.GetRequiredService<IMcpSessionStore>();
        while ((await store.ReadEventsAsync(session, streamId, sequence - 1, cancellationToken)).Count == 0)
        {
            await Task.Delay(20, cancellationToken); // bounded by the test's token
        }
    }

    private Task<McpTestHost> StartReplicaAsync(string schema, string name)
        => StartAsync(Create(),
            o =>
            {
                o.Sessions.StoreCacheDuration = TimeSpan.Zero;
                o.Sessions.CallLeaseDuration = Lease;
                o.DrainTimeout = TimeSpan.Zero;
            },
            s => s.AddMcpGenPostgreSql(_schemas.ConnectionString + ";Application Name=" + name, o => o.SchemaName = schema));
}
