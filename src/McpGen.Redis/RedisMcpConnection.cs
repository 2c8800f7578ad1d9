using System;
using System.IO;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using McpGen.Sessions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace McpGen.Redis;

/// <summary>
/// The Redis side shared by the store and the backplane of one process: the multiplexer (built on first use from
/// <see cref="RedisMcpOptions.Configuration"/>, or the application's), the key names, and the one place where a failure
/// is judged "Redis unavailable" (<see cref="McpStoreUnavailableException"/>, 503 + <c>Retry-After</c>) or "a bug"
/// (rethrown as it is).
/// </summary>
internal sealed class RedisMcpConnection : IAsyncDisposable, IDisposable
{
    private readonly Lazy<Task<IConnectionMultiplexer>> _multiplexer;
    private readonly bool _ownsMultiplexer;
    private int _disposed;

    public RedisMcpConnection(RedisMcpOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options = options.Clone();
        options.Validate();
        Options = options;
        Prefix = options.KeyPrefix;
        if (options.ConnectionMultiplexer is { } given)
        {
            _multiplexer = new(Task.FromResult(given));
            Where = $"Redis at {given.Configuration}";
        }
        else
        {
            ConfigurationOptions configuration = Configure(options);
            _ownsMultiplexer = true;
            _multiplexer = new(() => ConnectAsync(configuration), LazyThreadSafetyMode.ExecutionAndPublication);
            Where = $"Redis at {string.Join(",", configuration.EndPoints)}";
        }
    }

    public RedisMcpOptions Options { get; }

    /// <summary>The key and channel prefix (<see cref="RedisMcpOptions.KeyPrefix"/>).</summary>
    public string Prefix { get; }

    /// <summary>What error messages name: the Redis endpoints.</summary>
    public string Where { get; }

    /// <summary>The multiplexer once it was built (for tests and health checks), else <see langword="null"/>.</summary>
    public IConnectionMultiplexer? Current => _multiplexer.IsValueCreated && _multiplexer.Value.IsCompletedSuccessfully ? _multiplexer.Value.Result : null;

    /// <summary>The configuration McpGen builds its own multiplexer with: the options' timeouts unless the string sets its own, fail-fast while disconnected.</summary>
    internal static ConfigurationOptions Configure(RedisMcpOptions options)
    {
        string text = options.Configuration!;
        ConfigurationOptions configuration = ConfigurationOptions.Parse(text, ignoreUnknown: false);
        configuration.AbortOnConnectFail = false;
        if (!Sets(text, "connectTimeout"))
        {
            configuration.ConnectTimeout = Milliseconds(options.ConnectTimeout);
        }

        if (!Sets(text, "syncTimeout"))
        {
            configuration.SyncTimeout = Milliseconds(options.CommandTimeout);
        }

        if (!Sets(text, "asyncTimeout"))
        {
            configuration.AsyncTimeout = Milliseconds(options.CommandTimeout);
        }

        if (!Sets(text, "name"))
        {
            configuration.ClientName = "McpGen";
        }

        // A request during an outage fails at once (503 + Retry-After) instead of queueing until its timeout.
        configuration.BacklogPolicy = BacklogPolicy.FailFast;
        return configuration;
    }

    /// <summary>A database handle; throws <see cref="McpStoreUnavailableException"/> when no connection is up.</summary>
    public async ValueTask<IDatabase> DatabaseAsync()
    {
        IConnectionMultiplexer multiplexer = await MultiplexerAsync().ConfigureAwait(false);
        return multiplexer.GetDatabase(Options.Database);
    }

    /// <summary>The multiplexer, connected; throws <see cref="McpStoreUnavailableException"/> when it is not (it keeps reconnecting by itself).</summary>
    public async ValueTask<IConnectionMultiplexer> MultiplexerAsync()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        IConnectionMultiplexer multiplexer;
        try
        {
            multiplexer = await _multiplexer.Value.ConfigureAwait(false);
        }
        catch (Exception e) when (IsUnavailable(e))
        {
            throw Unavailable(e);
        }

