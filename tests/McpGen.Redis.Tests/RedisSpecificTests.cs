using McpGen.Redis.Tests.Infrastructure;
using McpGen.Sessions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;

namespace McpGen.Redis.Tests;

/// <summary>What only the Redis backend has: its keys and their TTLs, addressed pub/sub, options and DI registration.</summary>
public sealed class RedisSpecificTests : IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly string _prefix = RedisServer.NewPrefix();
    private string _configuration = "";

    public async Task InitializeAsync() => _configuration = await RedisServer.ConfigurationAsync();

    public Task DisposeAsync() => RedisServer.DeleteKeysAsync(_configuration, _prefix);

    [Fact]
    public async Task A_session_is_a_hash_an_index_and_one_stream_per_event_stream_all_with_a_ttl_and_delete_leaves_nothing()
    {
        await using var store = new RedisMcpSessionStore(RedisServer.Options(_configuration, _prefix));
        var session = new McpSessionState("r1.keys") { ProtocolVersion = "2025-11-25" };
        Assert.True(await store.CreateAsync(session, TimeSpan.FromMinutes(5), 0, None));
        Assert.Equal(1, await store.AppendEventAsync(session.Id, "get", "{}"u8.ToArray(), last: false, 10, None));
        Assert.Equal(1, await store.AppendEventAsync(session.Id, "req-1", "{}"u8.ToArray(), last: true, 10, None));

        string[] keys = await RedisServer.KeysAsync(_configuration, _prefix);
        Assert.Equal([$"{_prefix}live", $"{_prefix}{{r1.keys}}", $"{_prefix}{{r1.keys}}:e:get", $"{_prefix}{{r1.keys}}:e:req-1", $"{_prefix}{{r1.keys}}:q"], keys);
        await using ConnectionMultiplexer redis = await ConnectionMultiplexer.ConnectAsync(_configuration);
        IDatabase db = redis.GetDatabase();
        foreach (string key in keys.Where(k => k.Contains('{', StringComparison.Ordinal)))
        {
            // Idle timeout (5 min) + 60 s grace: nothing outlives its session even when no cleanup runs.
            TimeSpan? ttl = await db.KeyTimeToLiveAsync(key);
            Assert.True(ttl is { } t && t > TimeSpan.FromMinutes(5) && t <= TimeSpan.FromMinutes(6), $"{key}: TTL {ttl}");
        }

        Assert.Contains("2025-11-25", (await db.HashGetAsync($"{_prefix}{{r1.keys}}", "s")).ToString(), StringComparison.Ordinal);
        Assert.True(await store.DeleteAsync(session.Id, None));
        Assert.Empty(await RedisServer.KeysAsync(_configuration, _prefix)); // the live set went with its last member
    }

    [Fact]
    public async Task A_replica_subscribes_in_redis_only_to_the_channels_it_has_subscribers_for()
    {
        // Addressed delivery: r2 subscribes to its own channel only, so r1's messages never reach r2's process.
        await using var r1 = new RedisMcpBackplane(RedisServer.Options(_configuration, _prefix));
        await using var r2 = new RedisMcpBackplane(RedisServer.Options(_configuration, _prefix));
        var onR1 = new Received();
        var onR2 = new Received();
        await using IAsyncDisposable s1 = await r1.SubscribeAsync("replica:r1", onR1.Handle, None);
        await using IAsyncDisposable s1b = await r1.SubscribeAsync("replica:r1", onR1.Handle, None);
        await using IAsyncDisposable s2 = await r2.SubscribeAsync("replica:r2", onR2.Handle, None);
        Assert.Equal(1, r1.RedisSubscriptionCount);

        for (int i = 0; i < 50; i++)
        {
            await r2.PublishAsync("replica:r1", "for r1"u8.ToArray(), None);
        }

        await r1.PublishAsync("replica:r2", "for r2"u8.ToArray(), None);
        await onR2.WaitForCountAsync(1);
        await onR1.WaitForCountAsync(100);
        Assert.Equal(50, r1.ReceivedCount);   // one Redis delivery per message, fanned out to both local subscribers
        Assert.Equal(1, r2.ReceivedCount);    // none of r1's 50

        // The last local subscriber leaving unsubscribes in Redis.
        await s1.DisposeAsync();
        Assert.Equal(1, r1.RedisSubscriptionCount);
        await s1b.DisposeAsync();
        Assert.Equal(0, r1.RedisSubscriptionCount);
        await using ConnectionMultiplexer redis = await ConnectionMultiplexer.ConnectAsync(_configuration);
        RedisResult channels = await redis.GetDatabase().ExecuteAsync("PUBSUB", "CHANNELS", _prefix + "*");
        Assert.Equal([_prefix + "replica:r2"], ((RedisResult[])channels!).Select(c => c.ToString()));
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("")]
    [InlineData("ü")]
    public async Task InvalidChannelNames_AreRejected(string channel)
    {
        await using var backplane = new RedisMcpBackplane(RedisServer.Options(_configuration, _prefix));
        await Assert.ThrowsAsync<ArgumentException>(async () => await backplane.PublishAsync(channel, "x"u8.ToArray(), None));
        await Assert.ThrowsAsync<ArgumentException>(async () => await backplane.SubscribeAsync(channel, _ => ValueTask.CompletedTask, None));
    }

    [Theory]
    [InlineData("KeyPrefix", "RedisMcpOptions.KeyPrefix")]
    [InlineData("CommandTimeout", "RedisMcpOptions.CommandTimeout")]
    [InlineData("Configuration", "RedisMcpOptions.Configuration")]
    [InlineData("None", "needs a Configuration")]
    public void BadOptions_FailWithTheSettingsName(string bad, string expected)
    {
        var options = new RedisMcpOptions { Configuration = "127.0.0.1:1" };
        switch (bad)
        {
            case "KeyPrefix": options.KeyPrefix = "has {brace}"; break;
            case "CommandTimeout": options.CommandTimeout = TimeSpan.Zero; break;
            case "Configuration": options.Configuration = "127.0.0.1:1,nonsense=1"; break;
            case "None": options.Configuration = null; break;
        }

        ArgumentException error = Assert.ThrowsAny<ArgumentException>(() => new RedisMcpSessionStore(options));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Configuration_GetsTheOptionTimeoutsAndFailFast_UnlessItSetsItsOwn()
    {
        ConfigurationOptions plain = RedisMcpConnection.Configure(new RedisMcpOptions { Configuration = "127.0.0.1:6379", CommandTimeout = TimeSpan.FromSeconds(2) });
        Assert.Equal(2000, plain.AsyncTimeout);
        Assert.Equal(2000, plain.SyncTimeout);
        Assert.False(plain.AbortOnConnectFail);
        Assert.Same(BacklogPolicy.FailFast, plain.BacklogPolicy);
        ConfigurationOptions own = RedisMcpConnection.Configure(new RedisMcpOptions { Configuration = "127.0.0.1:6379,asyncTimeout=777,connectTimeout=888" });
        Assert.Equal(777, own.AsyncTimeout);
        Assert.Equal(888, own.ConnectTimeout);
    }

    [Fact]
    public async Task AddMcpGenRedis_FromTheMultiplexerInDi_SharesIt_AndAMissingOneFailsTheStartWithWhatToDo()
    {
        await using ConnectionMultiplexer shared = await ConnectionMultiplexer.ConnectAsync(_configuration);
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConnectionMultiplexer>(shared);
        services.AddMcpServerCore();
        services.AddMcpGenRedis(o => o.KeyPrefix = _prefix);
        await using (ServiceProvider provider = services.BuildServiceProvider())
        {
            IMcpSessionStore store = provider.GetRequiredService<IMcpSessionStore>();
            Assert.True(await store.CreateAsync(new McpSessionState("r1.di"), TimeSpan.FromMinutes(1), 0, None));
            Assert.NotNull(await store.GetAsync("r1.di", touch: true, None));
        }

        Assert.True(shared.IsConnected); // the application's multiplexer is not disposed with the store

        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddMcpGenRedis();
        using IHost host = builder.Build();
        InvalidOperationException error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());
        Assert.Contains("IConnectionMultiplexer", error.Message);
    }

    [Fact]
    public async Task CleanupService_InARealHost_RemovesExpiredSessionsAndTheirEvents()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddMcpGenRedis(_configuration, o =>
        {
            o.KeyPrefix = _prefix;
            o.CleanupInterval = TimeSpan.FromMilliseconds(300);
        });
        using IHost host = builder.Build();
        IMcpSessionStore store = host.Services.GetRequiredService<IMcpSessionStore>();
        Assert.True(await store.CreateAsync(new McpSessionState("r1.short"), TimeSpan.FromMilliseconds(200), 0, None));
        Assert.Equal(1, await store.AppendEventAsync("r1.short", "get", "{}"u8.ToArray(), last: false, 10, None));
        Assert.True(await store.CreateAsync(new McpSessionState("r1.long"), TimeSpan.FromMinutes(5), 0, None));
        await host.StartAsync();
        try
        {
            await Eventually.TrueAsync(
                () => !RedisServer.KeysAsync(_configuration, _prefix).GetAwaiter().GetResult().Any(k => k.Contains("r1.short", StringComparison.Ordinal)),
                TimeSpan.FromSeconds(10), "the cleanup deleting the expired session's keys");
            Assert.NotNull(await store.GetAsync("r1.long", touch: false, None));
        }
        finally
        {
            await host.StopAsync();
        }
    }
}
