using McpGen;

namespace Everything;

/// <summary>
/// A resource and a prompt that take the request context the way tools do (issue 10): they log, report progress, ask the
/// client for input and tell which session served them. Not conformance fixtures: the integration tests drive them with
/// the official C# and TypeScript clients, so every handler kind is checked alike.
/// </summary>
public static class HandlerMatrixFixtures
{
    public const string ResourceTemplate = "test://matrix/{topic}";
    public const string ResourceUri = "test://matrix/context";
    public const string PromptName = "matrix_context_prompt";

    public const string ResourceDescription = "Logs (info), reports progress 1 and 2 of 2, asks the client for a context (form elicitation) and returns it with the session id.";
    public const string PromptDescription = "Logs (info), reports progress 1 and 2 of 2, asks the client for a context (form elicitation) and renders it with the session id.";

    public static async Task<ResourceContents> Resource(string topic, McpRequestContext context, IProgress<McpProgress> progress, CancellationToken cancellationToken)
        => new TextResourceContents("test://matrix/" + topic, await RunAsync("resource", context, progress, cancellationToken), "text/plain");

    public static async Task<GetPromptResult> Prompt(McpRequestContext context, IProgress<McpProgress> progress, CancellationToken cancellationToken)
        => new() { Messages = [PromptMessage.User(await RunAsync("prompt", context, progress, cancellationToken))] };

    private static async Task<string> RunAsync(string kind, McpRequestContext context, IProgress<McpProgress> progress, CancellationToken cancellationToken)
    {
        context.Log(McpLogLevel.Info, $"matrix {kind}: asking for a context", "matrix");
        progress.Report(new McpProgress(1, 2, "asking"));
        ElicitResult<ContextAnswer> answer = await context.ElicitAsync<ContextAnswer>($"What context should the {kind} use?", "matrix_context", cancellationToken);
        progress.Report(new McpProgress(2, 2, "answered"));
        return $"context={answer.Content?.Context ?? "(none)"};session={context.SessionId ?? "none"}";
    }
}
