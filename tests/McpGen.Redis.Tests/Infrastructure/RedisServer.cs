using StackExchange.Redis;

namespace McpGen.Redis.Tests.Infrastructure;

/// <summary>
/// The redis-server the tests share: started once per test run with <c>scripts/services/redis.sh start</c> (a private
/// instance on 127.0.0.1:56379, or MCPGEN_REDIS_PORT), so plain <c>dotnet test</c> works. Tests isolate themselves with
/// a key prefix each (<see cref="NewPrefix"/>).
/// </summary>
internal static class RedisServer
{
    private static readonly Lazy<Task<string>> Started = new(StartAsync);

    /// <summary>The StackExchange.Redis configuration string of the started instance.</summary>
    public static Task<string> ConfigurationAsync() => Started.Value;

    /// <summary>A key prefix no other test uses.</summary>
    public static string NewPrefix() => "t" + Guid.NewGuid().ToString("N")[..16] + ":";

    /// <summary>Options for a store or backplane under <paramref name="prefix"/> with test-friendly short timeouts.</summary>
    public static RedisMcpOptions Options(string configuration, string prefix) => new()
    {
        Configuration = configuration,
        KeyPrefix = prefix,
        ConnectTimeout = TimeSpan.FromSeconds(3),
        CommandTimeout = TimeSpan.FromSeconds(3),
    };

    /// <summary>Runs <c>scripts/services/redis.sh</c> with <paramref name="command"/>; throws with its output on failure.</summary>
    public static async Task<string> ScriptAsync(string command, IDictionary<string, string>? environment = null, TimeSpan? timeout = null)
    {
        ProcessRunner.Result result = await ProcessRunner.RunAsync(
            "bash", [RepoPaths.RedisScript, command], RepoPaths.Root, timeout ?? TimeSpan.FromMinutes(5), environment);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"scripts/services/redis.sh {command} failed: {result.Describe()}");
        }

        return result.StdOut.Trim();
    }

    /// <summary>Every key under <paramref name="prefix"/> (for tests that look at what the store left behind).</summary>
    public static async Task<string[]> KeysAsync(string configuration, string prefix)
    {
        await using ConnectionMultiplexer multiplexer = await ConnectionMultiplexer.ConnectAsync(configuration);
        IServer server = multiplexer.GetServer(multiplexer.GetEndPoints()[0]);
        var keys = new List<string>();
        await foreach (RedisKey key in server.KeysAsync(pattern: prefix + "*"))
        {
            keys.Add(key.ToString());
        }

        return [.. keys.Order(StringComparer.Ordinal)];
    }

    /// <summary>Deletes every key under <paramref name="prefix"/>.</summary>
    public static async Task DeleteKeysAsync(string configuration, string prefix)
    {
        await using ConnectionMultiplexer multiplexer = await ConnectionMultiplexer.ConnectAsync(configuration);
        IDatabase db = multiplexer.GetDatabase();
        foreach (string key in await KeysAsync(configuration, prefix))
        {
            await db.KeyDeleteAsync(key);
        }
    }

    private static async Task<string> StartAsync()
    {
        // The first run on a fresh machine may install redis-server from Debian packages here (install-test-deps.sh
        // normally did it already); later runs find the instance running and return at once.
        await ScriptAsync("start", timeout: TimeSpan.FromMinutes(10));
        return await ScriptAsync("url");
    }
}

/// <summary>
/// A disposable redis-server of one test, on its own port and directory, with the append-only file on (fsync per
/// write), for fault injection (stop, start) that must not disturb the shared instance. Destroyed on dispose.
/// </summary>
internal sealed class FaultRedis : IAsyncDisposable
{
    private readonly Dictionary<string, string> _environment;

    public FaultRedis()
    {
        Port = ProcessRunner.FreeLoopbackPort();
        _environment = new()
        {
            ["MCPGEN_REDIS_PORT"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["MCPGEN_REDIS_DIR"] = Path.Combine(Path.GetTempPath(), "mcpgen-redisfault-" + Guid.NewGuid().ToString("N")[..12]),
            ["MCPGEN_REDIS_AOF"] = "always",
        };
    }

    public int Port { get; }

    public string Configuration => $"127.0.0.1:{Port}";

    public Task StartAsync() => RedisServer.ScriptAsync("start", _environment, TimeSpan.FromMinutes(2));

    public Task StopAsync() => RedisServer.ScriptAsync("stop", _environment, TimeSpan.FromMinutes(1));

    public async ValueTask DisposeAsync() => await RedisServer.ScriptAsync("destroy", _environment, TimeSpan.FromMinutes(1));
}
