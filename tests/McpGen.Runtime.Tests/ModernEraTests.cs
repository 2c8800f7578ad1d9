using System.Text.Json;
using McpGen.Runtime.Tests.Infrastructure;
using static McpGen.Runtime.Tests.Infrastructure.McpTestHost;

namespace McpGen.Runtime.Tests;

/// <summary>2026-07-28 requests: per-request _meta, mirrored headers, server/discover, mapped error statuses.</summary>
public sealed class ModernEraTests
{
    private static readonly string[] AllVersions = ["2026-07-28", "2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"];

    [Fact]
    public async Task Discover_ReturnsVersionsCapabilitiesCachingAndServerInfo()
    {
        await using McpTestHost host = await StartAsync();

        HttpResponseMessage response = await host.SendModernAsync("server/discover", id: "\"discover-1\"");

        JsonElement result = await AssertResultAsync(response, "\"discover-1\"");
        Assert.Equal("complete", result.GetProperty("resultType").GetString());
        Assert.Equal(AllVersions, result.GetProperty("supportedVersions").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal("""{"listChanged":true}""", result.GetProperty("capabilities").GetProperty("tools").GetRawText());
        Assert.Equal("Use echo to repeat text.", result.GetProperty("instructions").GetString());
        Assert.Equal(300_000, result.GetProperty("ttlMs").GetInt64());
        Assert.Equal("public", result.GetProperty("cacheScope").GetString());
        AssertServerInfo(result);
    }

    [Fact]
    public async Task DiscoverProbe_AsTheCSharpClientSendsIt_IsAnsweredModern()
    {
        await using McpTestHost host = await StartAsync();
        const string body = """{"method":"server/discover","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientInfo":{"name":"csclient","version":"2.3.1-test"},"io.modelcontextprotocol/clientCapabilities":{}}},"id":1,"jsonrpc":"2.0"}""";

        HttpResponseMessage response = await host.Client.SendAsync(Post(body, ("MCP-Protocol-Version", "2026-07-28"), ("Mcp-Method", "server/discover")));

        JsonElement result = await AssertResultAsync(response);
        Assert.Contains("2026-07-28", result.GetProperty("supportedVersions").EnumerateArray().Select(v => v.GetString()));
    }

    [Fact]
    public async Task ToolsList_CarriesResultTypeTtlCacheScopeAndServerInfo()
    {
        await using McpTestHost host = await StartAsync(configure: o => o.ListTimeToLive = TimeSpan.FromSeconds(42));

        JsonElement result = await AssertResultAsync(await host.SendModernAsync("tools/list", id: "0"), "0");

        Assert.Equal("complete", result.GetProperty("resultType").GetString());
        Assert.Equal(42_000, result.GetProperty("ttlMs").GetInt64());
        Assert.Equal("public", result.GetProperty("cacheScope").GetString());
        Assert.False(result.TryGetProperty("nextCursor", out _));
        Assert.Equal(10, result.GetProperty("tools").GetArrayLength());
        Assert.Equal("add", result.GetProperty("tools")[0].GetProperty("name").GetString());
        AssertServerInfo(result);
    }

    [Fact]
    public async Task ToolsCall_ReturnsResultWithResultTypeAndServerInfo()
    {
        await using McpTestHost host = await StartAsync();

        JsonElement result = await AssertResultAsync(await host.CallModernAsync("echo", """{"text":"héllo"}"""));

        Assert.Equal("héllo", result.GetProperty("content")[0].GetProperty("text").GetString());
        Assert.Equal("text", result.GetProperty("content")[0].GetProperty("type").GetString());
        Assert.Equal("complete", result.GetProperty("resultType").GetString());
        Assert.False(result.TryGetProperty("isError", out _));
        AssertServerInfo(result);
    }

    [Fact]
    public async Task ToolsCall_SeesModernRequestContext()
    {
        await using McpTestHost host = await StartAsync();

        JsonElement result = await AssertResultAsync(await host.CallModernAsync("whoami", id: "\"req-9\""), "\"req-9\"");

        Assert.Equal("2026-07-28|True|\"req-9\"|tests", result.GetProperty("content")[0].GetProperty("text").GetString());
    }

    [Theory]
    [InlineData("2099-01-01")]
    [InlineData("2025-13-45")]
    [InlineData("")]
    public async Task UnsupportedVersion_Gets400UnsupportedProtocolVersionWithSupportedList(string version)
    {
        await using McpTestHost host = await StartAsync();
        string meta = Meta.Replace("2026-07-28", version, StringComparison.Ordinal);

        HttpResponseMessage response = await host.Client.SendAsync(Post(ModernBody("tools/list", meta: meta),
            ("MCP-Protocol-Version", version), ("Mcp-Method", "tools/list")));

        JsonElement error = await AssertErrorAsync(response, 400, -32022, "1");
        Assert.Equal(AllVersions, error.GetProperty("data").GetProperty("supported").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal(version, error.GetProperty("data").GetProperty("requested").GetString());
    }

    [Fact]
    public async Task HeaderDisagreeingWithAnUnsupportedMetaVersion_IsAHeaderMismatchNotAnUnsupportedVersion()
    {
        await using McpTestHost host = await StartAsync();
        string meta = Meta.Replace("2026-07-28", "v999.0.0", StringComparison.Ordinal);

        HttpResponseMessage response = await host.Client.SendAsync(Post(ModernBody("server/discover", meta: meta),
            ("MCP-Protocol-Version", "2026-07-28"), ("Mcp-Method", "server/discover")));

        JsonElement error = await AssertErrorAsync(response, 400, -32020, "1");
        Assert.Contains("'2026-07-28'", error.GetProperty("message").GetString());
        Assert.Contains("'v999.0.0'", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task MissingProtocolVersionHeader_Gets400HeaderMismatch()
    {
        await using McpTestHost host = await StartAsync();

        HttpResponseMessage response = await host.Client.SendAsync(Post(ModernBody("tools/list"), ("Mcp-Method", "tools/list")));

        JsonElement error = await AssertErrorAsync(response, 400, -32020, "1");
        Assert.Contains("MCP-Protocol-Version", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task ProtocolVersionHeaderDifferentFromMeta_Gets400HeaderMismatchNamingBothValues()
    {
        await using McpTestHost host = await StartAsync();

        HttpResponseMessage response = await host.Client.SendAsync(Post(ModernBody("tools/list"),
            ("MCP-Protocol-Version", "2025-11-25"), ("Mcp-Method", "tools/list")));

        string message = (await AssertErrorAsync(response, 400, -32020, "1")).GetProperty("message").GetString()!;
        Assert.Contains("MCP-Protocol-Version", message);
        Assert.Contains("'2025-11-25'", message);
        Assert.Contains("'2026-07-28'", message);
    }

    [Fact]
    public async Task MissingMethodHeader_Gets400HeaderMismatch()
    {
        await using McpTestHost host = await StartAsync();

        HttpResponseMessage response = await host.Client.SendAsync(Post(ModernBody("tools/list"), ("MCP-Protocol-Version", Modern)));

        Assert.Contains("Mcp-Method", (await AssertErrorAsync(response, 400, -32020, "1")).GetProperty("message").GetString());
    }

    [Fact]
    public async Task MethodHeaderDifferentFromBody_Gets400HeaderMismatch()
    {
        await using McpTestHost host = await StartAsync();

        HttpResponseMessage response = await host.Client.SendAsync(Post(ModernBody("tools/list"),
            ("MCP-Protocol-Version", Modern), ("Mcp-Method", "tools/call")));

        string message = (await AssertErrorAsync(response, 400, -32020, "1")).GetProperty("message").GetString()!;
        Assert.Contains("'tools/call'", message);
        Assert.Contains("'tools/list'", message);
    }

    [Fact]
    public async Task MethodHeaderIsCaseSensitive()
    {
        await using McpTestHost host = await StartAsync();

        HttpResponseMessage response = await host.Client.SendAsync(Post(ModernBody("tools/list"),
            ("mcp-protocol-version", Modern), ("mcp-method", "Tools/List")));

        await AssertErrorAsync(response, 400, -32020, "1");
    }

    [Fact]
    public async Task MissingNameHeaderOnToolsCall_Gets400HeaderMismatch()
    {
        await using McpTestHost host = await StartAsync();

        HttpResponseMessage response = await host.Client.SendAsync(Post(ModernBody("tools/call", "\"name\":\"echo\",\"arguments\":{\"text\":\"x\"}"),
            ("MCP-Protocol-Version", Modern), ("Mcp-Method", "tools/call")));

        Assert.Contains("Mcp-Name", (await AssertErrorAsync(response, 400, -32020, "1")).GetProperty("message").GetString());
    }

    [Fact]
    public async Task NameHeaderDifferentFromBody_Gets400HeaderMismatchNamingBothValues()
    {
        await using McpTestHost host = await StartAsync();

        HttpResponseMessage response = await host.Client.SendAsync(Post(ModernBody("tools/call", "\"name\":\"echo\",\"arguments\":{\"text\":\"x\"}"),
            ("MCP-Protocol-Version", Modern), ("Mcp-Method", "tools/call"), ("Mcp-Name", "crash")));

        string message = (await AssertErrorAsync(response, 400, -32020, "1")).GetProperty("message").GetString()!;
        Assert.Contains("Mcp-Name header value 'crash' does not match body value 'echo'", message);
    }

    [Theory]
    [InlineData("=?base64?ZWNobw==?=")]
    [InlineData("echo")]
    public async Task NameHeader_PlainOrBase64_MatchesBody(string header)
    {
        await using McpTestHost host = await StartAsync();

        HttpResponseMessage response = await host.Client.SendAsync(Post(ModernBody("tools/call", "\"name\":\"echo\",\"arguments\":{\"text\":\"ok\"}"),
            ("MCP-Protocol-Version", Modern), ("Mcp-Method", "tools/call"), ("Mcp-Name", header)));

        Assert.Equal("ok", (await AssertResultAsync(response)).GetProperty("content")[0].GetProperty("text").GetString());
    }

    [Theory]
    [InlineData("=?base64?Y3Jhc2g=?=")] // "crash"
    [InlineData("=?base64?not base64!?=")]
    [InlineData("=?BASE64?ZWNobw==?=")] // the markers are case-sensitive: compared as plain text
    public async Task NameHeader_Base64Mismatch_Gets400HeaderMismatch(string header)
    {
        await using McpTestHost host = await StartAsync();

        HttpResponseMessage response = await host.Client.SendAsync(Post(ModernBody("tools/call", "\"name\":\"echo\",\"arguments\":{}"),
            ("MCP-Protocol-Version", Modern), ("Mcp-Method", "tools/call"), ("Mcp-Name", header)));

        await AssertErrorAsync(response, 400, -32020, "1");
    }

    [Fact]
    public async Task NonAsciiToolName_MatchesBase64Header()
    {
        McpToolDefinition tool = TestTools.Tool("météo", ctx => { ctx.WriteText("sunny"); return ValueTask.CompletedTask; });
        await using McpTestHost host = await StartAsync(new TestServerDefinition("s", "1", [tool]));
        string encoded = "=?base64?" + Convert.ToBase64String("météo"u8) + "?=";

        HttpResponseMessage response = await host.Client.SendAsync(Post(ModernBody("tools/call", "\"name\":\"m\\u00e9t\\u00e9o\""),
            ("MCP-Protocol-Version", Modern), ("Mcp-Method", "tools/call"), ("Mcp-Name", encoded)));

        Assert.Equal("sunny", (await AssertResultAsync(response)).GetProperty("content")[0].GetProperty("text").GetString());
    }

    [Theory]
    [InlineData("""{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}""")]
    [InlineData("""{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":null}""")]
    [InlineData("""{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":"all"}""")]
    public async Task MissingClientCapabilities_Gets400InvalidParams(string meta)
    {
        await using McpTestHost host = await StartAsync();

        HttpResponseMessage response = await host.Client.SendAsync(Post(ModernBody("tools/list", meta: meta),
            ("MCP-Protocol-Version", Modern), ("Mcp-Method", "tools/list")));

        Assert.Contains("clientCapabilities", (await AssertErrorAsync(response, 400, -32602, "1")).GetProperty("message").GetString());
    }

    [Fact]
    public async Task NonStringProtocolVersionInMeta_Gets400InvalidParams()
    {
        await using McpTestHost host = await StartAsync();
        string meta = """{"io.modelcontextprotocol/protocolVersion":20260728,"io.modelcontextprotocol/clientCapabilities":{}}""";

        HttpResponseMessage response = await host.Client.SendAsync(Post(ModernBody("tools/list", meta: meta),
            ("MCP-Protocol-Version", Modern), ("Mcp-Method", "tools/list")));

        await AssertErrorAsync(response, 400, -32602, "1");
    }

    [Theory]
    [InlineData("initialize")]
    [InlineData("ping")]
    [InlineData("logging/setLevel")]
    [InlineData("resources/subscribe")]
    [InlineData("resources/list")]
    [InlineData("foo/bar")]
    public async Task UnknownOrRemovedMethods_Get404MethodNotFound(string method)
    {
        await using McpTestHost host = await StartAsync();

        HttpResponseMessage response = await host.SendModernAsync(method);

        string message = (await AssertErrorAsync(response, 404, -32601, "1")).GetProperty("message").GetString()!;
        Assert.Contains(method, message);
        Assert.Contains("server/discover", message);
    }

    [Fact]
    public async Task ModernInitialize_ExplainsThereIsNoHandshake()
    {
        await using McpTestHost host = await StartAsync();

        HttpResponseMessage response = await host.SendModernAsync("initialize", "\"protocolVersion\":\"2026-07-28\"");

        Assert.Contains("no handshake", (await AssertErrorAsync(response, 404, -32601, "1")).GetProperty("message").GetString());
    }

    [Fact]
    public async Task ModernToolsCall_WithoutProgressFeature_IsPlainJsonEvenWithProgressToken()
    {
        await using McpTestHost host = await StartAsync();

        HttpResponseMessage response = await host.CallModernAsync("echo", """{"text":"a"}""", extraMeta: "\"progressToken\":\"t\"");

        Assert.Equal("a", (await AssertResultAsync(response)).GetProperty("content")[0].GetProperty("text").GetString());
    }

    private static void AssertServerInfo(JsonElement result)
    {
        JsonElement info = result.GetProperty("_meta").GetProperty("io.modelcontextprotocol/serverInfo");
        Assert.Equal("test-server", info.GetProperty("name").GetString());
        Assert.Equal("1.2.3", info.GetProperty("version").GetString());
        Assert.Equal("Test Server", info.GetProperty("title").GetString());
    }
}
