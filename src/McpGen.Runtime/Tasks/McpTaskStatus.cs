namespace McpGen.Tasks;

/// <summary>
/// The status of a task (the Tasks extension): <see cref="Working"/> and <see cref="InputRequired"/> are live;
/// <see cref="Completed"/>, <see cref="Failed"/> and <see cref="Cancelled"/> are terminal and never change again.
/// </summary>
public enum McpTaskStatus
{
    /// <summary>The tool is running (<c>working</c>).</summary>
    Working = 0,

    /// <summary>The tool waits for answers to its <c>inputRequests</c>, given with <c>tasks/update</c> (<c>input_required</c>).</summary>
    InputRequired = 1,

    /// <summary>The tool returned a result, an <c>isError</c> one included (<c>completed</c>).</summary>
    Completed = 2,

    /// <summary>The call ended with a JSON-RPC error, or its worker replica was lost (<c>failed</c>).</summary>
    Failed = 3,

    /// <summary>The client cancelled the task with <c>tasks/cancel</c> (<c>cancelled</c>).</summary>
    Cancelled = 4,
}

/// <summary>The status names on the wire and the transitions the extension allows.</summary>
public static class McpTaskStatuses
{
    /// <summary>Whether <paramref name="status"/> is terminal (completed, failed, cancelled).</summary>
    public static bool IsTerminal(McpTaskStatus status) => status >= McpTaskStatus.Completed;

    /// <summary>
    /// Whether the extension allows <paramref name="from"/> to become <paramref name="to"/>: working and
    /// input_required alternate, either may end in a terminal status, and a terminal status never changes. Staying in
    /// the same live status (a new status message, more input requests) is allowed.
    /// </summary>
    public static bool CanMove(McpTaskStatus from, McpTaskStatus to) => !IsTerminal(from);

    /// <summary>The wire name: <c>working</c>, <c>input_required</c>, <c>completed</c>, <c>failed</c>, <c>cancelled</c>.</summary>
    public static string Name(McpTaskStatus status) => status switch
    {
        McpTaskStatus.Working => "working",
        McpTaskStatus.InputRequired => "input_required",
        McpTaskStatus.Completed => "completed",
        McpTaskStatus.Failed => "failed",
        McpTaskStatus.Cancelled => "cancelled",
        _ => throw new System.ArgumentOutOfRangeException(nameof(status)),
    };

    /// <summary>The status of a wire name; <see langword="null"/> for anything else.</summary>
    public static McpTaskStatus? Parse(string? name) => name switch
    {
        "working" => McpTaskStatus.Working,
        "input_required" => McpTaskStatus.InputRequired,
        "completed" => McpTaskStatus.Completed,
        "failed" => McpTaskStatus.Failed,
        "cancelled" => McpTaskStatus.Cancelled,
        _ => null,
    };
}
