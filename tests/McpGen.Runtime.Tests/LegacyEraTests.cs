using System.Text.Json;
using McpGen.Runtime.Tests.Infrastructure;
using static McpGen.Runtime.Tests.Infrastructure.McpTestHost;

namespace McpGen.Runtime.Tests;

/// <summary>initialize-era requests (2024-11-05 .. 2025-11-25), served statelessly: no session, no prior initialize needed.</summary>
public sealed class LegacyEraTests
{
    [Theory]
    [InlineData("2025-11-25", "2025-11-25")]
    [InlineData("2025-06-18", "2025-06-18")]
    [InlineData("2025-03-26", "2025-03-26")]
    [InlineData("2024-11-05", "2024-11-05")]
    [InlineData("2099-01-01", "2025-11-25")]
    [InlineData("2026-07-28", "2025-11-25")]
    [InlineData("", "2025-11-25")]
    public async Task Initialize_NegotiatesVersion(string requested, string expected)
    {
        await using McpTestHost host = await StartAsync();

        HttpResponseMessage response = await host.SendLegacyAsync("initialize",
            $$$"""{"protocolVersion":"{{{requested}}}","capabilities":{},"clientInfo":{"name":"c","version":"1"}}""", id: "0", protocolVersion: null);

        JsonElement result = await AssertResultAsync(response, "0");
        Assert.Equal(expected, result.GetProperty("protocolVersion").GetString());
        Assert.Equal("{}", result.GetProperty("capabilities").GetProperty("tools").GetRawText());
        JsonElement info = result.GetProperty("serverInfo");
        Assert.Equal("test-server", info.GetProperty("name").GetString());
        Assert.Equal("1.2.3", info.GetProperty("version").GetString());
        Assert.Equal("Test Server", info.GetProperty("title").GetString());
        Assert.Equal("Use echo to repeat text.", result.GetProperty("instructions").GetString());
        Assert.False(result.TryGetProperty("resultType", out _));
    }

    [Fact]
    public async Task Initialize_IgnoresProtocolVersionHeader()
    {
        await using McpTestHost host = await StartAsync();

        HttpResponseMessage response = await host.SendLegacyAsync("initialize",
            """{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"c","version":"1"}}""", protocolVersion: "1999-01-01");

        Assert.Equal("2025-06-18", (await AssertResultAsync(response)).GetProperty("protocolVersion").GetString());
    }

    [Fact]
    public async Task CSharpClientFallbackSequence_IsServed()
    {
        await using McpTestHost host = await StartAsync();

        HttpResponseMessage init = await host.Client.SendAsync(Post(
            """{"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"csclient","version":"2.3.1-test"}},"id":2,"jsonrpc":"2.0"}""",
            ("Mcp-Method", "initialize")));
        Assert.Equal("2025-11-25", (await AssertResultAsync(init, "2")).GetProperty("protocolVersion").GetString());

        var get = new HttpRequestMessage(HttpMethod.Get, "/mcp");
        get.Headers.TryAddWithoutValidation("Accept", "text/event-stream");
        get.Headers.TryAddWithoutValidation("MCP-Protocol-Version", "2025-11-25");
        Assert.Equal(405, (int)(await host.Client.SendAsync(get)).StatusCode);

        HttpResponseMessage initialized = await host.Client.SendAsync(Post("""{"method":"notifications/initialized","params":{},"jsonrpc":"2.0"}""",
            ("MCP-Protocol-Version", "2025-11-25"), ("Mcp-Method", "notifications/initialized")));
        Assert.Equal(202, (int)initialized.StatusCode);

        HttpResponseMessage list = await host.Client.SendAsync(Post("""{"method":"tools/list","params":{},"id":3,"jsonrpc":"2.0"}""",
            ("MCP-Protocol-Version", "2025-11-25"), ("Mcp-Method", "tools/list")));
        JsonElement tools = (await AssertResultAsync(list, "3")).GetProperty("tools");
        Assert.Equal(10, tools.GetArrayLength());

        HttpResponseMessage call = await host.Client.SendAsync(Post("""{"method":"tools/call","params":{"name":"echo","arguments":{"text":"hi"}},"id":4,"jsonrpc":"2.0"}""",
            ("MCP-Protocol-Version", "2025-11-25"), ("Mcp-Method", "tools/call"), ("Mcp-Name", "echo")));
        JsonElement result = await AssertResultAsync(call, "4");
        Assert.Equal("hi", result.GetProperty("content")[0].GetProperty("text").GetString());
        Assert.False(result.TryGetProperty("resultType", out _));
        Assert.False(result.TryGetProperty("_meta", out _));
    }

