using System.Text;
using System.Text.Json;
using McpGen.Runtime.Tests.Infrastructure;
using static McpGen.Runtime.Tests.Infrastructure.McpTestHost;

namespace McpGen.Runtime.Tests;

/// <summary>
/// x-mcp-header: on 2026-07-28 calls the Mcp-Param-{Name} headers must mirror the arguments (400 + -32020 otherwise),
/// with the =?base64?...?= encoding decoded strictly; serverInfo icons follow the negotiated version.
/// </summary>
public sealed class ParamHeaderTests
{
    /// <summary>A tool mirroring a string, an integer and a boolean argument; it answers with its raw arguments.</summary>
    private static TestServerDefinition HeaderServer() => new("header-server", "1.0.0", [
        new McpToolDefinition(
            "query",
            Encoding.UTF8.GetBytes("""{"name":"query","description":"Runs a query.","inputSchema":{"type":"object","properties":{"region":{"type":"string","x-mcp-header":"Region"},"priority":{"type":"integer","x-mcp-header":"Priority"},"verbose":{"type":"boolean","x-mcp-header":"Verbose"},"sql":{"type":"string"}}}}"""),
            context =>
            {
                context.WriteText(Encoding.UTF8.GetString(context.Arguments.Span));
                return ValueTask.CompletedTask;
            })
        {
            Headers = [new McpToolHeader("Region", "region"), new McpToolHeader("Priority", "priority"), new McpToolHeader("Verbose", "verbose")],
        },
    ])
    {
        Icons = """[{"src":"https://example.com/icon.png","sizes":["48x48"]}]"""u8.ToArray(),
    };

    private static Task<HttpResponseMessage> CallAsync(McpTestHost host, string arguments, params (string Name, string Value)[] headers)
    {
        string body = ModernBody("tools/call", "\"name\":\"query\",\"arguments\":" + arguments);
        (string, string)[] all = [("MCP-Protocol-Version", Modern), ("Mcp-Method", "tools/call"), ("Mcp-Name", "query"), .. headers];
        return host.Client.SendAsync(Post(body, all));
    }

    private static async Task<string> AssertMismatchAsync(HttpResponseMessage response)
        => (await AssertErrorAsync(response, 400, -32020, "1")).GetProperty("message").GetString()!;

    [Fact]
    public async Task Matching_headers_are_accepted()
    {
        await using McpTestHost host = await StartAsync(HeaderServer());

        JsonElement result = await AssertResultAsync(await CallAsync(host, """{"region":"us-west1","priority":3,"verbose":false,"sql":"SELECT 1"}""",
            ("Mcp-Param-Region", "us-west1"), ("Mcp-Param-Priority", "3"), ("Mcp-Param-Verbose", "false")));

        Assert.Contains("us-west1", result.GetProperty("content")[0].GetProperty("text").GetString());
        Assert.False(result.TryGetProperty("isError", out _));
    }

    [Fact]
    public async Task A_missing_header_for_a_value_in_the_body_is_rejected_naming_header_argument_and_value()
    {
        await using McpTestHost host = await StartAsync(HeaderServer());

        string message = await AssertMismatchAsync(await CallAsync(host, """{"region":"test-value"}"""));

        Assert.Contains("the Mcp-Param-Region header is missing", message);
        Assert.Contains("argument 'region'", message);
        Assert.Contains("Mcp-Param-Region: 'test-value'", message);
    }

