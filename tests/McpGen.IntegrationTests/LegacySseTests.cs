using Everything;
using Microsoft.AspNetCore.Builder;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpGen.IntegrationTests;

using CallToolResult = ModelContextProtocol.Protocol.CallToolResult;

/// <summary>
/// The deprecated HTTP+SSE transport (2024-11-05) of the Everything sample's sticky and store servers, driven by the
/// official C# client in its SSE mode: GET /sse, endpoint event, POST /message, answers on the stream.
/// </summary>
public sealed class LegacySseTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData("sticky")]
    [InlineData("store")]
    public async Task CSharpClient_OverHttpSse_ListsAndCallsTools_WithProgress(string mode)
    {
        (WebApplication app, Uri endpoint) = await KestrelHost.StartAsync(services => services.AddEverything(mode), a => a.MapEverything(mode));
        await using (app)
        {
            using var cts = new CancellationTokenSource(Timeout);
            await using McpClient client = await CSharpClient.ConnectAsync(new Uri(endpoint, "mcp/sse"), "2024-11-05", cts.Token, mode: HttpTransportMode.Sse);

            Assert.Equal("2024-11-05", client.NegotiatedProtocolVersion);
            IList<McpClientTool> tools = await client.ListToolsAsync(cancellationToken: cts.Token);
            Assert.Contains(tools, t => t.Name == "test_simple_text");

            CallToolResult simple = await client.CallToolAsync("test_simple_text", cancellationToken: cts.Token);
            Assert.Equal("This is a simple text response for testing.", simple.SingleText());

            var progress = new Collector<ProgressNotificationValue>();
            CallToolResult withProgress = await client.CallToolAsync("test_tool_with_progress", progress: progress, cancellationToken: cts.Token);
            Assert.False(withProgress.IsError ?? false);
            await progress.WaitForCountAsync(1, TimeSpan.FromSeconds(10));
        }
    }

    [Fact]
    public async Task MessagePost_WithUnknownSession_Is404_AndWithoutSessionId_Is400()
    {
        (WebApplication app, Uri endpoint) = await KestrelHost.StartAsync(services => services.AddEverything("sticky"), a => a.MapEverything("sticky"));
        await using (app)
        {
            using var http = new HttpClient();
            using var body = new StringContent("""{"jsonrpc":"2.0","id":1,"method":"ping"}""", System.Text.Encoding.UTF8, "application/json");
            HttpResponseMessage unknown = await http.PostAsync(new Uri(endpoint, "mcp/message?sessionId=r1.nope"), body);
            Assert.Equal(System.Net.HttpStatusCode.NotFound, unknown.StatusCode);
            Assert.Contains("GET /sse", await unknown.Content.ReadAsStringAsync());

            using var body2 = new StringContent("""{"jsonrpc":"2.0","id":1,"method":"ping"}""", System.Text.Encoding.UTF8, "application/json");
            HttpResponseMessage missing = await http.PostAsync(new Uri(endpoint, "mcp/message"), body2);
            Assert.Equal(System.Net.HttpStatusCode.BadRequest, missing.StatusCode);
        }
    }
}
