using McpGen.Redis.Tests.Infrastructure;
using McpGen.Sessions;

namespace McpGen.Redis.Tests;

/// <summary>The store contract against <see cref="RedisMcpSessionStore"/>: a key prefix per test, a replica is a second store with its own multiplexer.</summary>
public sealed class RedisSessionStoreContractTests : SessionStoreContractTests
{
    private readonly Dictionary<IMcpSessionStore, string> _prefixOf = [];
    private readonly List<RedisMcpSessionStore> _stores = [];
    private string _configuration = "";

    public override async Task InitializeAsync() => _configuration = await RedisServer.ConfigurationAsync();

    public override async Task DisposeAsync()
    {
        foreach (RedisMcpSessionStore store in _stores)
        {
            await store.DisposeAsync();
        }

        foreach (string prefix in _prefixOf.Values.Distinct())
        {
            await RedisServer.DeleteKeysAsync(_configuration, prefix);
        }
    }

    protected override Task<IMcpSessionStore> NewStoreAsync() => Task.FromResult(Open(RedisServer.NewPrefix()));

    protected override IMcpSessionStore Replica(IMcpSessionStore store) => Open(_prefixOf[store]);

    private IMcpSessionStore Open(string prefix)
    {
        var store = new RedisMcpSessionStore(RedisServer.Options(_configuration, prefix));
        _stores.Add(store);
        _prefixOf[store] = prefix;
        return store;
    }
}

/// <summary>The backplane contract against <see cref="RedisMcpBackplane"/>: a channel prefix per test, a replica is a second backplane with its own multiplexer.</summary>
public sealed class RedisBackplaneContractTests : BackplaneContractTests
{
    private readonly Dictionary<IMcpBackplane, string> _prefixOf = [];
    private readonly List<RedisMcpBackplane> _backplanes = [];
    private string _configuration = "";

    public override async Task InitializeAsync() => _configuration = await RedisServer.ConfigurationAsync();

    public override async Task DisposeAsync()
    {
        foreach (RedisMcpBackplane backplane in _backplanes)
        {
            await backplane.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    protected override Task<IMcpBackplane> NewBackplaneAsync() => Task.FromResult(Open(RedisServer.NewPrefix()));

    protected override IMcpBackplane Replica(IMcpBackplane backplane) => Open(_prefixOf[backplane]);

    private IMcpBackplane Open(string prefix)
    {
        var backplane = new RedisMcpBackplane(RedisServer.Options(_configuration, prefix));
        _backplanes.Add(backplane);
        _prefixOf[backplane] = prefix;
        return backplane;
    }
}