    [Theory]
    [InlineData("""{"region":"us-west1"}""", "Mcp-Param-Region", "eu-west1")]
    [InlineData("""{"region":"us-west1"}""", "Mcp-Param-Region", "US-WEST1")] // values are case-sensitive
    [InlineData("""{"priority":42}""", "Mcp-Param-Priority", "43")]
    [InlineData("""{"priority":42}""", "Mcp-Param-Priority", "forty-two")]
    [InlineData("""{"verbose":true}""", "Mcp-Param-Verbose", "True")]
    [InlineData("""{"verbose":true}""", "Mcp-Param-Verbose", "false")]
    [InlineData("""{"region":"42"}""", "Mcp-Param-Region", "042")]
    public async Task A_different_value_is_rejected(string arguments, string header, string value)
    {
        await using McpTestHost host = await StartAsync(HeaderServer());

        string message = await AssertMismatchAsync(await CallAsync(host, arguments, (header, value)));

        Assert.Contains($"{header} header value '{value}' does not match argument", message);
    }

    [Theory]
    [InlineData("""{"priority":42}""", "42.0")]
    [InlineData("""{"priority":42.0}""", "42")]
    [InlineData("""{"priority":-7}""", "-7")]
    [InlineData("""{"priority":1e2}""", "100")]
    public async Task Integers_are_compared_numerically(string arguments, string header)
    {
        await using McpTestHost host = await StartAsync(HeaderServer());

        await AssertResultAsync(await CallAsync(host, arguments, ("Mcp-Param-Priority", header)));
    }

    [Theory]
    [InlineData("Hello", "=?base64?SGVsbG8=?=")] // valid base64 is decoded before comparing
    [InlineData("SGVsbG8=", "SGVsbG8=")] // no sentinel: literal
    [InlineData("=?base64?SGVsbG8=", "=?base64?SGVsbG8=")] // no suffix: literal
    [InlineData("SGVsbG8=?=", "SGVsbG8=?=")] // no prefix: literal
    [InlineData("=?base64?literal?=", "=?base64?PT9iYXNlNjQ/bGl0ZXJhbD89?=")] // a value that looks encoded is sent encoded
    [InlineData(" padded ", "=?base64?IHBhZGRlZCA=?=")]
    [InlineData("line1\nline2", "=?base64?bGluZTEKbGluZTI=?=")]
    [InlineData("Hello, 世界", "=?base64?SGVsbG8sIOS4lueVjA==?=")]
    [InlineData("café", "=?base64?Y2Fmw6k=?=")]
    public async Task Encoded_and_literal_values_are_compared_after_decoding(string value, string header)
    {
        await using McpTestHost host = await StartAsync(HeaderServer());
        string arguments = "{\"region\":" + JsonSerializer.Serialize(value) + "}";

        await AssertResultAsync(await CallAsync(host, arguments, ("Mcp-Param-Region", header)));
    }

    [Theory]
    [InlineData("=?base64?SGVsbG8?=")] // missing padding
    [InlineData("=?base64?SGVs!!!bG8=?=")] // not in the alphabet
    [InlineData("=?base64?SGVs bG8=?=")] // whitespace
    [InlineData("=?base64?SGVsbG8_?=")] // URL-safe alphabet
    [InlineData("=?base64?/w==?=")] // not UTF-8
    [InlineData("=?base64??=")] // empty
    public async Task Malformed_base64_is_rejected(string header)
    {
        await using McpTestHost host = await StartAsync(HeaderServer());

        string message = await AssertMismatchAsync(await CallAsync(host, """{"region":"Hello"}""", ("Mcp-Param-Region", header)));

        Assert.Contains("is malformed", message);
        Assert.Contains("=?base64?", message);
    }