        if (!multiplexer.IsConnected)
        {
            throw Unavailable(new NotConnectedException());
        }

        return multiplexer;
    }

    /// <summary>
    /// Runs one Redis operation. A failure to reach Redis (no connection, a timeout, a server that is loading, read-only
    /// after a failover, or out of clients) becomes <see cref="McpStoreUnavailableException"/>; nothing is retried here
    /// (the client retries after <c>Retry-After</c>).
    /// </summary>
    public async ValueTask<T> RunAsync<T, TState>(TState state, Func<IDatabase, TState, Task<T>> operation, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        IDatabase database = await DatabaseAsync().ConfigureAwait(false);
        try
        {
            return await operation(database, state).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && IsUnavailable(e))
        {
            throw Unavailable(e);
        }
    }

    /// <summary>
    /// The health of Redis for <paramref name="what"/> (the session store, the backplane): one <c>PING</c> bounded by
    /// <see cref="RedisMcpOptions.HealthCheckTimeout"/>. Unhealthy names Redis and the error.
    /// </summary>
    public async Task<HealthCheckResult> ProbeAsync(string what, HealthStatus failure, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Options.HealthCheckTimeout);
        try
        {
            TimeSpan latency = await RunAsync(0, static (db, _) => db.PingAsync(), timeout.Token).ConfigureAwait(false);
            return HealthCheckResult.Healthy($"McpGen {what}: {Where} answers ({latency.TotalMilliseconds:0.#} ms).");
        }
        catch (OperationCanceledException e) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return new(failure, $"McpGen {what}: {Where} did not answer within {Options.HealthCheckTimeout.TotalSeconds:0.#} s (RedisMcpOptions.HealthCheckTimeout). Check that Redis is up and reachable from this replica.", e);
        }
        catch (McpStoreUnavailableException e)
        {
            return new(failure, $"McpGen {what}: " + e.Message, e);
        }
    }

    /// <summary>Whether <paramref name="exception"/> means Redis cannot be reached or cannot serve now.</summary>
    public static bool IsUnavailable(Exception exception) => exception switch
    {
        RedisConnectionException or RedisTimeoutException or TimeoutException => true,
        RedisServerException server => server.Kind is RedisErrorKind.Loading or RedisErrorKind.ReadOnly or RedisErrorKind.MasterDown
            or RedisErrorKind.Busy or RedisErrorKind.TryAgain or RedisErrorKind.ClusterDown or RedisErrorKind.MaxClients
            or RedisErrorKind.NoReplicas,
        SocketException or IOException => true,
        McpStoreUnavailableException => true,
        _ => false,
    };

    /// <summary>The exception a request gets when Redis is down: it names Redis and what to do.</summary>
    public McpStoreUnavailableException Unavailable(Exception cause)
    {
        if (cause is McpStoreUnavailableException already)
        {
            return already;
        }

        return new McpStoreUnavailableException(
            $"The MCP session store is unavailable ({Where}): {cause.Message}. Retry after {Options.RetryAfter.TotalSeconds:0.#} s; if this persists, check that Redis is up and reachable from this replica.",
            cause)
        {
            RetryAfter = Options.RetryAfter,
        };
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_ownsMultiplexer && _multiplexer.IsValueCreated)
        {
            try
            {
                IConnectionMultiplexer multiplexer = await _multiplexer.Value.ConfigureAwait(false);
                await multiplexer.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (IsUnavailable(e))
            {
                // It never connected: nothing to close.
            }
        }
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>What a call finds when the multiplexer has no connection up.</summary>
    private sealed class NotConnectedException() : IOException("no connection to Redis is up (it reconnects by itself)");

    private static async Task<IConnectionMultiplexer> ConnectAsync(ConfigurationOptions configuration)
        => await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(configuration).ConfigureAwait(false);

    private static bool Sets(string configuration, string key)
    {
        foreach (string part in configuration.Split(','))
        {
            int equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0 && part.AsSpan(0, equals).Trim().Equals(key, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static int Milliseconds(TimeSpan value) => (int)Math.Clamp(Math.Ceiling(value.TotalMilliseconds), 1, int.MaxValue);
}
