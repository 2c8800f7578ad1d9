using System;
using System.Threading;
using McpGen.Protocol;
using McpGen.Sessions;
using Microsoft.AspNetCore.Http;
using McpGen.ClientInput;
using McpGen.Dispatch;
using McpGen.Http;
using McpGen.Streaming;

namespace McpGen.Dispatch;

/// <summary>
/// Who sent one JSON-RPC message, as dispatch sees it: the HTTP request that carried it (its principal and its
/// request services, handed to handlers), the era, the session of an <c>initialize</c>-era request of a sticky or
/// store-backed server, and the transport it came on. Dispatch reads no HTTP header and writes no HTTP response
/// through it: headers are the HTTP layer's, answers go through <see cref="McpResponder"/>.
/// </summary>
internal readonly struct McpCaller
{
    public McpCaller(HttpContext http, McpEra era, SessionCall? session, bool httpSse = false)
    {
        Http = http;
        Era = era;
        Session = session;
        HttpSse = httpSse;
    }

    /// <summary>The HTTP request that carried the message (for HTTP+SSE, the POST to the message endpoint).</summary>
    public HttpContext Http { get; }

    /// <summary>The request's era and protocol version.</summary>
    public McpEra Era { get; }

    /// <summary>The session, for <c>initialize</c>-era requests of sticky and store-backed servers.</summary>
    public SessionCall? Session { get; }

    /// <summary>Whether the message came on the deprecated HTTP+SSE transport (answered on the session's stream).</summary>
    public bool HttpSse { get; }

    /// <summary>
    /// The Streamable HTTP headers that 2026-07-28 requests mirror (<c>Mcp-Name</c>, <c>Mcp-Param-*</c>); none on HTTP+SSE,
    /// which only 2024-11-05 clients use.
    /// </summary>
    public IHeaderDictionary? Headers => HttpSse ? null : Http.Request.Headers;

    /// <summary>
    /// Signals when the client that waits for the answer goes away: the POST's connection for Streamable HTTP; never for
    /// HTTP+SSE, whose answers travel on the session's stream (a session call ends by cancellation or with its session).
    /// </summary>
    public CancellationToken Aborted => HttpSse ? CancellationToken.None : Http.RequestAborted;

    /// <summary>What the client declared it supports: in <c>initialize</c> (kept in the session), or per request (2026-07-28).</summary>
    public ReadOnlyMemory<byte> SessionCapabilities => Session is { } call ? call.State.ClientCapabilities : default;
}
