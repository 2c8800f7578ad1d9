using System;
using Microsoft.Extensions.Logging;
using McpGen.ClientInput;
using McpGen.Dispatch;
using McpGen.Http;
using McpGen.Streaming;

namespace McpGen.Http;

/// <summary>The endpoint's log messages (source-generated).</summary>
internal static partial class McpEndpointLog
{
    [LoggerMessage(1, LogLevel.Debug, "MCP request rejected with HTTP {StatusCode}, JSON-RPC {ErrorCode}: {Reason}")]
    public static partial void RequestRejected(ILogger logger, int statusCode, int errorCode, string reason);

    [LoggerMessage(5, LogLevel.Debug, "MCP progress stream ended early: the client went away.")]
    public static partial void StreamAborted(ILogger logger, Exception exception);

    [LoggerMessage(7, LogLevel.Warning, "MCP server '{ServerName}' asks for session mode {SessionMode}; this runtime serves it statelessly (no Mcp-Session-Id, no GET stream).")]
    public static partial void SessionModeNotSupported(ILogger logger, string serverName, McpSessionMode sessionMode);

    [LoggerMessage(6, LogLevel.Debug, "MCP request body not read: the client went away or sent a malformed body.")]
    public static partial void BodyAborted(ILogger logger);

    [LoggerMessage(8, LogLevel.Error, "MCP {Kind} '{Name}' failed; the client was told only that an error occurred.")]
    public static partial void HandlerFailed(ILogger logger, string kind, string name, Exception exception);

    [LoggerMessage(9, LogLevel.Debug, "MCP {Kind} '{Name}' reported an error to the client: {Message}")]
    public static partial void HandlerReportedError(ILogger logger, string kind, string name, string message);

    [LoggerMessage(10, LogLevel.Debug, "MCP {Kind} '{Name}' was cancelled: the client went away.")]
    public static partial void HandlerCancelled(ILogger logger, string kind, string name);

    [LoggerMessage(11, LogLevel.Debug, "MCP {Method} for '{Uri}' acknowledged, but this stateless endpoint keeps no subscriptions: no notifications/resources/updated will be sent (there is no session and no GET stream).")]
    public static partial void SubscriptionNotKept(ILogger logger, string method, string uri);

    [LoggerMessage(12, LogLevel.Debug, "MCP logging/setLevel '{Level}' acknowledged, but this stateless endpoint keeps no session: initialize-era requests always log at info and above.")]
    public static partial void LogLevelNotKept(ILogger logger, string level);

    [LoggerMessage(13, LogLevel.Information, "MCP session {SessionId} is at its limit of {Limit} concurrent calls; a call got 429 (McpServerOptions.Sessions.MaxConcurrentCallsPerSession).")]
    public static partial void SessionCallLimit(ILogger logger, string sessionId, int limit);

    [LoggerMessage(14, LogLevel.Information, "MCP session {SessionId} is at its limit of {Limit} open GET streams; a GET got 429 (McpServerOptions.Sessions.MaxStreamsPerSession).")]
    public static partial void SessionStreamLimit(ILogger logger, string sessionId, int limit);
}
