using McpGen.PostgreSql.Tests.Infrastructure;
using McpGen.Tasks;

namespace McpGen.PostgreSql.Tests;

/// <summary>The contract against <see cref="InMemoryMcpTaskStore"/> (one process: a replica is the same instance).</summary>
public sealed class InMemoryTaskStoreContractTests : TaskStoreContractTests
{
    protected override Task<IMcpTaskStore> NewStoreAsync() => Task.FromResult<IMcpTaskStore>(new InMemoryMcpTaskStore());

    protected override IMcpTaskStore Replica(IMcpTaskStore store) => store;
}

/// <summary>The contract against <see cref="PostgreSqlMcpTaskStore"/>: a schema per test, a replica is a second store with its own pool.</summary>
public sealed class PostgreSqlTaskStoreContractTests : TaskStoreContractTests
{
    private readonly TestSchemas _schemas = new();
    private readonly Dictionary<IMcpTaskStore, string> _schemaOf = [];
    private readonly List<PostgreSqlMcpTaskStore> _stores = [];

    public override Task InitializeAsync() => _schemas.InitializeAsync();

    public override async Task DisposeAsync()
    {
        foreach (PostgreSqlMcpTaskStore store in _stores)
        {
            await store.DisposeAsync();
        }

        await _schemas.DisposeAsync();
    }

    protected override Task<IMcpTaskStore> NewStoreAsync() => Task.FromResult(Open(_schemas.NewName()));

    protected override IMcpTaskStore Replica(IMcpTaskStore store) => Open(_schemaOf[store]);

    private IMcpTaskStore Open(string schema)
    {
        var store = new PostgreSqlMcpTaskStore(PostgresServer.Options(_schemas.ConnectionString, schema));
        _stores.Add(store);
        _schemaOf[store] = schema;
        return store;
    }
}
