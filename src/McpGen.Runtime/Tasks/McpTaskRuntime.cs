using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using McpGen.Sessions;
using Microsoft.Extensions.Logging;

namespace McpGen.Tasks;

/// <summary>
/// The tasks of one server on this replica: creates them in the store, keeps the lease of those it runs, hands them the
/// answers given with <c>tasks/update</c> and the cancellations of <c>tasks/cancel</c> (whichever replica received
/// them: the store holds the change, the backplane channel <c>tasks:{server}</c> says which task to re-read, and a poll
/// catches a missed signal), ends them, and sweeps: a live task whose lease expired lost its worker and ends
/// <c>failed</c>; a task past its time to live is deleted.
/// </summary>
internal sealed class McpTaskRuntime : IAsyncDisposable
{
    private const int MaxUpdateAttempts = 32;
    private const int SweepBatch = 100;

    private readonly string _serverName;
    private readonly IMcpBackplane _backplane;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, RunningTask> _running = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly object _gate = new();
    private Task? _loop;
    private Task<IAsyncDisposable>? _subscription;

    public McpTaskRuntime(string serverName, McpTaskOptions options, IMcpTaskStore store, IMcpBackplane backplane, TimeProvider time, ILogger logger, string replicaId)
    {
        _serverName = serverName;
        Options = options;
        Store = store;
        _backplane = backplane;
        _time = time;
        _logger = logger;
        Owner = replicaId + "/" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        Channel = "tasks:" + serverName;
    }

    public McpTaskOptions Options { get; }

    /// <summary>The server whose tasks these are.</summary>
    public string ServerName => _serverName;

    public IMcpTaskStore Store { get; }

    /// <summary>This runtime's lease owner name: the replica id and a random suffix (one per process and server).</summary>
    public string Owner { get; }

    /// <summary>The backplane channel of this server's task signals.</summary>
    public string Channel { get; }

    public DateTimeOffset Now => _time.GetUtcNow();

    /// <summary>How many tasks this replica runs now.</summary>
    public int RunningCount => _running.Count;

