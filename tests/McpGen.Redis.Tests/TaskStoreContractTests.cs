using McpGen.Redis.Tests.Infrastructure;
using McpGen.Tasks;

namespace McpGen.Redis.Tests;

/// <summary>The task store contract against <see cref="RedisMcpTaskStore"/>: a key prefix per test, a replica is a second store with its own multiplexer.</summary>
public sealed class RedisTaskStoreContractTests : TaskStoreContractTests
{
    private readonly Dictionary<IMcpTaskStore, string> _prefixOf = [];
    private readonly List<RedisMcpTaskStore> _stores = [];
    private string _configuration = "";

    public override async Task InitializeAsync() => _configuration = await RedisServer.ConfigurationAsync();

    public override async Task DisposeAsync()
    {
        foreach (RedisMcpTaskStore store in _stores)
        {
            await store.DisposeAsync();
        }

        foreach (string prefix in _prefixOf.Values.Distinct())
        {
            await RedisServer.DeleteKeysAsync(_configuration, prefix);
        }
    }

    protected override Task<IMcpTaskStore> NewStoreAsync() => Task.FromResult(Open(RedisServer.NewPrefix()));

    protected override IMcpTaskStore Replica(IMcpTaskStore store) => Open(_prefixOf[store]);

    private IMcpTaskStore Open(string prefix)
    {
        var store = new RedisMcpTaskStore(RedisServer.Options(_configuration, prefix));
        _stores.Add(store);
        _prefixOf[store] = prefix;
        return store;
    }
}
