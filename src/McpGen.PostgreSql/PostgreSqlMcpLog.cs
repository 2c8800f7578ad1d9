using System;
using Microsoft.Extensions.Logging;

namespace McpGen.PostgreSql;

/// <summary>The PostgreSQL store's and backplane's log messages (source-generated).</summary>
internal static partial class PostgreSqlMcpLog
{
    [LoggerMessage(1, LogLevel.Warning, "MCP backplane lost its LISTEN connection; reconnecting in {Delay}. Messages published meanwhile do not reach this replica.")]
    public static partial void ListenLost(ILogger logger, TimeSpan delay, Exception exception);

    [LoggerMessage(2, LogLevel.Information, "MCP backplane is listening on PostgreSQL channel '{Channel}'.")]
    public static partial void Listening(ILogger logger, string channel);

    [LoggerMessage(3, LogLevel.Warning, "MCP backplane message {PayloadId} on '{Channel}' was dropped: its payload is gone (older than PayloadRetention) or could not be read.")]
    public static partial void PayloadLost(ILogger logger, long payloadId, string channel, Exception? exception);

    [LoggerMessage(4, LogLevel.Error, "MCP backplane subscriber of '{Channel}' failed; the subscription goes on with the next message.")]
    public static partial void HandlerFailed(ILogger logger, string channel, Exception exception);

    [LoggerMessage(5, LogLevel.Warning, "MCP session cleanup failed; it runs again in {Interval}.")]
    public static partial void CleanupFailed(ILogger logger, TimeSpan interval, Exception exception);

    [LoggerMessage(6, LogLevel.Debug, "MCP session cleanup removed {Sessions} expired sessions and {Payloads} old backplane payloads.")]
    public static partial void CleanedUp(ILogger logger, int sessions, int payloads);

    [LoggerMessage(7, LogLevel.Warning, "MCP backplane ignored a malformed notification on PostgreSQL channel '{Channel}'.")]
    public static partial void MalformedNotification(ILogger logger, string channel);
}