    /// <summary>A new task id: 128 random bits, base64url (22 characters).</summary>
    public static string NewTaskId()
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes);
        return Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>The principal key tasks are bound to.</summary>
    public static string PrincipalKeyOf(System.Security.Claims.ClaimsPrincipal? user) => Convert.ToBase64String(McpGen.Security.PrincipalKey.Digest(user));

    /// <summary>Starts the sweep, lease and input loop and the backplane subscription (idempotent).</summary>
    public void EnsureStarted()
    {
        if (_loop is not null)
        {
            return;
        }

        lock (_gate)
        {
            if (_loop is not null)
            {
                return;
            }

            _subscription = _backplane.SubscribeAsync(Channel, OnSignalAsync, _stopping.Token).AsTask();
            _loop = Task.Run(LoopAsync);
        }
    }

    /// <summary>Waits until the backplane subscription is active (so signals published after this reach this replica).</summary>
    public async ValueTask WaitSubscribedAsync()
    {
        EnsureStarted();
        try
        {
            await _subscription!.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Without the signal, the input poll still delivers answers and cancellations (at InputPollInterval).
            McpTaskLog.SubscribeFailed(_logger, Channel, ex);
        }
    }

    /// <summary>Registers a task this replica runs, before it is created in the store.</summary>
    public RunningTask Prepare(McpToolDefinition tool, string principalKey, ReadOnlyMemory<byte> arguments, ReadOnlyMemory<byte> capabilities)
    {
        EnsureStarted();
        DateTimeOffset now = Now;
        var record = new McpTaskRecord
        {
            TaskId = NewTaskId(),
            ServerName = _serverName,
            PrincipalKey = principalKey,
            ToolName = tool.Name,
            Arguments = arguments,
            ClientCapabilities = capabilities,
            Status = McpTaskStatus.Working,
            CreatedAt = now,
            LastUpdatedAt = now,
            TimeToLive = Options.TimeToLive,
            PollInterval = Options.PollInterval,
            LeaseOwner = Owner,
            LeaseExpiresAt = now + Options.LeaseDuration,
        };
        var running = new RunningTask(this, record);
        _running[record.TaskId] = running;
        return running;
    }

    /// <summary>
    /// Creates the prepared task in the store (strongly consistent: readable everywhere when this returns). Returns the
    /// error that answers the call instead: the principal's live-task limit, an unreachable store.
    /// </summary>
    public async ValueTask<McpGen.Protocol.McpError?> CreateAsync(RunningTask running)
    {
        bool created;
        try
        {
            created = await Store.CreateAsync(running.Seed, Options.MaxLiveTasksPerPrincipal, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Forget(running);
            McpTaskLog.StoreFailed(_logger, "create", running.TaskId, ex);
            return new McpGen.Protocol.McpError(503, McpGen.Protocol.JsonRpcErrorCodes.InternalError,
                "Internal error: the task store cannot be reached, so no task was created. Try again in a moment.");
        }

        if (!created)
        {
            Forget(running);
            return new McpGen.Protocol.McpError(200, McpGen.Protocol.JsonRpcErrorCodes.InternalError,
                $"Too many tasks: this user already has {Options.MaxLiveTasksPerPrincipal} working or input_required tasks on this server "
                + "(McpServerOptions.Tasks.MaxLiveTasksPerPrincipal). Wait for one to finish, or cancel one with tasks/cancel, then call again.");
        }

        running.MarkCreated();
        McpTaskLog.Created(_logger, running.TaskId, running.Seed.ToolName);
        return null;
    }

    /// <summary>Stops tracking a task that was never created (the call ended without one).</summary>
    public void Forget(RunningTask running)
    {
        _running.TryRemove(new KeyValuePair<string, RunningTask>(running.TaskId, running));
        running.Dispose();
    }

    /// <summary>
    /// Applies <paramref name="change"/> to the stored task with compare-and-swap, re-reading and re-applying after a
    /// concurrent change. <paramref name="change"/> returns <see langword="null"/> for no change. Returns the stored
    /// record after the change (or the unchanged one), <see langword="null"/> when the task does not exist.
    /// </summary>
    public async ValueTask<(McpTaskRecord? Task, bool Changed)> UpdateAsync(string taskId, Func<McpTaskRecord, McpTaskRecord?> change, CancellationToken cancellationToken = default)
    {
        for (int attempt = 0; attempt < MaxUpdateAttempts; attempt++)
        {
            McpTaskRecord? current = await Store.GetAsync(taskId, cancellationToken).ConfigureAwait(false);
            if (current is null)
            {
                return (null, false);
            }

            McpTaskRecord? next = change(current);
            if (next is null)
            {
                return (current, false);
            }

            if (!McpTaskStatuses.CanMove(current.Status, next.Status))
            {
                throw new InvalidOperationException($"Task {taskId}: a {McpTaskStatuses.Name(current.Status)} task cannot become {McpTaskStatuses.Name(next.Status)}.");
            }

            if (await Store.TryReplaceAsync(next, current.Version, cancellationToken).ConfigureAwait(false))
            {
                return (next with { Version = current.Version + 1 }, true);
            }
        }

        throw new McpStoreUnavailableException($"Task {taskId} changed {MaxUpdateAttempts} times while it was being updated; try again.");
    }

    /// <summary>Ends a task this replica ran (unless it already ended: cancelled, failed by a sweep) and stops tracking it.</summary>
    public async Task FinishAsync(RunningTask running, McpTaskStatus status, ReadOnlyMemory<byte> result, ReadOnlyMemory<byte> error, string? statusMessage)
    {
        try
        {
            DateTimeOffset now = Now;
            (McpTaskRecord? task, bool changed) = await UpdateAsync(running.TaskId, t => McpTaskStatuses.IsTerminal(t.Status) || t.LeaseOwner != Owner ? null : t with
            {
                Status = status,
                StatusMessage = statusMessage ?? t.StatusMessage,
                Result = result,
                Error = error,
                InputRequests = McpTaskRecord.Empty,
                InputResponses = McpTaskRecord.Empty,
                LeaseOwner = null,
                LastUpdatedAt = now,
            }).ConfigureAwait(false);
            if (changed)
            {
                McpTaskLog.Finished(_logger, running.TaskId, McpTaskStatuses.Name(status));
                await SignalAsync('s', running.TaskId).ConfigureAwait(false);
            }
            else if (task is not null)
            {
                McpTaskLog.FinishIgnored(_logger, running.TaskId, McpTaskStatuses.Name(task.Status));
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The lease runs out and another replica ends the task failed: never stuck working.
            McpTaskLog.StoreFailed(_logger, "finish", running.TaskId, ex);
        }
        finally
        {
            _running.TryRemove(new KeyValuePair<string, RunningTask>(running.TaskId, running));
            running.Dispose();
        }
    }

    /// <summary>Publishes a signal: <c>u</c> (re-read the task: answers, cancellation) or <c>s</c> (its status changed).</summary>
    public async ValueTask SignalAsync(char kind, string taskId)
    {
        try
        {
            await _backplane.PublishAsync(Channel, Encoding.ASCII.GetBytes(kind + taskId), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            McpTaskLog.SignalFailed(_logger, taskId, ex);
        }
    }

    /// <summary>Raised for every status change signal (<c>notifications/tasks</c> on listen streams).</summary>
    public event Action<string>? StatusChanged;

    private async ValueTask OnSignalAsync(ReadOnlyMemory<byte> payload)
    {
        if (payload.Length < 2)
        {
            return;
        }

        string taskId = Encoding.ASCII.GetString(payload.Span[1..]);
        if (payload.Span[0] == (byte)'s')
        {
            StatusChanged?.Invoke(taskId);
            return;
        }

        if (_running.TryGetValue(taskId, out RunningTask? running))
        {
            await RefreshAsync(running).ConfigureAwait(false);
        }
    }

    /// <summary>Re-reads a running task: hands over new answers, and cancels the handler when the task ended elsewhere.</summary>
    private async ValueTask RefreshAsync(RunningTask running)
    {
        if (!running.IsCreated)
        {
            return;
        }

        try
        {
            McpTaskRecord? task = await Store.GetAsync(running.TaskId, CancellationToken.None).ConfigureAwait(false);
            if (task is null || McpTaskStatuses.IsTerminal(task.Status) || task.LeaseOwner != Owner)
            {
                // Cancelled (tasks/cancel on any replica), failed by a sweep after a pause, expired: stop the handler.
                running.CancelHandler();
                return;
            }

            await running.DeliverAsync(task).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            McpTaskLog.StoreFailed(_logger, "read", running.TaskId, ex);
        }
    }

    private async Task LoopAsync()
    {
        TimeSpan tick = Min(Options.InputPollInterval, Options.LeaseDuration / 3);
        tick = Min(tick, Options.SweepInterval);
        using var timer = new PeriodicTimer(tick, _time);
        DateTimeOffset lastSweep = DateTimeOffset.MinValue;
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token).ConfigureAwait(false))
            {
                DateTimeOffset now = Now;
                foreach (RunningTask running in _running.Values)
                {
                    if (!running.IsCreated)
                    {
                        continue;
                    }

                    if (now >= running.Seed.ExpiresAt)
                    {
                        await ExpireAsync(running).ConfigureAwait(false);
                        continue;
                    }

                    if (now - running.LeaseRenewedAt >= Options.LeaseDuration / 3)
                    {
                        await RenewAsync(running, now).ConfigureAwait(false);
                    }
                    else if (running.WaitsForInput)
                    {
                        await RefreshAsync(running).ConfigureAwait(false);
                    }
                }

                if (now - lastSweep >= Options.SweepInterval)
                {
                    lastSweep = now;
                    await SweepAsync(now).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    /// <summary>Renews the lease of a task this replica runs; a task that ended or changed owner meanwhile stops.</summary>
    private async ValueTask RenewAsync(RunningTask running, DateTimeOffset now)
    {
        try
        {
            DateTimeOffset until = now + Options.LeaseDuration;
            (McpTaskRecord? task, _) = await UpdateAsync(running.TaskId, t => McpTaskStatuses.IsTerminal(t.Status) || t.LeaseOwner != Owner ? null : t with { LeaseExpiresAt = until })
                .ConfigureAwait(false);
            if (task is null || McpTaskStatuses.IsTerminal(task.Status) || task.LeaseOwner != Owner)
            {
                running.CancelHandler();
                return;
            }

            running.LeaseRenewedAt = now;
            await running.DeliverAsync(task).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            McpTaskLog.StoreFailed(_logger, "renew", running.TaskId, ex);
        }
    }

    /// <summary>A running task past its time to live: ends failed (the client may no longer rely on it) and its handler stops.</summary>
    private async ValueTask ExpireAsync(RunningTask running)
    {
        running.CancelHandler();
        byte[] error = McpTaskWire.ErrorObject(McpGen.Protocol.JsonRpcErrorCodes.InternalError,
            $"Internal error: the task did not finish within its ttlMs ({(long)running.Seed.TimeToLive.TotalMilliseconds} ms, McpServerOptions.Tasks.TimeToLive) and was stopped.");
        await FinishAsync(running, McpTaskStatus.Failed, default, error, "The task ran past its time to live and was stopped.").ConfigureAwait(false);
    }

    /// <summary>
    /// Ends the live tasks whose lease expired (their worker replica was lost) and deletes expired tasks. Every replica
    /// sweeps; compare-and-swap lets one of them win each task.
    /// </summary>
    private async ValueTask SweepAsync(DateTimeOffset now)
    {
        try
        {
            IReadOnlyList<McpTaskRecord> lost = await Store.ListExpiredLeasesAsync(_serverName, now, SweepBatch, _stopping.Token).ConfigureAwait(false);
            foreach (McpTaskRecord task in lost)
            {
                if (task.LeaseOwner == Owner && _running.ContainsKey(task.TaskId))
                {
                    continue; // ours and alive: the renewal is late, not lost
                }

                string lostOwner = task.LeaseOwner ?? "unknown";
                byte[] error = McpTaskWire.ErrorObject(McpGen.Protocol.JsonRpcErrorCodes.InternalError,
                    $"Internal error: the server replica running this task ({lostOwner}) stopped before the task finished (its lease expired at "
                    + $"{McpTaskWire.Timestamp(task.LeaseExpiresAt)}). Call the tool again to start over.");
                (_, bool changed) = await UpdateAsync(task.TaskId, t => McpTaskStatuses.IsTerminal(t.Status) || t.LeaseExpiresAt >= now || t.Version != task.Version ? null : t with
                {
                    Status = McpTaskStatus.Failed,
                    StatusMessage = "The server replica running this task was lost.",
                    Error = error,
                    InputRequests = McpTaskRecord.Empty,
                    InputResponses = McpTaskRecord.Empty,
                    LeaseOwner = null,
                    LastUpdatedAt = now,
                }, _stopping.Token).ConfigureAwait(false);
                if (changed)
                {
                    McpTaskLog.WorkerLost(_logger, task.TaskId, lostOwner);
                    await SignalAsync('s', task.TaskId).ConfigureAwait(false);
                }
            }

            int deleted = await Store.DeleteExpiredAsync(now, _stopping.Token).ConfigureAwait(false);
            if (deleted > 0)
            {
                McpTaskLog.Deleted(_logger, deleted);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            McpTaskLog.StoreFailed(_logger, "sweep", "*", ex);
        }
    }

    /// <summary>
    /// Stops the loop and the subscription. Tasks still running here keep their lease until it expires; then another
    /// replica ends them failed (a graceful stop waits for them first, within the drain timeout).
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        _stopping.Cancel();
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }

        if (_subscription is not null)
        {
            try
            {
                await (await _subscription.ConfigureAwait(false)).DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                McpTaskLog.SubscribeFailed(_logger, Channel, ex);
            }
        }

        _stopping.Dispose();
    }

    /// <summary>
    /// One task this replica runs: the handler's cancellation, its input requests waiting for answers, and its lease.
    /// </summary>
    internal sealed class RunningTask : McpGen.ClientInput.IEscalatedInput, McpGen.IProgressSink, IDisposable
    {
        private readonly McpTaskRuntime _runtime;
        private readonly CancellationTokenSource _cancellation = new();
        private readonly TaskCompletionSource _created = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly ConcurrentDictionary<string, TaskCompletionSource<byte[]>> _pending = new(StringComparer.Ordinal);
        private string? _statusMessage;
        private int _statusWriting;

        public RunningTask(McpTaskRuntime runtime, McpTaskRecord seed)
        {
            _runtime = runtime;
            Seed = seed;
            LeaseRenewedAt = seed.CreatedAt;
        }

        /// <summary>The task as created.</summary>
        public McpTaskRecord Seed { get; }

        public string TaskId => Seed.TaskId;

        /// <summary>The handler's cancellation token: cancelled by <c>tasks/cancel</c> (any replica), expiry, a lost lease.</summary>
        public CancellationToken Cancellation => _cancellation.Token;

        public bool IsCreated => _created.Task.IsCompleted;

        public DateTimeOffset LeaseRenewedAt { get; set; }

        /// <summary>Whether the handler waits for answers to input requests.</summary>
        public bool WaitsForInput => !_pending.IsEmpty;

        public void MarkCreated() => _created.TrySetResult();

        public void CancelHandler()
        {
            try
            {
                _cancellation.Cancel();
            }
            catch (ObjectDisposedException)
            {
            }
        }

        /// <inheritdoc />
        public async Task<byte[]> RequestAsync(string key, string method, byte[] parameters)
        {
            var answer = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
            _pending[key] = answer;
            await _created.Task.WaitAsync(Cancellation).ConfigureAwait(false);
            byte[] request = McpTaskWire.InputRequest(method, parameters);
            DateTimeOffset now = _runtime.Now;
            (McpTaskRecord? task, bool changed) = await _runtime.UpdateAsync(TaskId, t =>
            {
                if (McpTaskStatuses.IsTerminal(t.Status) || t.InputRequests.ContainsKey(key))
                {
                    return null;
                }

                var requests = new Dictionary<string, byte[]>(t.InputRequests, StringComparer.Ordinal) { [key] = request };
                return t with { Status = McpTaskStatus.InputRequired, InputRequests = requests, LastUpdatedAt = now };
            }).ConfigureAwait(false);
            if (task is null || McpTaskStatuses.IsTerminal(task.Status))
            {
                CancelHandler();
            }
            else if (changed)
            {
                await _runtime.SignalAsync('s', TaskId).ConfigureAwait(false);
            }

            using (Cancellation.Register(static s => ((TaskCompletionSource<byte[]>)s!).TrySetCanceled(), answer))
            {
                return await answer.Task.ConfigureAwait(false);
            }
        }

        /// <summary>Completes the input requests the stored task has answers for, and removes the answers taken.</summary>
        public async ValueTask DeliverAsync(McpTaskRecord task)
        {
            if (_pending.IsEmpty || task.InputResponses.Count == 0)
            {
                return;
            }

            var taken = new List<string>();
            foreach (KeyValuePair<string, byte[]> response in task.InputResponses)
            {
                if (_pending.TryRemove(response.Key, out TaskCompletionSource<byte[]>? waiting))
                {
                    waiting.TrySetResult(response.Value);
                    taken.Add(response.Key);
                }
            }

            if (taken.Count > 0)
            {
                await _runtime.UpdateAsync(TaskId, t =>
                {
                    var responses = new Dictionary<string, byte[]>(t.InputResponses, StringComparer.Ordinal);
                    bool removed = false;
                    foreach (string key in taken)
                    {
                        removed |= responses.Remove(key);
                    }

                    return removed ? t with { InputResponses = responses } : null;
                }).ConfigureAwait(false);
            }
        }

        /// <summary>Progress of a task: its message becomes the task's <c>statusMessage</c> (the extension has no progress notifications).</summary>
        public void Report(McpProgress progress)
        {
            if (progress.Message is not { } message || !IsCreated)
            {
                return;
            }

            Volatile.Write(ref _statusMessage, message);
            if (Interlocked.Exchange(ref _statusWriting, 1) == 0)
            {
                _ = WriteStatusMessageAsync();
            }
        }

        private async Task WriteStatusMessageAsync()
        {
            try
            {
                while (true)
                {
                    string? message = Volatile.Read(ref _statusMessage);
                    DateTimeOffset now = _runtime.Now;
                    (_, bool changed) = await _runtime.UpdateAsync(TaskId, t => McpTaskStatuses.IsTerminal(t.Status) || t.StatusMessage == message ? null
                        : t with { StatusMessage = message, LastUpdatedAt = now }).ConfigureAwait(false);
                    if (changed)
                    {
                        await _runtime.SignalAsync('s', TaskId).ConfigureAwait(false);
                    }

                    Volatile.Write(ref _statusWriting, 0);
                    if (Volatile.Read(ref _statusMessage) == message || Interlocked.Exchange(ref _statusWriting, 1) != 0)
                    {
                        return;
                    }
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Volatile.Write(ref _statusWriting, 0);
                McpTaskLog.StoreFailed(_runtime._logger, "status message", TaskId, ex);
            }
        }

        public void Dispose()
        {
            foreach (TaskCompletionSource<byte[]> waiting in _pending.Values)
            {
                waiting.TrySetCanceled();
            }

            _pending.Clear();
            _cancellation.Dispose();
        }
    }
}

/// <summary>Log messages of tasks.</summary>
internal static partial class McpTaskLog
{
    [LoggerMessage(EventId = 1300, Level = LogLevel.Debug, Message = "Task {TaskId} created for tool '{Tool}'.")]
    public static partial void Created(ILogger logger, string taskId, string tool);

    [LoggerMessage(EventId = 1301, Level = LogLevel.Debug, Message = "Task {TaskId} ended {Status}.")]
    public static partial void Finished(ILogger logger, string taskId, string status);

    [LoggerMessage(EventId = 1302, Level = LogLevel.Debug, Message = "Task {TaskId} had already ended {Status}: the handler's outcome is not stored.")]
    public static partial void FinishIgnored(ILogger logger, string taskId, string status);

    [LoggerMessage(EventId = 1303, Level = LogLevel.Warning, Message = "Task {TaskId} failed: the replica running it ({Owner}) stopped renewing its lease.")]
    public static partial void WorkerLost(ILogger logger, string taskId, string owner);

    [LoggerMessage(EventId = 1304, Level = LogLevel.Debug, Message = "Deleted {Count} expired tasks.")]
    public static partial void Deleted(ILogger logger, int count);

    [LoggerMessage(EventId = 1305, Level = LogLevel.Warning, Message = "The task store failed to {Operation} task {TaskId}.")]
    public static partial void StoreFailed(ILogger logger, string operation, string taskId, Exception exception);

    [LoggerMessage(EventId = 1306, Level = LogLevel.Warning, Message = "Cannot subscribe to the backplane channel {Channel}: answers and cancellations reach running tasks by polling only.")]
    public static partial void SubscribeFailed(ILogger logger, string channel, Exception exception);

    [LoggerMessage(EventId = 1307, Level = LogLevel.Debug, Message = "Cannot publish the signal of task {TaskId} on the backplane; other replicas see the change when they poll.")]
    public static partial void SignalFailed(ILogger logger, string taskId, Exception exception);
}
