using McpGen.PostgreSql.Tests.Infrastructure;
using McpGen.Sessions;

namespace McpGen.PostgreSql.Tests;

/// <summary>The contract against <see cref="InMemoryMcpBackplane"/> (one process: a replica is the same instance).</summary>
public sealed class InMemoryBackplaneContractTests : BackplaneContractTests
{
    protected override Task<IMcpBackplane> NewBackplaneAsync() => Task.FromResult<IMcpBackplane>(new InMemoryMcpBackplane());

    protected override IMcpBackplane Replica(IMcpBackplane backplane) => backplane;
}

/// <summary>
/// The contract against <see cref="PostgreSqlMcpBackplane"/>: a schema (and so a NOTIFY channel) per test, a replica is a
/// second backplane with its own pool and LISTEN connection.
/// </summary>
public sealed class PostgreSqlBackplaneContractTests : BackplaneContractTests
{
    private readonly TestSchemas _schemas = new();
    private readonly Dictionary<IMcpBackplane, string> _schemaOf = [];
    private readonly List<PostgreSqlMcpBackplane> _backplanes = [];

    public override Task InitializeAsync() => _schemas.InitializeAsync();

    public override async Task DisposeAsync()
    {
        foreach (PostgreSqlMcpBackplane backplane in _backplanes)
        {
            await backplane.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        }

        await _schemas.DisposeAsync();
    }

    protected override Task<IMcpBackplane> NewBackplaneAsync() => Task.FromResult(Open(_schemas.NewName()));

    protected override IMcpBackplane Replica(IMcpBackplane backplane) => Open(_schemaOf[backplane]);

    protected override int InlinePayloadLimit(string channel) => PostgreSqlMcpBackplane.MaxInlineBytes - channel.Length - 1;

    private IMcpBackplane Open(string schema)
    {
        var backplane = new PostgreSqlMcpBackplane(PostgresServer.Options(_schemas.ConnectionString, schema));
        _backplanes.Add(backplane);
        _schemaOf[backplane] = schema;
        return backplane;
    }
}
