using System;
using Microsoft.Extensions.Logging;

namespace McpGen.Redis;

/// <summary>The Redis store's and backplane's log messages (source-generated).</summary>
internal static partial class RedisMcpLog
{
    [LoggerMessage(1, LogLevel.Warning, "MCP backplane lost its Redis connection ({FailureType}); the multiplexer reconnects and resubscribes by itself. Messages published meanwhile do not reach this replica.")]
    public static partial void ConnectionLost(ILogger logger, string failureType, Exception? exception);

    [LoggerMessage(2, LogLevel.Information, "MCP backplane connection to Redis is back; subscriptions receive again.")]
    public static partial void ConnectionRestored(ILogger logger);

    [LoggerMessage(4, LogLevel.Error, "MCP backplane subscriber of '{Channel}' failed; the subscription goes on with the next message.")]
    public static partial void HandlerFailed(ILogger logger, string channel, Exception exception);

    [LoggerMessage(5, LogLevel.Warning, "MCP session cleanup failed; it runs again in {Interval}.")]
    public static partial void CleanupFailed(ILogger logger, TimeSpan interval, Exception exception);

    [LoggerMessage(6, LogLevel.Debug, "MCP session cleanup removed {Sessions} expired sessions.")]
    public static partial void CleanedUp(ILogger logger, int sessions);

    [LoggerMessage(7, LogLevel.Warning, "MCP backplane could not unsubscribe Redis channel '{Channel}'; the multiplexer drops it when it reconnects.")]
    public static partial void UnsubscribeFailed(ILogger logger, string channel, Exception exception);
}
