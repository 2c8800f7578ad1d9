using System;
using System.Threading;
using System.Threading.Tasks;
using McpGen.Sessions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace McpGen.Redis;

/// <summary>
/// Deletes expired sessions (with their events) every <see cref="RedisMcpOptions.CleanupInterval"/>. Every replica runs
/// it; each batch is one script, so replicas cleaning up at once never delete a session twice. A failure (Redis down) is
/// logged and retried next interval. Without it nothing leaks either: every key carries a Redis TTL.
/// </summary>
internal sealed class RedisMcpCleanupService(
    RedisMcpSessionStore store,
    RedisMcpConnection connection,
    ILogger<RedisMcpCleanupService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        TimeSpan interval = connection.Options.CleanupInterval;
        using var timer = new PeriodicTimer(interval);
        do
        {
            try
            {
                int sessions = await store.RemoveExpiredAsync(stoppingToken).ConfigureAwait(false);
                RedisMcpLog.CleanedUp(logger, sessions);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested && e is McpStoreUnavailableException or StackExchange.Redis.RedisException or InvalidOperationException)
            {
                RedisMcpLog.CleanupFailed(logger, interval, e);
            }
        }
        while (await WaitAsync(timer, stoppingToken).ConfigureAwait(false));
    }

    private static async ValueTask<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
