using System.Collections.Concurrent;
using System.Diagnostics;
using McpGen.Redis.Tests.Infrastructure;
using McpGen.Sessions;
using Xunit.Abstractions;

namespace McpGen.Redis.Tests;

/// <summary>
/// Redis goes away and comes back: each test runs its own disposable redis-server (own port and directory, the
/// append-only file on with fsync per write, started and stopped with scripts/services/redis.sh), so the shared
/// instance of the other tests is never disturbed. Calls during the outage must fail with
/// <see cref="McpStoreUnavailableException"/> (the endpoint answers 503 + Retry-After) within 5 s, never hang; after the
/// restart everything works again without a new store, and no acknowledged session is lost.
/// </summary>
public sealed class OutageTests(ITestOutputHelper output)
{
    private static readonly CancellationToken None = CancellationToken.None;

    /// <summary>The bound of the issue: a request during an outage gets its 503 within 5 s.</summary>
    private static readonly TimeSpan FailFast = TimeSpan.FromSeconds(5);

    private static RedisMcpOptions Options(FaultRedis redis) => new()
    {
        Configuration = redis.Configuration,
        ConnectTimeout = TimeSpan.FromSeconds(2),
        CommandTimeout = TimeSpan.FromSeconds(3),
        RetryAfter = TimeSpan.FromSeconds(3),
    };

    private static async Task<TimeSpan> AssertUnavailableAsync(Func<Task> operation, string what)
    {
        var clock = Stopwatch.StartNew();
        McpStoreUnavailableException error = await Assert.ThrowsAsync<McpStoreUnavailableException>(operation).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(clock.Elapsed < FailFast, $"{what} took {clock.Elapsed.TotalSeconds:0.0} s to fail (bound {FailFast.TotalSeconds} s).");
        Assert.Equal(TimeSpan.FromSeconds(3), error.RetryAfter);
        Assert.Contains("127.0.0.1", error.Message);
        return clock.Elapsed;
    }

