using Npgsql;

namespace McpGen.PostgreSql.Tests.Infrastructure;

/// <summary>
/// The PostgreSQL the tests share: started once per test run with <c>scripts/services/postgres.sh start</c> (a private
/// cluster on 127.0.0.1:55432, or MCPGEN_PG_PORT), so plain <c>dotnet test</c> works. Tests isolate themselves with a
/// schema each (<see cref="TestSchemas"/>).
/// </summary>
internal static class PostgresServer
{
    private static readonly Lazy<Task<string>> Started = new(StartAsync);

    /// <summary>The Npgsql connection string of the started cluster.</summary>
    public static Task<string> ConnectionStringAsync() => Started.Value;

    /// <summary>Runs <c>scripts/services/postgres.sh</c> with <paramref name="command"/>; throws with its output on failure.</summary>
    public static async Task<string> ScriptAsync(string command, IDictionary<string, string>? environment = null, TimeSpan? timeout = null)
    {
        ProcessRunner.Result result = await ProcessRunner.RunAsync(
            "bash", [RepoPaths.PostgresScript, command], RepoPaths.Root, timeout ?? TimeSpan.FromMinutes(5), environment);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"scripts/services/postgres.sh {command} failed: {result.Describe()}");
        }

        return result.StdOut.Trim();
    }

    /// <summary>Options for a store or backplane on <paramref name="schema"/> with test-friendly short timeouts.</summary>
    public static PostgreSqlMcpOptions Options(string connectionString, string schema) => new()
    {
        ConnectionString = connectionString,
        SchemaName = schema,
        ConnectTimeout = TimeSpan.FromSeconds(3),
        CommandTimeout = TimeSpan.FromSeconds(10),
    };

    private static async Task<string> StartAsync()
    {
        // The first run on a fresh machine may install PostgreSQL from Debian packages here (install-test-deps.sh
        // normally did it already); later runs find the cluster running and return at once.
        await ScriptAsync("start", timeout: TimeSpan.FromMinutes(10));
        string connectionString = await ScriptAsync("url");
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync().WaitAsync(TimeSpan.FromSeconds(30));
        return connectionString;
    }
}

/// <summary>Unique schemas for one test class, dropped (with everything in them) when the class is done.</summary>
internal sealed class TestSchemas : IAsyncDisposable
{
    private readonly List<string> _created = [];

    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync() => ConnectionString = await PostgresServer.ConnectionStringAsync();

    /// <summary>A schema name no other test uses (the store creates the schema on first use).</summary>
    public string NewName()
    {
        string name = "t_" + Guid.NewGuid().ToString("N")[..20];
        lock (_created)
        {
            _created.Add(name);
        }

        return name;
    }

    /// <summary>Runs one SQL statement against the test database and returns the first column of the first row.</summary>
    public async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (ConnectionString.Length == 0)
        {
            return;
        }

        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        foreach (string schema in _created)
        {
            await using var command = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE", connection);
            await command.ExecuteNonQueryAsync();
        }
    }
}

/// <summary>
/// A disposable PostgreSQL cluster of one test, on its own port and directory, for fault injection (stop, start) that
/// must not disturb the shared cluster. Destroyed (stopped, directory deleted) on dispose.
/// </summary>
internal sealed class FaultCluster : IAsyncDisposable
{
    private readonly Dictionary<string, string> _environment;

    public FaultCluster()
    {
        Port = ProcessRunner.FreeLoopbackPort();
        _environment = new()
        {
            ["MCPGEN_PG_PORT"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["MCPGEN_PG_DIR"] = Path.Combine(Path.GetTempPath(), "mcpgen-pgfault-" + Guid.NewGuid().ToString("N")[..12]),
        };
    }

    public int Port { get; }

    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=mcpgen";

    public Task StartAsync() => PostgresServer.ScriptAsync("start", _environment, TimeSpan.FromMinutes(2));

    public Task StopAsync() => PostgresServer.ScriptAsync("stop", _environment, TimeSpan.FromMinutes(1));

    public async ValueTask DisposeAsync() => await PostgresServer.ScriptAsync("destroy", _environment, TimeSpan.FromMinutes(1));
}
