using System.Diagnostics;
using McpGen.Redis.Tests.Infrastructure;
using McpGen.Sessions;
using McpGen.Tasks;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace McpGen.Redis.Tests;

/// <summary>What only the Redis task store has: its keys, TTL and sets, its DI registration, its failure when Redis is down.</summary>
public sealed class RedisTaskStoreTests : IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly string _prefix = RedisServer.NewPrefix();
    private string _configuration = "";

    public async Task InitializeAsync() => _configuration = await RedisServer.ConfigurationAsync();

    public Task DisposeAsync() => RedisServer.DeleteKeysAsync(_configuration, _prefix);

    private static McpTaskRecord NewTask(DateTimeOffset now) => new()
    {
        TaskId = McpTaskRuntime.NewTaskId(),
        ServerName = "srv:a",
        PrincipalKey = "p1",
        ToolName = "job",
        Status = McpTaskStatus.Working,
        CreatedAt = now,
        LastUpdatedAt = now,
        TimeToLive = TimeSpan.FromMinutes(10),
        LeaseOwner = "replica-a",
        LeaseExpiresAt = now + TimeSpan.FromSeconds(30),
    };

    [Fact]
    public async Task A_task_is_a_hash_with_a_ttl_in_three_sorted_sets_and_a_terminal_task_leaves_the_live_and_lease_sets()
    {
        await using var store = new RedisMcpTaskStore(RedisServer.Options(_configuration, _prefix));
        DateTimeOffset now = DateTimeOffset.UtcNow;
        McpTaskRecord task = NewTask(now);
        Assert.True(await store.CreateAsync(task, 5, None));

        string hash = $"{_prefix}task:{{{task.TaskId}}}";
        string live = $"{_prefix}tasks:live:5:srv:a:p1";
        string lease = $"{_prefix}tasks:lease:5:srv:a";
        string expiry = $"{_prefix}tasks:expiry";
        Assert.Equal(new[] { hash, expiry, lease, live }.Order(StringComparer.Ordinal), await RedisServer.KeysAsync(_configuration, _prefix));

        await using ConnectionMultiplexer redis = await ConnectionMultiplexer.ConnectAsync(_configuration);
        IDatabase db = redis.GetDatabase();
        TimeSpan? ttl = await db.KeyTimeToLiveAsync(hash); // 10 min time to live + 60 s grace
        Assert.True(ttl is { } t && t > TimeSpan.FromMinutes(10) && t <= TimeSpan.FromMinutes(11), $"TTL {ttl}");
        Assert.Equal(task.LeaseExpiresAt.ToUnixTimeMilliseconds(), await db.SortedSetScoreAsync(lease, task.TaskId));
        Assert.Equal(task.ExpiresAt.ToUnixTimeMilliseconds(), await db.SortedSetScoreAsync(live, task.TaskId));
        Assert.Equal("1", (await db.HashGetAsync(hash, "v")).ToString());

        Assert.True(await store.TryReplaceAsync(task with { Status = McpTaskStatus.Completed, LeaseOwner = null }, 1, None));
        Assert.Equal("2", (await db.HashGetAsync(hash, "v")).ToString());
        Assert.Equal(new[] { hash, expiry }.Order(StringComparer.Ordinal), await RedisServer.KeysAsync(_configuration, _prefix));

        Assert.Equal(1, await store.DeleteExpiredAsync(now + TimeSpan.FromMinutes(11), None));
        Assert.Empty(await RedisServer.KeysAsync(_configuration, _prefix)); // nothing is left behind
    }

    [Fact]
    public async Task A_set_entry_whose_hash_redis_already_expired_is_dropped_by_the_sweeps_and_the_limit()
    {
        await using var store = new RedisMcpTaskStore(RedisServer.Options(_configuration, _prefix));
        DateTimeOffset now = DateTimeOffset.UtcNow;
        McpTaskRecord task = NewTask(now) with { LeaseExpiresAt = now - TimeSpan.FromSeconds(1) };
        Assert.True(await store.CreateAsync(task, 1, None));
        await using ConnectionMultiplexer redis = await ConnectionMultiplexer.ConnectAsync(_configuration);
        Assert.True(await redis.GetDatabase().KeyDeleteAsync($"{_prefix}task:{{{task.TaskId}}}")); // as the Redis TTL would

        Assert.Empty(await store.ListExpiredLeasesAsync("srv:a", now, 10, None));
        Assert.False(await redis.GetDatabase().KeyExistsAsync($"{_prefix}tasks:lease:5:srv:a"));
        // The live entry still counts until its expiry; past it, the create script trims it.
        Assert.False(await store.CreateAsync(NewTask(now), 1, None));
        Assert.True(await store.CreateAsync(NewTask(now + TimeSpan.FromMinutes(11)), 1, None));
    }

    [Fact]
    public async Task AddMcpGenRedis_replaces_the_in_memory_task_store()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddMcpServerCore();
        services.AddMcpGenRedis(_configuration, o => o.KeyPrefix = _prefix);
        await using ServiceProvider provider = services.BuildServiceProvider();
        IMcpTaskStore store = Assert.IsType<RedisMcpTaskStore>(provider.GetRequiredService<IMcpTaskStore>());
        McpTaskRecord task = NewTask(DateTimeOffset.UtcNow);
        Assert.True(await store.CreateAsync(task, 0, None));
        Assert.NotNull(await store.GetAsync(task.TaskId, None));
    }

    [Fact]
    public async Task Every_call_fails_fast_with_store_unavailable_when_redis_is_down()
    {
        // Port 1 on 127.0.0.1: nothing listens, the connection is refused.
        await using var store = new RedisMcpTaskStore(new RedisMcpOptions { Configuration = "127.0.0.1:1", ConnectTimeout = TimeSpan.FromMilliseconds(500) });
        McpTaskRecord task = NewTask(DateTimeOffset.UtcNow);
        Func<Task>[] calls =
        [
            () => store.CreateAsync(task, 1, None).AsTask(),
            () => store.GetAsync(task.TaskId, None).AsTask(),
            () => store.TryReplaceAsync(task, 1, None).AsTask(),
            () => store.ListExpiredLeasesAsync("srv:a", DateTimeOffset.UtcNow, 10, None).AsTask(),
            () => store.DeleteExpiredAsync(DateTimeOffset.UtcNow, None).AsTask(),
        ];
        foreach (Func<Task> call in calls)
        {
            var clock = Stopwatch.StartNew();
            McpStoreUnavailableException error = await Assert.ThrowsAsync<McpStoreUnavailableException>(call).WaitAsync(TimeSpan.FromSeconds(30));
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed.TotalSeconds:0.0} s");
            Assert.Contains("127.0.0.1:1", error.Message, StringComparison.Ordinal);
        }
    }
}
