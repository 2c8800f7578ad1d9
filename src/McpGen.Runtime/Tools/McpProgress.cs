namespace McpGen;

/// <summary>
/// A progress update from a tool. Take an <c>IProgress&lt;McpProgress&gt;</c> parameter to report progress; it reaches
/// the client as <c>notifications/progress</c> when the client asked for progress (sent a progress token), and is
/// dropped otherwise.
/// </summary>
/// <param name="Progress">The progress so far; must increase with each report.</param>
/// <param name="Total">The total, if known.</param>
/// <param name="Message">A human-readable message, if any.</param>
public readonly record struct McpProgress(double Progress, double? Total = null, string? Message = null);
