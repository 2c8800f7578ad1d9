using System;
using System.Collections.Generic;
using McpGen.ClientInput;
using McpGen.Dispatch;
using McpGen.Http;
using McpGen.Streaming;

namespace McpGen.Sessions;

/// <summary>
/// Everything an <c>initialize</c>-era session needs between requests: what <c>initialize</c> negotiated, who owns the
/// session, what the client asked for since (log level, resource subscriptions) and small user data. Sticky servers keep
/// it in process; store-backed servers keep it in an <see cref="IMcpSessionStore"/> that every replica reads.
/// </summary>
/// <remarks>
/// Stores persist it with <see cref="McpSessionStateJson"/> (hand-written, trim- and AOT-safe). The object is a snapshot:
/// change it and call <see cref="IMcpSessionStore.UpdateAsync"/> to persist a change (optimistic concurrency: see <see cref="Version"/>).
/// </remarks>
public sealed class McpSessionState
{
    /// <summary>Creates a session snapshot.</summary>
    /// <param name="id">The <c>Mcp-Session-Id</c> value.</param>
    public McpSessionState(string id)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        Id = id;
    }

    /// <summary>The <c>Mcp-Session-Id</c> value: <c>{routeKey}.{random}</c>, visible ASCII.</summary>
    public string Id { get; }

    /// <summary>The replica that created the session (the route key in its id).</summary>
    public string RouteKey { get; set; } = "";

    /// <summary>
    /// A digest of the authenticated principal that ran <c>initialize</c> (empty when anonymous). Requests of another
    /// principal get 403.
    /// </summary>
    public string PrincipalKey { get; set; } = "";

    /// <summary>The protocol version <c>initialize</c> negotiated.</summary>
    public string ProtocolVersion { get; set; } = "";

    /// <summary>The client's <c>capabilities</c> object from <c>initialize</c>, as raw UTF-8 JSON (<c>{}</c> when absent).</summary>
    public ReadOnlyMemory<byte> ClientCapabilities { get; set; } = "{}"u8.ToArray();

    /// <summary>The client's <c>clientInfo</c> from <c>initialize</c>.</summary>
    public McpClientInfo? ClientInfo { get; set; }

    /// <summary>The level set by <c>logging/setLevel</c>; <see langword="null"/> until the client sets one (info is then used).</summary>
    public McpLogLevel? LogLevel { get; set; }

    /// <summary>
    /// Resource URIs the client subscribed to with <c>resources/subscribe</c>. Safe to change from concurrent requests of
    /// the session; enumeration walks a snapshot.
    /// </summary>
    public ISet<string> Subscriptions { get; } = new SynchronizedSet(StringComparer.Ordinal);

    /// <summary>Small application values kept with the session (keys and values are strings; safe for concurrent requests).</summary>
    public IDictionary<string, string> Items { get; } = new System.Collections.Concurrent.ConcurrentDictionary<string, string>(StringComparer.Ordinal);

    /// <summary>When the session was created.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When a request of the session was last served (sliding idle expiry starts here).</summary>
    public DateTimeOffset LastSeenAt { get; set; }

    /// <summary>
    /// The store's version of this snapshot (0 when created). <see cref="IMcpSessionStore.UpdateAsync"/> writes only over
    /// the same version and then moves it on, so a change made from an older snapshot is refused, not lost silently.
    /// </summary>
    public long Version { get; set; }
}
