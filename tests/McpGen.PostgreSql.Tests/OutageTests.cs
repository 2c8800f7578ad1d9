using System.Diagnostics;
using McpGen.PostgreSql.Tests.Infrastructure;
using McpGen.Sessions;
using McpGen.ClientInput;
using McpGen.Dispatch;
using McpGen.Http;
using McpGen.Streaming;

namespace McpGen.PostgreSql.Tests;

/// <summary>
/// The database goes away and comes back: each test runs its own disposable cluster (own port and directory, started
/// and stopped with scripts/services/postgres.sh), so the shared cluster of the other tests is never disturbed.
/// Requests during the outage must fail with <see cref="McpStoreUnavailableException"/> within a bound (the endpoint
/// answers 503 + Retry-After), never hang; after the restart everything works again without restarting the app.
/// </summary>
public sealed class OutageTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    /// <summary>ConnectTimeout is 3 s in these tests; a refused connection fails at once, so 5 s is generous.</summary>
    private static readonly TimeSpan FailFast = TimeSpan.FromSeconds(5);

    private static PostgreSqlMcpOptions Options(FaultCluster cluster) => new()
    {
        ConnectionString = cluster.ConnectionString,
        ConnectTimeout = TimeSpan.FromSeconds(3),
        CommandTimeout = TimeSpan.FromSeconds(5),
        RetryAfter = TimeSpan.FromSeconds(3),
    };

    private static async Task<McpStoreUnavailableException> AssertUnavailableAsync(Func<Task> operation, string what)
    {
        var clock = Stopwatch.StartNew();
        McpStoreUnavailableException error = await Assert.ThrowsAsync<McpStoreUnavailableException>(operation).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(clock.Elapsed < FailFast, $"{what} took {clock.Elapsed.TotalSeconds:0.0} s to fail (bound {FailFast.TotalSeconds} s).");
        Assert.Equal(TimeSpan.FromSeconds(3), error.RetryAfter);
        Assert.Contains("127.0.0.1", error.Message);
        return error;
    }

    [Fact]
    public async Task Store_DownAtStartup_DownMidway_FailsFast_AndRecoversWithItsSessions()
    {
        await using var cluster = new FaultCluster();
        await using var store = new PostgreSqlMcpSessionStore(Options(cluster));

        // Not started yet: the first call (which would create the schema) fails fast, and is retried later.
        await AssertUnavailableAsync(async () => await store.GetAsync("r1.x", touch: true, None), "get before the database ever started");

        await cluster.StartAsync();
        var session = new McpSessionState("r1.survivor") { ProtocolVersion = "2025-11-25" };
        Assert.True(await store.CreateAsync(session, TimeSpan.FromMinutes(10), 100, None));
        Assert.Equal(1, await store.AppendEventAsync(session.Id, "get", "{\"n\":1}"u8.ToArray(), last: false, 100, None));

        await cluster.StopAsync();
        await AssertUnavailableAsync(async () => await store.GetAsync(session.Id, touch: true, None), "get");
        await AssertUnavailableAsync(async () => await store.CreateAsync(new McpSessionState("r1.new"), TimeSpan.FromMinutes(1), 100, None), "create");
        await AssertUnavailableAsync(async () => await store.UpdateAsync(session, None), "update");
        await AssertUnavailableAsync(async () => await store.AppendEventAsync(session.Id, "get", "{}"u8.ToArray(), last: false, 100, None), "append");
        await AssertUnavailableAsync(async () => await store.ReadEventsAsync(session.Id, "get", 0, None), "read events");
        await AssertUnavailableAsync(async () => await store.DeleteAsync(session.Id, None), "delete");
        await AssertUnavailableAsync(async () => await store.RemoveExpiredAsync(None), "cleanup");

        await cluster.StartAsync();

        // The very first call after the restart succeeds: the dead pooled connections were dropped during the outage.
        McpSessionState? back = await store.GetAsync(session.Id, touch: true, None);
        Assert.NotNull(back);
        Assert.Equal("2025-11-25", back.ProtocolVersion);
        Assert.Equal(2, await store.AppendEventAsync(session.Id, "get", "{\"n\":2}"u8.ToArray(), last: false, 100, None));
        Assert.Equal([1L, 2L], (await store.ReadEventsAsync(session.Id, "get", 0, None)).Select(e => e.Sequence));
    }

    [Fact]
    public async Task AfterARestartWithoutRequestsDuringIt_TheFirstRequestOfEachKindSucceeds()
    {
        await using var cluster = new FaultCluster();
        await cluster.StartAsync();

        // Separate pools, so each operation below is the first to meet its pool's dead connection.
        await using var creator = new PostgreSqlMcpSessionStore(Options(cluster));
        await using var reader = new PostgreSqlMcpSessionStore(Options(cluster));
        await using var appender = new PostgreSqlMcpSessionStore(Options(cluster));
        await using var publisher = new PostgreSqlMcpBackplane(Options(cluster));
        var session = new McpSessionState("r1.idle");
        Assert.True(await creator.CreateAsync(session, TimeSpan.FromMinutes(10), 100, None));
        Assert.NotNull(await reader.GetAsync(session.Id, touch: true, None));
        Assert.Equal(1, await appender.AppendEventAsync(session.Id, "get", "{}"u8.ToArray(), last: false, 100, None));
        await publisher.PublishAsync("c", "x"u8.ToArray(), None);

        await cluster.StopAsync();
        await cluster.StartAsync();

        // Every pool holds a connection the restart killed: reads retry on a new one, writes retry because the server
        // reported that it shut the old one down before running anything (no double create, append or publish).
        Assert.True(await creator.CreateAsync(new McpSessionState("r1.after"), TimeSpan.FromMinutes(10), 100, None));
        Assert.NotNull(await reader.GetAsync(session.Id, touch: true, None));
        Assert.Equal(2, await appender.AppendEventAsync(session.Id, "get", "{}"u8.ToArray(), last: false, 100, None));
        await publisher.PublishAsync("c", "y"u8.ToArray(), None);
        Assert.Equal([1L, 2L], (await reader.ReadEventsAsync(session.Id, "get", 0, None)).Select(e => e.Sequence));
    }

    [Fact]
    public async Task Backplane_DuringOutage_FailsFast_ThenReconnects_AndOldSubscriptionsReceiveAgain()
    {
        await using var cluster = new FaultCluster();
        await cluster.StartAsync();
        await using var publisher = new PostgreSqlMcpBackplane(Options(cluster));
        await using var subscriber = new PostgreSqlMcpBackplane(Options(cluster));
        var received = new Received();
        await using IAsyncDisposable subscription = await subscriber.SubscribeAsync("session:s1:stream:get", received.Handle, None);
        await publisher.PublishAsync("session:s1:stream:get", "before"u8.ToArray(), None);
        await received.WaitForCountAsync(1);

        await cluster.StopAsync();
        await AssertUnavailableAsync(async () => await publisher.PublishAsync("session:s1:stream:get", "lost"u8.ToArray(), None), "publish");
        await AssertUnavailableAsync(async () => await publisher.PublishAsync("session:s1:stream:get", new byte[50_000], None), "publish by reference");
        await Eventually.TrueAsync(() => !subscriber.IsListening, TimeSpan.FromSeconds(10), "the subscriber noticing the outage");
        await AssertUnavailableAsync(async () => await subscriber.SubscribeAsync("another", _ => ValueTask.CompletedTask, None), "subscribe");

        await cluster.StartAsync();
        await PostgreSqlSpecificTests.PublishUntilReceivedAsync(publisher, "session:s1:stream:get", received, TimeSpan.FromSeconds(30));
        Assert.True(subscriber.IsListening);
        Assert.Equal("before", received.Texts[0]);
        Assert.DoesNotContain("lost", received.Texts);

        // New subscriptions work again too, and large messages travel by reference again.
        var late = new Received();
        await using IAsyncDisposable lateSubscription = await subscriber.SubscribeAsync("another", late.Handle, None);
        await publisher.PublishAsync("another", new byte[20_000], None);
        await late.WaitForCountAsync(1);
        Assert.Equal(20_000, late.Messages[0].Length);
    }
}