    [Fact]
    public async Task TypeScriptV1Sequence_IsServed()
    {
        await using McpTestHost host = await StartAsync();

        await AssertResultAsync(await host.Client.SendAsync(Post(
            """{"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"mcpgen-harness-v1","version":"1.32.2"}},"jsonrpc":"2.0","id":0}""")), "0");
        Assert.Equal(202, (int)(await host.Client.SendAsync(Post("""{"jsonrpc":"2.0","method":"notifications/initialized"}""",
            ("mcp-protocol-version", "2025-11-25")))).StatusCode);
        JsonElement list = await AssertResultAsync(await host.Client.SendAsync(Post("""{"method":"tools/list","jsonrpc":"2.0","id":1}""",
            ("mcp-protocol-version", "2025-11-25"))));
        Assert.Equal(10, list.GetProperty("tools").GetArrayLength());
        Assert.False(list.TryGetProperty("ttlMs", out _));
        Assert.False(list.TryGetProperty("resultType", out _));
    }

    [Fact]
    public async Task ToolsCall_WorksWithoutInitializeOrHeader_AsProtocol20250326()
    {
        await using McpTestHost host = await StartAsync();

        HttpResponseMessage response = await host.SendLegacyAsync("tools/call", """{"name":"whoami"}""", id: "\"x\"", protocolVersion: null);

        Assert.Equal("2025-03-26|False|\"x\"|none", (await AssertResultAsync(response, "\"x\"")).GetProperty("content")[0].GetProperty("text").GetString());
    }

    [Theory]
    [InlineData("2025-11-25")]
    [InlineData("2025-06-18")]
    [InlineData("2025-03-26")]
    [InlineData("2024-11-05")]
    public async Task ToolsCall_IsServedAtTheHeaderVersion(string version)
    {
        await using McpTestHost host = await StartAsync();

        HttpResponseMessage response = await host.SendLegacyAsync("tools/call", """{"name":"whoami"}""", protocolVersion: version);

        Assert.StartsWith(version + "|False|1|", (await AssertResultAsync(response)).GetProperty("content")[0].GetProperty("text").GetString());
    }

    [Theory]
    [InlineData("2099-01-01")]
    [InlineData("latest")]
    public async Task UnsupportedProtocolVersionHeader_Gets400NamingSupportedVersions(string header)
    {
        await using McpTestHost host = await StartAsync();

        HttpResponseMessage response = await host.SendLegacyAsync("tools/list", protocolVersion: header);

        JsonElement error = await AssertErrorAsync(response, 400, -32600, "1");
        string message = error.GetProperty("message").GetString()!;
        Assert.Contains("2025-11-25, 2025-06-18, 2025-03-26, 2024-11-05", message);
        Assert.Contains("2025-11-25", error.GetProperty("data").GetProperty("supported").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal(header, error.GetProperty("data").GetProperty("requested").GetString());
    }

    [Fact]
    public async Task ModernHeaderWithoutMeta_Gets400SayingWhatMetaIsMissing()
    {
        await using McpTestHost host = await StartAsync();

        HttpResponseMessage response = await host.SendLegacyAsync("tools/list", "{}", protocolVersion: "2026-07-28");

        Assert.Contains("io.modelcontextprotocol/protocolVersion", (await AssertErrorAsync(response, 400, -32602, "1")).GetProperty("message").GetString());
    }

    [Fact]
    public async Task LegacyVersionInMeta_IsServedAsLegacy()
    {
        await using McpTestHost host = await StartAsync();
        string body = """{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"whoami","_meta":{"io.modelcontextprotocol/protocolVersion":"2025-06-18"}}}""";

        HttpResponseMessage response = await host.Client.SendAsync(Post(body));

        JsonElement result = await AssertResultAsync(response);
        Assert.StartsWith("2025-06-18|False|", result.GetProperty("content")[0].GetProperty("text").GetString());
        Assert.False(result.TryGetProperty("resultType", out _));
    }

    [Fact]
    public async Task Ping_ReturnsEmptyResult()
    {
        await using McpTestHost host = await StartAsync();

        JsonElement result = await AssertResultAsync(await host.SendLegacyAsync("ping", id: "\"p\""), "\"p\"");

        Assert.Equal("{}", result.GetRawText());
    }

    [Theory]
    [InlineData("resources/list")]
    [InlineData("prompts/list")]
    [InlineData("logging/setLevel")]
    [InlineData("nope")]
    public async Task UnknownMethod_Gets200MethodNotFound(string method)
    {
        await using McpTestHost host = await StartAsync();

        HttpResponseMessage response = await host.SendLegacyAsync(method, "{}");

        string message = (await AssertErrorAsync(response, 200, -32601, "1")).GetProperty("message").GetString()!;
        Assert.Contains(method, message);
        Assert.Contains("tools/call", message);
    }

    [Fact]
    public async Task DiscoverWithoutMeta_IsAnsweredWithTheDiscoverResult()
    {
        await using McpTestHost host = await StartAsync();

        JsonElement result = await AssertResultAsync(await host.SendLegacyAsync("server/discover", protocolVersion: null));

        Assert.Equal("complete", result.GetProperty("resultType").GetString());
    }
}
