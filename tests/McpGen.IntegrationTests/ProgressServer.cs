namespace McpGen.IntegrationTests;

/// <summary>
/// A server whose tool keeps working after its last progress report, as long-running tools do. The official C#
/// client drops progress notifications that it processes after the response, so this is how its progress path is
/// tested without racing the client.
/// </summary>
[McpServer]
public partial class ProgressServer
{
    /// <summary>Reports <paramref name="steps"/> progress updates, then finishes its work.</summary>
    /// <param name="steps">How many progress updates to send.</param>
    /// <param name="progress">Where progress goes.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    [McpTool]
    public static async Task<string> Work(int steps, IProgress<McpProgress> progress, CancellationToken cancellationToken)
    {
        for (int i = 1; i <= steps; i++)
        {
            progress.Report(new McpProgress(i, steps, $"step {i}"));
            await Task.Delay(10, cancellationToken);
        }

        await Task.Delay(300, cancellationToken);
        return $"done after {steps} steps";
    }
}

/// <summary>The <see cref="ProgressServer"/> on a real Kestrel bound to 127.0.0.1.</summary>
public sealed class ProgressHost : IAsyncLifetime
{
    private Microsoft.AspNetCore.Builder.WebApplication? _app;

    public Uri Endpoint { get; private set; } = null!;

    public async Task InitializeAsync()
        => (_app, Endpoint) = await KestrelHost.StartAsync(
            services => services.AddMcpServer<ProgressServer>(),
            app => app.MapMcp<ProgressServer>("/mcp"));

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
