using System.Net;
using System.Text;
using McpGen.Runtime.Tests.Infrastructure;
using static McpGen.Runtime.Tests.Infrastructure.McpTestHost;

namespace McpGen.Runtime.Tests;

/// <summary>The HTTP layer: methods, content negotiation, size limits, message framing and the 202 paths.</summary>
public sealed class TransportTests
{
    private const string PingBody = """{"jsonrpc":"2.0","id":7,"method":"ping"}""";

    [Theory]
    [InlineData("GET")]
    [InlineData("DELETE")]
    [InlineData("PUT")]
    public async Task NonPostMethods_Get405WithAllowPost(string method)
    {
        await using McpTestHost host = await StartAsync();
        var request = new HttpRequestMessage(new HttpMethod(method), "/mcp");
        request.Headers.TryAddWithoutValidation("Accept", "text/event-stream");
        request.Headers.TryAddWithoutValidation("Mcp-Session-Id", "abc");
        request.Headers.TryAddWithoutValidation("Last-Event-ID", "42");
        HttpResponseMessage response = await host.Client.SendAsync(request);

        JsonElementAssert(await AssertErrorAsync(response, 405, -32000), "POST");
        Assert.Equal("POST", string.Join(",", response.Content.Headers.Allow));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("application/json")]
    [InlineData("text/event-stream")]
    [InlineData("text/html")]
    [InlineData("application/json, text/event-stream;q=0")]
    public async Task AcceptWithoutBothTypes_Gets406(string? accept)
    {
        await using McpTestHost host = await StartAsync();
        HttpRequestMessage request = Post(PingBody);
        request.Headers.Remove("Accept");
        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        HttpResponseMessage response = await host.Client.SendAsync(request);

        JsonElementAssert(await AssertErrorAsync(response, 406, -32000), "text/event-stream");
    }

    [Theory]
    [InlineData("*/*")]
    [InlineData("application/*, text/*")]
    [InlineData("text/event-stream, application/json;q=0.9")]
    [InlineData("APPLICATION/JSON, TEXT/EVENT-STREAM")]
    public async Task AcceptWildcardsAndCase_AreAccepted(string accept)
    {
        await using McpTestHost host = await StartAsync();
        HttpResponseMessage response = await host.Client.SendAsync(Post(PingBody, ("Accept", accept)));

        await AssertResultAsync(response, "7");
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData(null)]
    public async Task ContentTypeOtherThanJson_Gets415(string? contentType)
    {
        await using McpTestHost host = await StartAsync();
        HttpRequestMessage request = Post(PingBody);
        request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(PingBody));
        if (contentType is not null)
        {
            request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        HttpResponseMessage response = await host.Client.SendAsync(request);

        JsonElementAssert(await AssertErrorAsync(response, 415, -32000), "application/json");
    }

    [Fact]
    public async Task ContentTypeWithCharset_IsAccepted()
    {
        await using McpTestHost host = await StartAsync();
        HttpRequestMessage request = Post(PingBody);
        request.Content!.Headers.Remove("Content-Type");
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json; charset=utf-8");

        await AssertResultAsync(await host.Client.SendAsync(request), "7");
    }

    [Fact]
    public async Task BodyOverLimit_WithContentLength_Gets413()
    {
        await using McpTestHost host = await StartAsync(configure: o => o.MaxRequestBodySize = 100);
        string body = $$$"""{"jsonrpc":"2.0","id":1,"method":"ping","params":{"pad":"{{{new string('x', 200)}}}"}}""";

        HttpResponseMessage response = await host.Client.SendAsync(Post(body));

        JsonElementAssert(await AssertErrorAsync(response, 413, -32000), "100 bytes");
    }

    [Fact]
    public async Task BodyOverLimit_Chunked_Gets413()
    {
        await using McpTestHost host = await StartAsync(configure: o => o.MaxRequestBodySize = 100);
        string body = $$$"""{"jsonrpc":"2.0","id":1,"method":"ping","params":{"pad":"{{{new string('x', 5000)}}}"}}""";
        HttpRequestMessage request = Post(body);
        request.Content = new StreamContent(new NonSeekableStream(Encoding.UTF8.GetBytes(body)));
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        request.Headers.TransferEncodingChunked = true;

        HttpResponseMessage response = await host.Client.SendAsync(request);

        await AssertErrorAsync(response, 413, -32000);
    }

