namespace McpGen;

/// <summary>
/// Whether a tool's calls may become tasks (the 2026-07-28 Tasks extension, <c>io.modelcontextprotocol/tasks</c>): the
/// call returns a task handle at once, the tool runs in the background, and the client polls <c>tasks/get</c> for its
/// status and result. Set with <see cref="McpToolAttribute.Task"/>.
/// </summary>
public enum McpTaskSupport
{
    /// <summary>Never a task: every call is answered with the tool's result (the default).</summary>
    Forbidden = 0,

    /// <summary>
    /// A task when the request declares the extension in its client capabilities; the plain result otherwise (and
    /// for <c>initialize</c>-era clients, which have no tasks extension).
    /// </summary>
    Optional = 1,

    /// <summary>
    /// Always a task: a request that does not declare the extension gets -32021 (Missing Required Client Capability)
    /// with <c>data.requiredCapabilities</c> naming it, and so does every <c>initialize</c>-era request.
    /// </summary>
    Required = 2,
}
