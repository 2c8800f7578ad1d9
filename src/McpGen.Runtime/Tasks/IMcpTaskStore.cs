using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace McpGen.Tasks;

/// <summary>
/// Where tasks live. Every replica that serves <c>tasks/get</c> reads the same store, so a task survives the replica that
/// runs it. In-memory (<see cref="InMemoryMcpTaskStore"/>, one process) by default; PostgreSQL with
/// <c>McpGen.PostgreSql</c> (<c>.WithPostgreSqlStore(...)</c>), Redis with <c>McpGen.Redis</c> (<c>.WithRedisStore(...)</c>). Implementations must be strongly consistent: once
/// <see cref="CreateAsync"/> returns, <see cref="GetAsync"/> on any replica finds the task (the extension forbids
/// returning the task handle before that).
/// </summary>
/// <remarks>
/// A store that cannot reach its backing service throws <see cref="McpGen.Sessions.McpStoreUnavailableException"/>. Run the contract tests
/// (tests/Contracts/TaskStoreContractTests.cs) against a new implementation.
/// </remarks>
public interface IMcpTaskStore
{
    /// <summary>
    /// Stores a new task (its <see cref="McpTaskRecord.Version"/> is 1). Returns <see langword="false"/> and stores nothing
    /// when its principal already has <paramref name="maxLiveTasks"/> live (working or input_required) tasks of the
    /// server (0: no limit).
    /// </summary>
    /// <exception cref="InvalidOperationException">A task with the same id exists.</exception>
    ValueTask<bool> CreateAsync(McpTaskRecord task, int maxLiveTasks, CancellationToken cancellationToken);

    /// <summary>The task, or <see langword="null"/> when it does not exist (never created, expired and deleted).</summary>
    ValueTask<McpTaskRecord?> GetAsync(string taskId, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the task when its stored version is still <paramref name="expectedVersion"/> (compare-and-swap); the
    /// stored record gets version <paramref name="expectedVersion"/> + 1, whatever <paramref name="task"/> says. Returns
    /// <see langword="false"/> when the task changed meanwhile or no longer exists: read it again and decide again.
    /// </summary>
    ValueTask<bool> TryReplaceAsync(McpTaskRecord task, long expectedVersion, CancellationToken cancellationToken);

    /// <summary>
    /// Live tasks (working or input_required) of <paramref name="serverName"/> whose lease expired before
    /// <paramref name="now"/>: their worker replica was lost. At most <paramref name="max"/>, oldest lease first.
    /// </summary>
    ValueTask<IReadOnlyList<McpTaskRecord>> ListExpiredLeasesAsync(string serverName, DateTimeOffset now, int max, CancellationToken cancellationToken);

    /// <summary>Deletes the tasks whose time to live ended before <paramref name="now"/>; returns how many.</summary>
    ValueTask<int> DeleteExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken);
}
