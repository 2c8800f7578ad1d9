using System;
using System.Threading.Tasks;
using McpGen.Protocol;
using Microsoft.AspNetCore.Http;

namespace McpGen.Sessions;

/// <summary>
/// Creates a session for <c>initialize</c> (bound to the caller's identity, its id carrying this replica's route key)
/// and finds the session a request names in <c>Mcp-Session-Id</c>: 400 when absent or malformed, 404 when unknown,
/// expired or ended (saying why sessions get lost and what fixes it), 403 when it belongs to another principal.
/// </summary>
internal sealed class SessionResolver(McpSessionMode mode, McpSessionOptions options, CachedSessionStore sessions, string replicaId)
{
    /// <summary>Creates a session for an <c>initialize</c> request; <see langword="null"/> when the session limit is reached.</summary>
    public async ValueTask<McpSessionState?> CreateAsync(HttpContext context, string protocolVersion, ReadOnlyMemory<byte> capabilities, McpClientInfo? clientInfo)
    {
        var session = new McpSessionState(McpSessionIds.New(replicaId))
        {
            RouteKey = replicaId,
            PrincipalKey = McpSessionIds.PrincipalKey(context.User),
            ProtocolVersion = protocolVersion,
            ClientCapabilities = capabilities.IsEmpty ? "{}"u8.ToArray() : capabilities.ToArray(),
            ClientInfo = clientInfo,
            CreatedAt = DateTimeOffset.UtcNow,
        };
        bool created = await sessions.Store.CreateAsync(session, options.IdleTimeout, options.MaxSessions, context.RequestAborted).ConfigureAwait(false);
        if (created)
        {
            McpTelemetry.SessionStarted();
        }

        return created ? session : null;
    }

    /// <summary>
    /// Finds the session a request names in <c>Mcp-Session-Id</c>: 400 when absent or malformed, 404 when unknown, expired
    /// or ended, 403 when it belongs to another principal.
    /// </summary>
    public async ValueTask<SessionLookup> ResolveAsync(HttpContext context, bool touch = true)
    {
        string? id = context.Request.Headers[McpSessionRuntime.SessionHeader].ToString();
        if (string.IsNullOrEmpty(id))
        {
            return new(null, new McpError(400, JsonRpcErrorCodes.InvalidRequest,
                "Bad request: missing Mcp-Session-Id header. This server keeps sessions: send initialize first, then send the "
                + "Mcp-Session-Id value from its response on every request. If a proxy strips the header, let it through, or use "
                + "a stateless server."));
        }

        if (!McpSessionIds.IsWellFormed(id))
        {
            return new(null, new McpError(400, JsonRpcErrorCodes.InvalidRequest,
                $"Bad request: Mcp-Session-Id must be 1 to {McpSessionIds.MaxLength} visible ASCII characters. Send the value from the initialize response unchanged."));
        }

        McpSessionState? session = await sessions.LoadAsync(id, touch, context.RequestAborted).ConfigureAwait(false);
        if (session is null)
        {
            return new(null, new McpError(404, JsonRpcErrorCodes.InvalidRequest, SessionNotFound(id)));
        }

        if (!string.Equals(session.PrincipalKey, McpSessionIds.PrincipalKey(context.User), StringComparison.Ordinal))
        {
            return new(null, new McpError(403, JsonRpcErrorCodes.InvalidRequest,
                "Forbidden: this MCP session belongs to another user. Send initialize to start a session of your own."));
        }

        return new(session, null);
    }

    private string SessionNotFound(string id)
    {
        ReadOnlySpan<char> route = McpSessionIds.RouteKeyOf(id);
        string where = mode == McpSessionMode.Sticky && !route.IsEmpty && !route.SequenceEqual(replicaId)
            ? $" It was issued by replica '{route}' and this is replica '{replicaId}': sessions of a sticky server live on the replica that created them, so the load balancer must route on Mcp-Session-Id (affinity), or use Session = McpSessionMode.Store or a stateless server."
            : mode == McpSessionMode.Sticky
                ? " Sessions of a sticky server live in one replica's memory and end when it restarts, when idle too long or when deleted."
                : " It expired after being idle, was deleted, or never existed.";
        return "Session not found: the Mcp-Session-Id is unknown, expired or ended." + where
            + " Start a new session: send initialize again without the header.";
    }

}
