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

    /// <summary>Options of <c>initialize</c>-era sessions, for sticky and store-backed servers.</summary>
    public McpSessionOptions Sessions { get; } = new();
}
