using System;

namespace McpGen.Tasks;

/// <summary>Options of tasks (the Tasks extension), per server: <c>McpServerOptions.Tasks</c>.</summary>
public sealed class McpTaskOptions
{
    /// <summary>How long a task stays readable after it is created (<c>ttlMs</c>); then it is deleted. Default 1 hour.</summary>
    public TimeSpan TimeToLive { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The polling interval suggested to clients (<c>pollIntervalMs</c>). Default 1 s.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How many live (working or input_required) tasks one principal may have on the server; a call beyond that is
    /// refused with -32603 and a message saying so. 0: no limit. Default 100.
    /// </summary>
    public int MaxLiveTasksPerPrincipal { get; set; } = 100;

    /// <summary>
    /// How long a replica holds a task it runs without renewing: when it stops (crash, kill, lost network), another
    /// replica notices within this time plus <see cref="SweepInterval"/> and ends the task failed (or runs it again,
    /// for rerunnable tools). Renewed every third of it. Default 30 s.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often every replica looks for tasks whose lease expired and for expired tasks. Default 5 s.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How often a running task that waits for input reads the store for answers given on another replica, when the
    /// backplane's signal did not arrive (a missed notification). Default 1 s.
    /// </summary>
    public TimeSpan InputPollInterval { get; set; } = TimeSpan.FromSeconds(1);
}
