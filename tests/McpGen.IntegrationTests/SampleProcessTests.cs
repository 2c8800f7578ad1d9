using System.Diagnostics;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpGen.IntegrationTests;

using CallToolResult = ModelContextProtocol.Protocol.CallToolResult;

/// <summary>The README's main command: the QuickStart sample as its own process, called by the official client.</summary>
public sealed class SampleProcessTests
{
    [Fact]
    public async Task QuickStart_sample_runs_with_dotnet_run_and_serves_tools()
    {
        int port = ProcessRunner.FreeLoopbackPort();
        using Process server = ProcessRunner.Start(
            "dotnet",
            ["run", "--no-build", "-c", BuildInfo.Configuration, "--project", Path.Combine(RepoPaths.Root, "samples", "QuickStart"), "--", "--urls", $"http://127.0.0.1:{port}"],
            RepoPaths.Root);
        try
        {
            await ProcessRunner.WaitForHealthyAsync(new Uri($"http://127.0.0.1:{port}/healthz"), server, TimeSpan.FromSeconds(60));
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await using McpClient client = await CSharpClient.ConnectAsync(new Uri($"http://127.0.0.1:{port}/mcp"), "2025-11-25", cts.Token);

            IList<McpClientTool> tools = await client.ListToolsAsync(cancellationToken: cts.Token);
            CallToolResult result = await client.CallToolAsync("hash_text", new Dictionary<string, object?> { ["text"] = "abc" }, cancellationToken: cts.Token);

            Assert.Contains(tools, t => t.Name == "get_forecast");
            Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", result.SingleText());
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
        }
    }
}