    /// <summary>Repeats <paramref name="operation"/> until it succeeds (Redis is back and the multiplexer reconnected), bounded.</summary>
    private static async Task<T> UntilBackAsync<T>(Func<Task<T>> operation, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return await operation();
            }
            catch (McpStoreUnavailableException) when (clock.Elapsed < limit)
            {
                await Task.Delay(100);
            }
        }
    }

    [Fact]
    public async Task Store_DownAtStartup_DownMidway_FailsFast_AndRecoversWithItsSessions()
    {
        await using var redis = new FaultRedis();
        await using var store = new RedisMcpSessionStore(Options(redis));

        // Not started yet: the first call fails fast; the multiplexer keeps trying in the background.
        await AssertUnavailableAsync(async () => await store.GetAsync("r1.x", touch: true, None), "get before Redis ever started");

        await redis.StartAsync();
        var session = new McpSessionState("r1.survivor") { ProtocolVersion = "2025-11-25" };
        Assert.True(await UntilBackAsync(async () => await store.CreateAsync(session, TimeSpan.FromMinutes(10), 100, None), TimeSpan.FromSeconds(30)));
        Assert.Equal(1, await store.AppendEventAsync(session.Id, "get", "{\"n\":1}"u8.ToArray(), last: false, 100, None));

        await redis.StopAsync();
        var latencies = new List<TimeSpan>
        {
            await AssertUnavailableAsync(async () => await store.GetAsync(session.Id, touch: true, None), "get"),
            await AssertUnavailableAsync(async () => await store.CreateAsync(new McpSessionState("r1.new"), TimeSpan.FromMinutes(1), 100, None), "create"),
            await AssertUnavailableAsync(async () => await store.UpdateAsync(session, None), "update"),
            await AssertUnavailableAsync(async () => await store.AppendEventAsync(session.Id, "get", "{}"u8.ToArray(), last: false, 100, None), "append"),
            await AssertUnavailableAsync(async () => await store.ReadEventsAsync(session.Id, "get", 0, None), "read events"),
            await AssertUnavailableAsync(async () => await store.DeleteAsync(session.Id, None), "delete"),
            await AssertUnavailableAsync(async () => await store.RemoveExpiredAsync(None), "cleanup"),
        };

        await redis.StartAsync();
        var back = Stopwatch.StartNew();
        McpSessionState? loaded = await UntilBackAsync(async () => await store.GetAsync(session.Id, touch: true, None), TimeSpan.FromSeconds(30));
        output.WriteLine($"outage: 7 calls failed in at most {latencies.Max().TotalMilliseconds:0} ms; the store answered again {back.ElapsedMilliseconds} ms after redis-server started");
        Assert.NotNull(loaded);
        Assert.Equal("2025-11-25", loaded.ProtocolVersion);
        Assert.Equal(2, await store.AppendEventAsync(session.Id, "get", "{\"n\":2}"u8.ToArray(), last: false, 100, None));
        Assert.Equal([1L, 2L], (await store.ReadEventsAsync(session.Id, "get", 0, None)).Select(e => e.Sequence));
    }

    [Fact]
    public async Task RestartDuringLoad_FailsFastMeanwhile_AndLosesNoAcknowledgedSession()
    {
        await using var redis = new FaultRedis();
        await redis.StartAsync();
        await using var a = new RedisMcpSessionStore(Options(redis));
        await using var b = new RedisMcpSessionStore(Options(redis));
        await UntilBackAsync(async () => await a.GetAsync("r1.warm", touch: false, None), TimeSpan.FromSeconds(30));
        await UntilBackAsync(async () => await b.GetAsync("r1.warm", touch: false, None), TimeSpan.FromSeconds(30));

        var acknowledged = new ConcurrentBag<string>();
        var slowFailures = new ConcurrentBag<string>();
        var otherFailures = new ConcurrentBag<string>();
        long unavailable = 0, maxFailureMs = 0;
        using var stop = new CancellationTokenSource();
        Task[] workers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            IMcpSessionStore store = w % 2 == 0 ? a : b;
            for (int i = 0; !stop.IsCancellationRequested; i++)
            {
                var session = new McpSessionState($"r{w}.{i}.{Guid.NewGuid():N}") { ProtocolVersion = "2025-11-25" };
                var clock = Stopwatch.StartNew();
                try
                {
                    if (await store.CreateAsync(session, TimeSpan.FromMinutes(10), 0, None))
                    {
                        acknowledged.Add(session.Id);
                    }

                    await store.GetAsync(session.Id, touch: true, None);
                }
                catch (McpStoreUnavailableException)
                {
                    Interlocked.Increment(ref unavailable);
                    long ms = clock.ElapsedMilliseconds;
                    InterlockedMax(ref maxFailureMs, ms);
                    if (clock.Elapsed >= FailFast)
                    {
                        slowFailures.Add($"{session.Id}: {ms} ms");
                    }

                    await Task.Delay(20);
                }
                catch (Exception e)
                {
                    otherFailures.Add($"{session.Id}: {e.GetType().Name}: {e.Message}");
                }
            }
        })).ToArray();

        await Task.Delay(1000);
        int before = acknowledged.Count;
        await redis.StopAsync();
        await Task.Delay(1500);
        await redis.StartAsync();
        var back = Stopwatch.StartNew();
        await UntilBackAsync(async () => await a.GetAsync("r1.probe", touch: false, None), TimeSpan.FromSeconds(30));
        await UntilBackAsync(async () => await b.GetAsync("r1.probe", touch: false, None), TimeSpan.FromSeconds(30));
        long recovered = back.ElapsedMilliseconds;
        int atRecovery = acknowledged.Count;
        await Task.Delay(1000);
        await stop.CancelAsync();
        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(30));

        output.WriteLine($"{acknowledged.Count} sessions acknowledged ({before} before the stop, {acknowledged.Count - atRecovery} after recovery); {unavailable} calls failed unavailable, slowest {maxFailureMs} ms; both stores answered {recovered} ms after the restart");
        Assert.True(otherFailures.IsEmpty, string.Join("\n", otherFailures.Take(10)));
        Assert.True(slowFailures.IsEmpty, "failures slower than 5 s: " + string.Join(", ", slowFailures.Take(10)));
        Assert.True(unavailable > 0, "no call met the outage: the stop did not take effect");
        Assert.True(before > 0 && acknowledged.Count > atRecovery, $"load did not run on both sides of the outage ({before} before, {acknowledged.Count - atRecovery} after)");

        // Every session a create acknowledged is there (appendfsync always: acknowledged = on disk).
        string[] missing = (await Task.WhenAll(acknowledged.Select(async id => (Id: id, Session: await a.GetAsync(id, touch: false, None)))))
            .Where(r => r.Session is null).Select(r => r.Id).ToArray();
        Assert.True(missing.Length == 0, $"{missing.Length} acknowledged sessions lost, e.g. {string.Join(", ", missing.Take(5))}");
    }

    [Fact]
    public async Task Backplane_DuringOutage_FailsFast_ThenReconnects_AndOldSubscriptionsReceiveAgain()
    {
        await using var redis = new FaultRedis();
        await redis.StartAsync();
        await using var publisher = new RedisMcpBackplane(Options(redis));
        await using var subscriber = new RedisMcpBackplane(Options(redis));
        var received = new Received();
        await using IAsyncDisposable subscription = await UntilBackAsync(async () => await subscriber.SubscribeAsync("session:s1:stream:get", received.Handle, None), TimeSpan.FromSeconds(30));
        await UntilBackAsync(async () => { await publisher.PublishAsync("session:s1:stream:get", "before"u8.ToArray(), None); return true; }, TimeSpan.FromSeconds(30));
        await received.WaitForCountAsync(1);

        await redis.StopAsync();
        await AssertUnavailableAsync(async () => await publisher.PublishAsync("session:s1:stream:get", "lost"u8.ToArray(), None), "publish");
        await AssertUnavailableAsync(async () => await publisher.PublishAsync("session:s1:stream:get", new byte[50_000], None), "publish large");
        await AssertUnavailableAsync(async () => await subscriber.SubscribeAsync("another", _ => ValueTask.CompletedTask, None), "subscribe");

        await redis.StartAsync();
        var clock = Stopwatch.StartNew();
        while (received.Messages.Count < 2)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "the old subscription received nothing within 30 s of the restart");
            try
            {
                await publisher.PublishAsync("session:s1:stream:get", "after"u8.ToArray(), None);
            }
            catch (McpStoreUnavailableException)
            {
                // still reconnecting
            }

            await Task.Delay(200);
        }

        output.WriteLine($"the old subscription received again {clock.ElapsedMilliseconds} ms after redis-server started");
        Assert.Equal("before", received.Texts[0]);
        Assert.DoesNotContain("lost", received.Texts);

        // New subscriptions work again too.
        var late = new Received();
        await using IAsyncDisposable lateSubscription = await subscriber.SubscribeAsync("another", late.Handle, None);
        await publisher.PublishAsync("another", new byte[20_000], None);
        await late.WaitForCountAsync(1);
        Assert.Equal(20_000, late.Messages[0].Length);
    }

    private static void InterlockedMax(ref long target, long value)
    {
        long current;
        while ((current = Interlocked.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
