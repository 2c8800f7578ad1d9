using System;

namespace McpGen;

/// <summary>
/// Options of <c>initialize</c>-era sessions (sticky and store-backed servers), under
/// <see cref="McpServerOptions.Sessions"/>. Stateless servers ignore them.
/// </summary>
public sealed class McpSessionOptions
{
    /// <summary>How long a session lives without a request (sliding). Default 30 minutes; an open GET stream keeps it alive.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>The most live sessions; <c>initialize</c> beyond it gets 503 with <c>Retry-After</c>. Default 10 000 (0: no limit).</summary>
    public int MaxSessions { get; set; } = 10_000;

    /// <summary>
    /// This replica's route key, the first part of every session id it issues (<c>{replicaId}.{random}</c>), so a load
    /// balancer or gateway can route a session to the replica that owns it. ASCII letters, digits and <c>-</c>, at most 32.
    /// Default: the <c>MCPGEN_REPLICA_ID</c> environment variable, else the machine name.
    /// </summary>
    public string? ReplicaId { get; set; }

    /// <summary>
    /// The most calls one session may run at once on a replica (requests of a batch count one each); one more gets 429
    /// with <c>Retry-After</c> and a JSON-RPC error. Default 32 (0: no limit).
    /// </summary>
    public int MaxConcurrentCallsPerSession { get; set; } = 32;

    /// <summary>
    /// The most GET streams (the standalone stream and resumed streams) one session may hold open at once on a replica;
    /// one more gets 429 with <c>Retry-After</c> and a JSON-RPC error. Default 8 (0: no limit).
    /// </summary>
    public int MaxStreamsPerSession { get; set; } = 8;

    /// <summary>How many events of each SSE stream are kept for resumption with <c>Last-Event-ID</c>. Default 1000.</summary>
    public int EventLogCapacity { get; set; } = 1000;

    /// <summary>How long a server-to-client request (elicitation, sampling, roots) waits for the client's answer. Default 10 minutes.</summary>
    public TimeSpan ClientRequestTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The <c>retry</c> (reconnect delay) sent to 2025-11-25 clients before the server closes a stream. Default 1 second.</summary>
    public TimeSpan StreamRetryInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a replica of a store-backed server reuses a session it loaded from the store before loading it again.
    /// Default 5 seconds; <see cref="TimeSpan.Zero"/> loads the session on every request. A change (log level,
    /// subscriptions) or the end of a session evicts the copies on every replica at once through the backplane, so the
    /// duration only bounds staleness when the backplane is down, and how late the idle expiry slides (at most this much).
    /// </summary>
    public TimeSpan StoreCacheDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a replica's lease on the calls it runs lasts without renewal (store-backed servers; renewed every third of
    /// it while a call runs). A client that resumes a call's stream on another replica after the replica running the call
    /// died gets the stream's logged events and then, within this time, a JSON-RPC error for the call (the worker replica
    /// was lost; retry if safe) instead of waiting forever. Default 15 seconds; at least 100 ms. Replicas' clocks must
    /// agree to well within it.
    /// </summary>
    public TimeSpan CallLeaseDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Serve a request that carries no <c>Mcp-Session-Id</c> statelessly when it needs no session (<c>tools/list</c>, a
    /// tool without server-to-client traffic), with a warning log, instead of 400: for clients and proxies that drop the
    /// header. Off by default.
    /// </summary>
    public bool SessionlessFallback { get; set; }
}
