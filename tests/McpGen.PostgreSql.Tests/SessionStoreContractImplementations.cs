using McpGen.PostgreSql.Tests.Infrastructure;
using McpGen.Sessions;

namespace McpGen.PostgreSql.Tests;

/// <summary>The contract against <see cref="InMemoryMcpSessionStore"/> (one process: a replica is the same instance).</summary>
public sealed class InMemorySessionStoreContractTests : SessionStoreContractTests
{
    protected override Task<IMcpSessionStore> NewStoreAsync() => Task.FromResult<IMcpSessionStore>(new InMemoryMcpSessionStore());

    protected override IMcpSessionStore Replica(IMcpSessionStore store) => store;
}

/// <summary>The contract against <see cref="PostgreSqlMcpSessionStore"/>: a schema per test, a replica is a second store with its own pool.</summary>
public sealed class PostgreSqlSessionStoreContractTests : SessionStoreContractTests
{
    private readonly TestSchemas _schemas = new();
    private readonly Dictionary<IMcpSessionStore, string> _schemaOf = [];
    private readonly List<PostgreSqlMcpSessionStore> _stores = [];

    public override Task InitializeAsync() => _schemas.InitializeAsync();

    public override async Task DisposeAsync()
    {
        foreach (PostgreSqlMcpSessionStore store in _stores)
        {
            await store.DisposeAsync();
        }

        await _schemas.DisposeAsync();
    }

    protected override Task<IMcpSessionStore> NewStoreAsync() => Task.FromResult(Open(_schemas.NewName()));

    protected override IMcpSessionStore Replica(IMcpSessionStore store) => Open(_schemaOf[store]);

    private IMcpSessionStore Open(string schema)
    {
        var store = new PostgreSqlMcpSessionStore(PostgresServer.Options(_schemas.ConnectionString, schema));
        _stores.Add(store);
        _schemaOf[store] = schema;
        return store;
    }
}
