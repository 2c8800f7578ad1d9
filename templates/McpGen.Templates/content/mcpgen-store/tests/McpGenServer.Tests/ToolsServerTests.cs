using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpGenServer.Tests;

/// <summary>
/// Starts the server on a free port of 127.0.0.1 and calls its tools with the official C# MCP client. Sessions go to
/// PostgreSQL when ConnectionStrings__McpGen is set in the environment (and McpGen__Schema, optionally, picks the
/// schema), to memory otherwise.
/// </summary>
public sealed class ToolsServerTests : IAsyncLifetime
{
    private WebApplication? _app;

    private Uri Endpoint => new(_app!.Urls.First() + "/mcp");

    public async Task InitializeAsync()
    {
        _app = McpGenServerApp.Create(["--urls", "http://127.0.0.1:0"]);
        await _app.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    // 2026-07-28: the modern, per-request era; 2025-11-25: clients that start with initialize.
    [Theory]
    [InlineData("2026-07-28")]
    [InlineData("2025-11-25")]
    public async Task Lists_the_tools_and_adds(string protocolVersion)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using McpClient client = await ConnectAsync(protocolVersion, cts.Token);

        IList<McpClientTool> tools = await client.ListToolsAsync(cancellationToken: cts.Token);
        Assert.Equal(["add", "count_words", "session_info", "utc_now"], tools.Select(t => t.Name).Order(StringComparer.Ordinal));
        Assert.Equal("Adds two integers.", tools.Single(t => t.Name == "add").Description);

        CallToolResult sum = await client.CallToolAsync("add", new Dictionary<string, object?> { ["a"] = 2, ["b"] = 40 }, cancellationToken: cts.Token);
        Assert.NotEqual(true, sum.IsError);
        Assert.Equal("42", Assert.IsType<TextContentBlock>(Assert.Single(sum.Content)).Text);
    }

    [Fact]
    public async Task Returns_structured_content_and_tool_errors()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using McpClient client = await ConnectAsync("2026-07-28", cts.Token);

        CallToolResult stats = await client.CallToolAsync("count_words", new Dictionary<string, object?> { ["text"] = "to be or not" }, cancellationToken: cts.Token);
        Assert.NotEqual(true, stats.IsError);
        JsonElement structured = Assert.IsType<JsonElement>(stats.StructuredContent);
        Assert.Equal(4, structured.GetProperty("words").GetInt32());
        Assert.Equal(12, structured.GetProperty("characters").GetInt32());

        CallToolResult empty = await client.CallToolAsync("count_words", new Dictionary<string, object?> { ["text"] = "" }, cancellationToken: cts.Token);
        Assert.True(empty.IsError);
        Assert.Contains("must not be empty", Assert.IsType<TextContentBlock>(Assert.Single(empty.Content)).Text);
    }

    [Fact]
    public async Task Initialize_clients_get_a_session_from_the_store()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using McpClient client = await ConnectAsync("2025-11-25", cts.Token);

        CallToolResult first = await client.CallToolAsync("session_info", cancellationToken: cts.Token);
        CallToolResult second = await client.CallToolAsync("session_info", cancellationToken: cts.Token);

        Assert.False(string.IsNullOrEmpty(client.SessionId));
        string text = Assert.IsType<TextContentBlock>(Assert.Single(first.Content)).Text;
        Assert.Equal($"session {client.SessionId}, protocol 2025-11-25", text);
        Assert.Equal(text, Assert.IsType<TextContentBlock>(Assert.Single(second.Content)).Text);
    }

    private Task<McpClient> ConnectAsync(string protocolVersion, CancellationToken cancellationToken)
        => McpClient.CreateAsync(
            new HttpClientTransport(new HttpClientTransportOptions { Endpoint = Endpoint, TransportMode = HttpTransportMode.StreamableHttp }),
            new McpClientOptions { ProtocolVersion = protocolVersion },
            cancellationToken: cancellationToken);
}
