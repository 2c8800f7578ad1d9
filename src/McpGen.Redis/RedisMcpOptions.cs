using System;
using StackExchange.Redis;

namespace McpGen.Redis;

/// <summary>
/// Where and how the Redis session store and backplane of store-backed McpGen servers connect. Checked when the store is
/// built (<c>AddMcpGenRedis</c> checks at registration, and again when the application starts).
/// </summary>
public sealed class RedisMcpOptions
{
    /// <summary>
    /// A StackExchange.Redis configuration string, e.g. <c>127.0.0.1:6379</c> or
    /// <c>redis-a:6379,redis-b:6379,password=...,ssl=true</c>. Used when <see cref="ConnectionMultiplexer"/> is
    /// <see langword="null"/>. McpGen adds its own timeouts (<see cref="ConnectTimeout"/>, <see cref="CommandTimeout"/>)
    /// unless the string sets <c>connectTimeout</c>, <c>syncTimeout</c> or <c>asyncTimeout</c>, and always
    /// <c>abortConnect=false</c> (the replica starts while Redis is down, and connects when it is back).
    /// </summary>
    public string? Configuration { get; set; }

    /// <summary>
    /// A multiplexer the application already built (shared with its cache or SignalR backplane). Its settings are used
    /// as they are and it is not disposed by McpGen. Build it with <c>AbortOnConnectFail = false</c> and
    /// <c>BacklogPolicy = BacklogPolicy.FailFast</c> so that requests during an outage fail at once instead of waiting
    /// for the command timeout.
    /// </summary>
    public IConnectionMultiplexer? ConnectionMultiplexer { get; set; }

    /// <summary>
    /// The prefix of every key and pub/sub channel McpGen uses, so that two applications can share one Redis.
    /// Printable ASCII without spaces or braces, 1 to 64 characters. Default <c>mcpgen:</c>.
    /// </summary>
    public string KeyPrefix { get; set; } = "mcpgen:";

    /// <summary>The Redis database number of the keys (pub/sub ignores it). Default -1: the connection's default (0).</summary>
    public int Database { get; set; } = -1;

    /// <summary>How often expired sessions (and their events) are deleted. Default 1 minute.</summary>
    public TimeSpan CleanupInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long one connection attempt may take (StackExchange.Redis <c>connectTimeout</c>). Default 5 seconds.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long one command may wait for its answer before the call fails with
    /// <see cref="McpGen.Sessions.McpStoreUnavailableException"/> (StackExchange.Redis <c>syncTimeout</c> and
    /// <c>asyncTimeout</c>). Default 3 seconds: a request during an outage gets its 503 well within 5 seconds.
    /// </summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// How long the health checks (<c>mcpgen-session-store</c>, <c>mcpgen-backplane</c>) wait for Redis before they report
    /// Unhealthy. Default 2 seconds.
    /// </summary>
    public TimeSpan HealthCheckTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The <c>Retry-After</c> that requests failing during a Redis outage are answered with. Default 2 seconds.</summary>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Checks the options; throws <see cref="ArgumentException"/> naming the first bad one and what to write instead.</summary>
    internal void Validate()
    {
        if (ConnectionMultiplexer is null && string.IsNullOrWhiteSpace(Configuration))
        {
            throw new ArgumentException("RedisMcpOptions needs a Configuration (e.g. \"127.0.0.1:6379\") or a ConnectionMultiplexer.");
        }

        if (ConnectionMultiplexer is null)
        {
            try
            {
                _ = ConfigurationOptions.Parse(Configuration!, ignoreUnknown: false);
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"RedisMcpOptions.Configuration '{Configuration}' is not a StackExchange.Redis configuration string ({e.Message}); write e.g. \"127.0.0.1:6379\" or \"host:6379,password=...\".", e);
            }
        }

        if (!IsPrefix(KeyPrefix))
        {
            throw new ArgumentException($"RedisMcpOptions.KeyPrefix '{KeyPrefix}' is not usable: use 1 to 64 printable ASCII characters without spaces or braces, e.g. \"mcpgen:\" or \"myapp:mcp:\".");
        }

        if (Database < -1)
        {
            throw new ArgumentException($"RedisMcpOptions.Database must be -1 (the connection's default) or a database number (it is {Database}).");
        }

        Positive(CleanupInterval, nameof(CleanupInterval));
        Positive(ConnectTimeout, nameof(ConnectTimeout));
        Positive(CommandTimeout, nameof(CommandTimeout));
        Positive(RetryAfter, nameof(RetryAfter));
        Positive(HealthCheckTimeout, nameof(HealthCheckTimeout));
    }

    /// <summary>A shallow copy, so that later changes of the caller's instance do not reach a running store.</summary>
    internal RedisMcpOptions Clone() => (RedisMcpOptions)MemberwiseClone();

    private static void Positive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero)
        {
            throw new ArgumentException($"RedisMcpOptions.{name} must be positive (it is {value}).");
        }
    }

    private static bool IsPrefix(string? prefix)
    {
        if (string.IsNullOrEmpty(prefix) || prefix.Length > 64)
        {
            return false;
        }

        foreach (char c in prefix)
        {
            if (c is <= ' ' or > '~' or '{' or '}')
            {
                return false;
            }
        }

        return true;
    }
}