    [Fact]
    public async Task Characters_outside_visible_ascii_are_rejected()
    {
        await using McpTestHost host = await StartAsync(HeaderServer());

        string message = await AssertMismatchAsync(await CallAsync(host, """{"region":"café"}""", ("Mcp-Param-Region", "café")));

        Assert.Contains("is malformed", message);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"region":null,"priority":null}""")]
    [InlineData("""{"sql":"SELECT 1"}""")]
    public async Task No_header_is_expected_for_an_absent_or_null_argument(string arguments)
    {
        await using McpTestHost host = await StartAsync(HeaderServer());

        await AssertResultAsync(await CallAsync(host, arguments));
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"region":null}""")]
    public async Task A_header_for_an_argument_without_a_value_is_rejected(string arguments)
    {
        await using McpTestHost host = await StartAsync(HeaderServer());

        string message = await AssertMismatchAsync(await CallAsync(host, arguments, ("Mcp-Param-Region", "us-west1")));

        Assert.Contains("argument 'region' of tool 'query' has no value", message);
    }

    [Fact]
    public async Task Header_names_are_case_insensitive()
    {
        await using McpTestHost host = await StartAsync(HeaderServer());

        await AssertResultAsync(await CallAsync(host, """{"region":"eu"}""", ("mcp-param-region", "eu")));
        await AssertResultAsync(await CallAsync(host, """{"region":"eu"}""", ("MCP-PARAM-REGION", "eu")));
    }

    [Fact]
    public async Task The_last_of_a_repeated_argument_is_the_one_compared_as_the_binder_reads_it()
    {
        await using McpTestHost host = await StartAsync(HeaderServer());

        await AssertResultAsync(await CallAsync(host, """{"region":"a","region":"b"}""", ("Mcp-Param-Region", "b")));
        await AssertMismatchAsync(await CallAsync(host, """{"region":"a","region":"b"}""", ("Mcp-Param-Region", "a")));
    }

    [Fact]
    public async Task An_escaped_json_string_is_compared_by_its_value()
    {
        await using McpTestHost host = await StartAsync(HeaderServer());

        await AssertResultAsync(await CallAsync(host, """{"region":"us\u002dwest1"}""", ("Mcp-Param-Region", "us-west1")));
    }

    [Fact]
    public async Task Initialize_era_calls_are_not_checked()
    {
        await using McpTestHost host = await StartAsync(HeaderServer());

        HttpResponseMessage response = await host.SendLegacyAsync("tools/call", """{"name":"query","arguments":{"region":"eu"}}""");

        await AssertResultAsync(response);
    }

    [Fact]
    public async Task Unknown_tool_is_reported_before_headers()
    {
        await using McpTestHost host = await StartAsync(HeaderServer());
        string body = ModernBody("tools/call", "\"name\":\"nope\",\"arguments\":{\"region\":\"eu\"}");

        HttpResponseMessage response = await host.Client.SendAsync(Post(body, ("MCP-Protocol-Version", Modern), ("Mcp-Method", "tools/call"), ("Mcp-Name", "nope")));

        await AssertErrorAsync(response, 200, -32602, "1");
    }

    [Theory]
    [InlineData("2025-11-25", true)]
    [InlineData("2025-06-18", false)]
    [InlineData("2025-03-26", false)]
    public async Task ServerInfo_carries_icons_from_2025_11_25(string version, bool expected)
    {
        await using McpTestHost host = await StartAsync(HeaderServer());

        JsonElement result = await AssertResultAsync(await host.SendLegacyAsync("initialize", "{\"protocolVersion\":\"" + version + "\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}", protocolVersion: null));

        Assert.Equal(version, result.GetProperty("protocolVersion").GetString());
        JsonElement info = result.GetProperty("serverInfo");
        Assert.Equal("header-server", info.GetProperty("name").GetString());
        Assert.Equal(expected, info.TryGetProperty("icons", out JsonElement icons));
        if (expected)
        {
            Assert.Equal("""[{"src":"https://example.com/icon.png","sizes":["48x48"]}]""", icons.GetRawText());
        }
    }

    [Fact]
    public async Task Modern_serverInfo_carries_icons()
    {
        await using McpTestHost host = await StartAsync(HeaderServer());

        JsonElement result = await AssertResultAsync(await host.SendModernAsync("server/discover"));

        JsonElement info = result.GetProperty("_meta").GetProperty("io.modelcontextprotocol/serverInfo");
        Assert.Equal("https://example.com/icon.png", info.GetProperty("icons")[0].GetProperty("src").GetString());
    }
}
