using System;
using System.Collections.Generic;
using System.Text.Json;

namespace McpGen;

/// <summary>Options for every McpGen endpoint of the application (configure with <c>AddMcpServer&lt;T&gt;(o => ...)</c>).</summary>
public sealed class McpServerOptions
{
    /// <summary>
    /// Serializer options for complex tool arguments and results. When <see langword="null"/> (the default), the
    /// ASP.NET Core HTTP JSON options are used (<c>ConfigureHttpJsonOptions</c>), so a <c>JsonSerializerContext</c>
    /// registered there serves minimal APIs and MCP tools alike.
    /// </summary>
    public JsonSerializerOptions? SerializerOptions { get; set; }

    /// <summary>The largest request body accepted, in bytes (413 beyond). Default 4 MiB.</summary>
    public long MaxRequestBodySize { get; set; } = 4 * 1024 * 1024;

    /// <summary>
    /// The deepest JSON nesting a message may have (400 with -32600 beyond). Default and highest value 128; argument
    /// binders and the digests of multi round-trip state read as deep.
    /// </summary>
    public int MaxJsonDepth { get; set; } = 128;

    /// <summary>
    /// The longest string (or member name) a message may hold, in UTF-8 bytes as sent (400 with -32602 beyond). Default
    /// 1 MiB. Bounds what one argument can make a handler hold, below <see cref="MaxRequestBodySize"/>.
    /// </summary>
    public int MaxStringLength { get; set; } = 1024 * 1024;

    /// <summary>
    /// The most messages in one JSON-RPC batch (only 2025-03-26 sessions may send batches); a larger batch gets 400 with
    /// -32600. Default 64.
    /// </summary>
    public int MaxBatchSize { get; set; } = 64;

    /// <summary>
    /// How long one read of the request body may wait for more bytes: a body that stops arriving gets 408 with a JSON-RPC
    /// error after this much silence (Kestrel's <c>MinRequestBodyDataRate</c> still cuts clients that trickle). Default
    /// 10 seconds; <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> leaves it to Kestrel.
    /// </summary>
    public TimeSpan BodyReadIdleTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Also serve Streamable HTTP POSTs sent to <c>{pattern}/sse</c>, the URL of the deprecated HTTP+SSE transport, for
    /// clients configured with that URL that speak Streamable HTTP. Off by default: such a POST gets 405 with
    /// <c>Allow: GET</c> and a JSON-RPC error naming the URL to POST to. When on, the POST goes through the regular
    /// pipeline with every check (Host and Origin, content negotiation, limits, sessions); GET <c>{pattern}/sse</c> stays
    /// the HTTP+SSE stream on servers with <c>LegacySse</c>.
    /// </summary>
    public bool ServeStreamableHttpOnSsePath { get; set; }

    /// <summary>
    /// How many items a <c>tools/list</c> page holds before <c>nextCursor</c> is used. Default 100. Cursors carry the
    /// offset and a fingerprint of the tool set, so any replica serving the same tools can continue a listing.
    /// </summary>
    public int PageSize { get; set; } = 100;

    /// <summary>
    /// Origins (scheme://host[:port]) allowed to call the endpoint from a browser. A request whose <c>Origin</c> header is
    /// present and not allowed gets 403; an absent <c>Origin</c> (non-browser clients) is always allowed. Entries match
    /// case-insensitively, ignoring a trailing slash; <c>*</c> allows any origin. When empty (the default), an origin is
    /// allowed if its host is the request's <c>Host</c> and, for a server reached on a loopback address, only loopback
    /// origins (<c>localhost</c>, <c>127.0.0.1</c>, <c>[::1]</c>, any port) are allowed. <c>Origin: null</c> is never allowed by default.
    /// </summary>
    public IList<string> AllowedOrigins { get; } = new List<string>();

