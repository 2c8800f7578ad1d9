using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace McpGen.Tasks;

/// <summary>
/// Tasks in this process's memory: the default store. Right for one process (a stateless server on one replica, sticky
/// servers whose load balancer routes task methods by <c>Mcp-Name</c>); a fleet needs a shared store
/// (<c>.WithPostgreSqlStore(...)</c>), or <c>tasks/get</c> on another replica finds nothing. Tasks are lost when the
/// process stops.
/// </summary>
public sealed class InMemoryMcpTaskStore : IMcpTaskStore
{
    private readonly object _gate = new();
    private readonly Dictionary<string, McpTaskRecord> _tasks = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public ValueTask<bool> CreateAsync(McpTaskRecord task, int maxLiveTasks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        lock (_gate)
        {
            if (_tasks.ContainsKey(task.TaskId))
            {
                throw new InvalidOperationException($"A task with id '{task.TaskId}' exists.");
            }

            if (maxLiveTasks > 0 && CountLive(task.ServerName, task.PrincipalKey) >= maxLiveTasks)
            {
                return ValueTask.FromResult(false);
            }

            _tasks[task.TaskId] = task with { Version = 1 };
            return ValueTask.FromResult(true);
        }
    }

    /// <inheritdoc />
    public ValueTask<McpTaskRecord?> GetAsync(string taskId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(_tasks.TryGetValue(taskId, out McpTaskRecord? task) ? task : null);
        }
    }

    /// <inheritdoc />
    public ValueTask<bool> TryReplaceAsync(McpTaskRecord task, long expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        lock (_gate)
        {
            if (!_tasks.TryGetValue(task.TaskId, out McpTaskRecord? stored) || stored.Version != expectedVersion)
            {
                return ValueTask.FromResult(false);
            }

            _tasks[task.TaskId] = task with { Version = expectedVersion + 1 };
            return ValueTask.FromResult(true);
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<McpTaskRecord>> ListExpiredLeasesAsync(string serverName, DateTimeOffset now, int max, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            IReadOnlyList<McpTaskRecord> expired = _tasks.Values
                .Where(t => t.ServerName == serverName && !McpTaskStatuses.IsTerminal(t.Status) && t.LeaseExpiresAt < now)
                .OrderBy(t => t.LeaseExpiresAt)
                .Take(max)
                .ToList();
            return ValueTask.FromResult(expired);
        }
    }

    /// <inheritdoc />
    public ValueTask<int> DeleteExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            List<string> expired = [.. _tasks.Values.Where(t => t.ExpiresAt < now).Select(t => t.TaskId)];
            foreach (string id in expired)
            {
                _tasks.Remove(id);
            }

            return ValueTask.FromResult(expired.Count);
        }
    }

    private int CountLive(string serverName, string principalKey)
    {
        int count = 0;
        foreach (McpTaskRecord task in _tasks.Values)
        {
            if (!McpTaskStatuses.IsTerminal(task.Status) && task.ServerName == serverName && task.PrincipalKey == principalKey)
            {
                count++;
            }
        }

        return count;
    }
}