    [Fact]
    public async Task ChunkedBodyUnderLimit_IsServed()
    {
        await using McpTestHost host = await StartAsync();
        HttpRequestMessage request = Post(PingBody);
        request.Content = new StreamContent(new NonSeekableStream(Encoding.UTF8.GetBytes(PingBody)));
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        request.Headers.TransferEncodingChunked = true;

        await AssertResultAsync(await host.Client.SendAsync(request), "7");
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"ping"} {"jsonrpc":"2.0","id":2,"method":"ping"}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"ping",}""")]
    public async Task InvalidJson_Gets400ParseError(string body)
    {
        await using McpTestHost host = await StartAsync();

        HttpResponseMessage response = await host.Client.SendAsync(Post(body));

        await AssertErrorAsync(response, 400, -32700);
    }

    [Fact]
    public async Task Batch_OfARevisionAfter2025_03_26_Gets400InvalidRequestSayingOneMessagePerPost()
    {
        // Batches are served only for 2025-03-26 (RequestPathHardeningTests); 2025-06-18 removed them.
        await using McpTestHost host = await StartAsync();
        string body = """[{"jsonrpc":"2.0","id":1,"method":"ping"},{"jsonrpc":"2.0","id":2,"method":"ping"}]""";

        HttpResponseMessage response = await host.Client.SendAsync(Post(body, ("MCP-Protocol-Version", "2025-11-25")));

        JsonElementAssert(await AssertErrorAsync(response, 400, -32600), "one JSON-RPC message per HTTP POST");
    }

    [Theory]
    [InlineData("42", "null")]
    [InlineData("\"ping\"", "null")]
    [InlineData("""{"jsonrpc":"1.0","id":3,"method":"ping"}""", "3")]
    [InlineData("""{"id":3,"method":"ping"}""", "3")]
    [InlineData("""{"jsonrpc":"2.0","id":null,"method":"ping"}""", "null")]
    [InlineData("""{"jsonrpc":"2.0","id":{"a":1},"method":"ping"}""", "null")]
    [InlineData("""{"jsonrpc":"2.0","id":1.5,"method":"ping"}""", "null")]
    [InlineData("""{"jsonrpc":"2.0","id":"x"}""", "\"x\"")]
    [InlineData("""{"jsonrpc":"2.0","id":4,"method":42}""", "4")]
    [InlineData("""{"jsonrpc":"2.0","id":5,"method":"tools/list","params":[1,2]}""", "5")]
    public async Task InvalidMessage_Gets400InvalidRequestWithIdWhenReadable(string body, string id)
    {
        await using McpTestHost host = await StartAsync();

        HttpResponseMessage response = await host.Client.SendAsync(Post(body));

        await AssertErrorAsync(response, 400, -32600, id);
    }

    [Theory]
    [InlineData("""{"jsonrpc":"2.0","method":"notifications/initialized"}""")]
    [InlineData("""{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":1}}""")]
    [InlineData("""{"jsonrpc":"2.0","method":"notifications/whatever","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}}""")]
    [InlineData("""{"jsonrpc":"2.0","id":5,"result":{}}""")]
    [InlineData("""{"jsonrpc":"2.0","id":"s-1","error":{"code":-1,"message":"no"}}""")]
    public async Task NotificationsAndClientResponses_Get202WithNoBody(string body)
    {
        await using McpTestHost host = await StartAsync();

        HttpResponseMessage response = await host.Client.SendAsync(Post(body, ("MCP-Protocol-Version", "2025-11-25")));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        Assert.Null(response.Content.Headers.ContentType);
        AssertNoSession(response);
    }

    [Fact]
    public async Task SessionIdAndLastEventId_AreIgnoredAndNeverEchoed()
    {
        await using McpTestHost host = await StartAsync();

        HttpResponseMessage response = await host.Client.SendAsync(Post(
            """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"c","version":"1"}}}""",
            ("Mcp-Session-Id", "session-from-elsewhere"), ("Last-Event-ID", "9")));

        Assert.Equal("2025-11-25", (await AssertResultAsync(response)).GetProperty("protocolVersion").GetString());
    }

    [Theory]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":{"deep":[1,2,{"x":null}]}}}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"_meta":[],"name":"echo"}}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"cursor":{}}}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":7}}}""")]
    [InlineData("""{"jsonrpc":"2.0","id":"\u0031","method":"tools\/call","params":{"name":"\u0065cho","arguments":{"text":"\u00e9"}}}""")]
    public async Task OddButReadableMessages_NeverGet500(string body)
    {
        await using McpTestHost host = await StartAsync();

        HttpResponseMessage response = await host.Client.SendAsync(Post(body));

        Assert.True((int)response.StatusCode < 500, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
    }

    private static void JsonElementAssert(System.Text.Json.JsonElement error, string messagePart)
        => Assert.Contains(messagePart, error.GetProperty("message").GetString(), StringComparison.Ordinal);

    /// <summary>A stream with no length, so HttpClient sends the body chunked.</summary>
    private sealed class NonSeekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
