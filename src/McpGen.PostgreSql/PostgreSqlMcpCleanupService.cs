using System;
using System.Threading;
using System.Threading.Tasks;
using McpGen.Sessions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using McpGen.ClientInput;
using McpGen.Dispatch;
using McpGen.Http;
using McpGen.Streaming;

namespace McpGen.PostgreSql;

/// <summary>
/// Deletes expired sessions (with their events) and old backplane payloads every
/// <see cref="PostgreSqlMcpOptions.CleanupInterval"/>. Every replica runs it; the deletes skip rows another replica is
/// deleting, so they do not queue behind each other. A failure (database down) is logged and retried next interval.
/// </summary>
internal sealed class PostgreSqlMcpCleanupService(
    PostgreSqlMcpSessionStore store,
    PostgreSqlMcpBackplane backplane,
    PostgreSqlMcpDatabase database,
    ILogger<PostgreSqlMcpCleanupService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        TimeSpan interval = database.Options.CleanupInterval;
        using var timer = new PeriodicTimer(interval);
        do
        {
            try
            {
                int sessions = await store.RemoveExpiredAsync(stoppingToken).ConfigureAwait(false);
                int payloads = await backplane.RemoveExpiredPayloadsAsync(stoppingToken).ConfigureAwait(false);
                PostgreSqlMcpLog.CleanedUp(logger, sessions, payloads);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested && e is McpStoreUnavailableException or Npgsql.NpgsqlException or InvalidOperationException)
            {
                PostgreSqlMcpLog.CleanupFailed(logger, interval, e);
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