    /// <summary>
    /// Host names (without port) the endpoint answers to; others get 403 (DNS-rebinding protection). Entries match
    /// case-insensitively; <c>*.example.com</c> allows subdomains of example.com and <c>*</c> allows any host. When empty
    /// (the default), a server reached on a loopback address answers only to <c>localhost</c>, <c>127.0.0.1</c> and
    /// <c>[::1]</c> (other loopback literals too), and any host otherwise (put host filtering in front of public deployments).
    /// </summary>
    public IList<string> AllowedHosts { get; } = new List<string>();

    /// <summary>How long clients may cache list results (<c>ttlMs</c> on 2026-07-28 lists). Default 5 minutes.</summary>
    public TimeSpan ListTimeToLive { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long the <c>requestState</c> of a multi round-trip request (2026-07-28 clients asked for input) stays valid: a
    /// retry after that gets -32602 and must start over. Default 10 minutes. The state is sealed with ASP.NET Core Data
    /// Protection: replicas that share the key ring (<c>AddDataProtection().PersistKeysTo...</c>) accept each other's.
    /// </summary>
    public TimeSpan RequestStateLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How long a replica that is stopping (SIGTERM, <c>IHostApplicationLifetime.ApplicationStopping</c>) waits for the
    /// requests in flight to finish, after it has stopped accepting sessions and ended its SSE streams with a retry hint.
    /// Default 10 seconds. <c>HostOptions.ShutdownTimeout</c> is raised to this plus 5 s when it is shorter; keep the
    /// orchestrator's grace period (Kubernetes <c>terminationGracePeriodSeconds</c>) above both.
    /// </summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Options of <c>initialize</c>-era sessions, for sticky and store-backed servers.</summary>
    public McpSessionOptions Sessions { get; } = new();

    /// <summary>Options of tasks (the 2026-07-28 Tasks extension): time to live, polling, per-principal limit, lease.</summary>
    public McpGen.Tasks.McpTaskOptions Tasks { get; } = new();

    /// <summary>
    /// Checks every limit at startup (<c>MapMcp</c>); throws <see cref="InvalidOperationException"/> listing each value out
    /// of range, with the range and the default, so a misconfiguration fails the start and not the first request.
    /// </summary>
    internal void Validate()
    {
        List<string> problems = Problems();
        if (problems.Count > 0)
        {
            throw new InvalidOperationException(Describe(problems));
        }
    }

    /// <summary>The message for <paramref name="problems"/>: one line each, with where options are set.</summary>
    internal static string Describe(IEnumerable<string> problems)
        => "McpGen options out of range (set in AddMcpServer<T>(o => ...), .Configure(...) or the configuration section bound with .BindConfiguration(...)):"
           + Environment.NewLine + "  " + string.Join(Environment.NewLine + "  ", problems);

    /// <summary>Every value out of range, each with its range and default; empty when all are valid.</summary>
    internal List<string> Problems()
    {
        var problems = new List<string>();
        void Check(bool ok, string name, object value, string range)
        {
            if (!ok)
            {
                problems.Add($"McpServerOptions.{name} is {value}; it must be {range}.");
            }
        }

        static bool IsTimeout(TimeSpan value) => value > TimeSpan.Zero || value == System.Threading.Timeout.InfiniteTimeSpan;

        Check(MaxRequestBodySize is > 0 and <= int.MaxValue, nameof(MaxRequestBodySize), MaxRequestBodySize, "between 1 and 2147483647 bytes (default 4 MiB)");
        Check(PageSize > 0, nameof(PageSize), PageSize, "at least 1 (default 100)");
        Check(MaxJsonDepth is > 0 and <= Protocol.JsonRpcMessageReader.MaxDepth, nameof(MaxJsonDepth), MaxJsonDepth, $"between 1 and {Protocol.JsonRpcMessageReader.MaxDepth} (the default)");
        Check(MaxStringLength > 0, nameof(MaxStringLength), MaxStringLength, "at least 1 byte (default 1 MiB)");
        Check(MaxBatchSize > 0, nameof(MaxBatchSize), MaxBatchSize, "at least 1 (default 64)");
        Check(IsTimeout(BodyReadIdleTimeout), nameof(BodyReadIdleTimeout), BodyReadIdleTimeout, "positive, or Timeout.InfiniteTimeSpan to leave it to Kestrel (default 10 s)");
        Check(ListTimeToLive >= TimeSpan.Zero, nameof(ListTimeToLive), ListTimeToLive, "zero or positive (default 5 min)");
        Check(RequestStateLifetime > TimeSpan.Zero, nameof(RequestStateLifetime), RequestStateLifetime, "positive (default 10 min)");
        Check(DrainTimeout >= TimeSpan.Zero, nameof(DrainTimeout), DrainTimeout, "zero (no wait) or positive (default 10 s)");
        McpSessionOptions sessions = Sessions;
        Check(sessions.MaxSessions >= 0, "Sessions.MaxSessions", sessions.MaxSessions, "0 (no limit) or more (default 10 000)");
        Check(sessions.MaxConcurrentCallsPerSession >= 0, "Sessions.MaxConcurrentCallsPerSession", sessions.MaxConcurrentCallsPerSession, "0 (no limit) or more (default 32)");
        Check(sessions.MaxStreamsPerSession >= 0, "Sessions.MaxStreamsPerSession", sessions.MaxStreamsPerSession, "0 (no limit) or more (default 8)");
        Check(sessions.EventLogCapacity > 0, "Sessions.EventLogCapacity", sessions.EventLogCapacity, "at least 1 (default 1000)");
        Check(sessions.IdleTimeout >= TimeSpan.Zero, "Sessions.IdleTimeout", sessions.IdleTimeout, "zero or positive (default 30 min)");
        Check(IsTimeout(sessions.ClientRequestTimeout), "Sessions.ClientRequestTimeout", sessions.ClientRequestTimeout, "positive or Timeout.InfiniteTimeSpan (default 10 min)");
        Check(sessions.StreamRetryInterval >= TimeSpan.Zero, "Sessions.StreamRetryInterval", sessions.StreamRetryInterval, "zero or positive (default 1 s)");
        Check(sessions.StoreCacheDuration >= TimeSpan.Zero, "Sessions.StoreCacheDuration", sessions.StoreCacheDuration, "zero or positive (default 5 s)");
        Check(sessions.CallLeaseDuration >= TimeSpan.FromMilliseconds(100), "Sessions.CallLeaseDuration", sessions.CallLeaseDuration, "at least 100 ms (default 15 s)");
        McpGen.Tasks.McpTaskOptions tasks = Tasks;
        Check(tasks.TimeToLive >= TimeSpan.FromSeconds(1) && tasks.TimeToLive.TotalMilliseconds <= int.MaxValue, "Tasks.TimeToLive", tasks.TimeToLive, "between 1 s and 24.8 days (default 1 h)");
        Check(tasks.PollInterval >= TimeSpan.FromMilliseconds(1) && tasks.PollInterval <= tasks.TimeToLive, "Tasks.PollInterval", tasks.PollInterval, "at least 1 ms and at most Tasks.TimeToLive (default 1 s)");
        Check(tasks.MaxLiveTasksPerPrincipal >= 0, "Tasks.MaxLiveTasksPerPrincipal", tasks.MaxLiveTasksPerPrincipal, "0 (no limit) or more (default 100)");
        Check(tasks.LeaseDuration >= TimeSpan.FromMilliseconds(300), "Tasks.LeaseDuration", tasks.LeaseDuration, "at least 300 ms (default 30 s)");
        Check(tasks.SweepInterval > TimeSpan.Zero, "Tasks.SweepInterval", tasks.SweepInterval, "positive (default 5 s)");
        Check(tasks.InputPollInterval > TimeSpan.Zero, "Tasks.InputPollInterval", tasks.InputPollInterval, "positive (default 1 s)");
        return problems;
    }
}
