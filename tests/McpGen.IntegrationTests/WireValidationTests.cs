using System.Net;
using System.Text;
using Everything;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpGen.IntegrationTests;

using CallToolResult = ModelContextProtocol.Protocol.CallToolResult;

/// <summary>
/// Issue 11, everything the server sends validates: <see cref="SchemaValidatingHandler"/> (which every C# client of the
/// integration tests sends through) catches what it must, and the Everything server passes it in every mode and era.
/// </summary>
public sealed class WireValidationTests
{
    private const string Session = "s-1";

    public static TheoryData<string, string> ModesAndEras()
    {
        var data = new TheoryData<string, string>();
        foreach (string mode in new[] { "stateless", "sticky", "store" })
        {
            foreach (string era in new[] { "2025-03-26", "2025-06-18", "2025-11-25", "2026-07-28" })
            {
                data.Add(mode, era);
            }
        }

        return data;
    }

    [Fact]
    public async Task A_result_that_fails_its_revision_schema_fails_the_exchange_with_revision_definition_and_schema_path()
    {
        // A tool without its required inputSchema.
        var server = new CannedServer(_ => Json("""{"jsonrpc":"2.0","id":7,"result":{"tools":[{"name":"broken"}]}}"""));
        var validator = new SchemaValidatingHandler(server);
        using var http = new HttpClient(validator);

        WireSchemaException caught = await Assert.ThrowsAsync<WireSchemaException>(() => http.SendAsync(Post("""{"jsonrpc":"2.0","id":7,"method":"tools/list"}""", "2025-11-25")));

        Assert.Equal("2025-11-25", caught.Revision);
        Assert.Equal("ListToolsResult", caught.Definition);
        Assert.Contains("/tools/0", caught.Problem, StringComparison.Ordinal);
        Assert.Contains("inputSchema", caught.Problem, StringComparison.Ordinal);
        Assert.Contains("(schema ", caught.Message, StringComparison.Ordinal);
        Assert.Contains("\"broken\"", caught.Message, StringComparison.Ordinal);

        // Every later exchange through the handler fails with the same violation: a test cannot carry on past it.
        WireSchemaException again = await Assert.ThrowsAsync<WireSchemaException>(() => http.SendAsync(Post("""{"jsonrpc":"2.0","id":8,"method":"ping"}""", "2025-11-25")));
        Assert.Same(caught, again);
        Assert.Equal(1, server.Requests);
    }

    [Fact]
    public async Task A_notification_on_an_event_stream_that_fails_the_schema_fails_the_read()
    {
        // A progress notification echoing a progressToken that is neither string nor integer (an issue 11 class).
        var server = new CannedServer(_ => Sse(
            """{"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":1.5,"progress":1}}""",
            """{"jsonrpc":"2.0","id":3,"result":{"content":[]}}"""));
        var validator = new SchemaValidatingHandler(server);
        using var http = new HttpClient(validator);

        using HttpResponseMessage response = await http.SendAsync(Post("""{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"t","_meta":{"progressToken":1.5}}}""", "2025-06-18"), HttpCompletionOption.ResponseHeadersRead);
        WireSchemaException caught = await Assert.ThrowsAsync<WireSchemaException>(() => response.Content.ReadAsStringAsync());

        Assert.Equal("2025-06-18", caught.Revision);
        Assert.Equal("ServerNotification", caught.Definition);
        Assert.Contains("progressToken", caught.Problem, StringComparison.Ordinal);
        Assert.Same(caught, validator.FirstViolation);
    }

    [Fact]
    public async Task Structured_content_is_checked_against_the_tools_own_output_schema()
    {
        const string list = """{"jsonrpc":"2.0","id":1,"result":{"tools":[{"name":"count","inputSchema":{"type":"object"},"outputSchema":{"type":"object","properties":{"n":{"type":"integer"}},"required":["n"]}}]}}""";
        string call = """{"jsonrpc":"2.0","id":2,"result":{"content":[{"type":"text","text":"{}"}],"structuredContent":{"n":"three"}}}""";
        var server = new CannedServer(body => Json(body.Contains("tools/list", StringComparison.Ordinal) ? list : call));
        var validator = new SchemaValidatingHandler(server);
        using var http = new HttpClient(validator);

        using (HttpResponseMessage listed = await http.SendAsync(Post("""{"jsonrpc":"2.0","id":1,"method":"tools/list"}""", "2025-11-25")))
        {
            Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        }

        WireSchemaException caught = await Assert.ThrowsAsync<WireSchemaException>(() => http.SendAsync(Post("""{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"count"}}""", "2025-11-25")));

        Assert.Equal("outputSchema of count", caught.Definition);
        Assert.Contains("/n", caught.Problem, StringComparison.Ordinal);
        Assert.Equal(1, validator.Validated);

        // A successful result of that tool without structuredContent is caught as well.
        call = """{"jsonrpc":"2.0","id":1,"result":{"content":[]}}""";
        var second = new SchemaValidatingHandler(new CannedServer(body => Json(body.Contains("tools/list", StringComparison.Ordinal) ? list : call)));
        using var again = new HttpClient(second);
        (await again.SendAsync(Post("""{"jsonrpc":"2.0","id":1,"method":"tools/list"}""", "2025-11-25"))).Dispose();
        WireSchemaException missing = await Assert.ThrowsAsync<WireSchemaException>(() => again.SendAsync(Post("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"count"}}""", "2025-11-25")));
        Assert.Contains("no structuredContent", missing.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Valid_messages_pass_and_the_initialize_result_sets_the_revision_of_the_session()
    {
        // initialize negotiates 2024-11-05 (draft-07 names: JSONRPCResponse); the later request carries no version header.
        var server = new CannedServer(body => body.Contains("initialize", StringComparison.Ordinal)
            ? Json("""{"jsonrpc":"2.0","id":0,"result":{"protocolVersion":"2024-11-05","capabilities":{},"serverInfo":{"name":"s","version":"1"}}}""", Session)
            : Json("""{"jsonrpc":"2.0","id":1,"result":{"prompts":[{"name":"p","arguments":[{"name":"a","required":true}]}]}}"""));
        var validator = new SchemaValidatingHandler(server);
        using var http = new HttpClient(validator);

        (await http.SendAsync(Post("""{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"c","version":"1"}}}""", null))).Dispose();
        HttpRequestMessage prompts = Post("""{"jsonrpc":"2.0","id":1,"method":"prompts/list"}""", null);
        prompts.Headers.Add("Mcp-Session-Id", Session);
        (await http.SendAsync(prompts)).Dispose();

        Assert.Null(validator.FirstViolation);
        Assert.Equal(2, validator.Validated);
    }

    [Theory]
    [MemberData(nameof(ModesAndEras))]
    public async Task Everything_the_Everything_server_sends_validates(string mode, string era)
    {
        var host = new ModeHost(mode);
        await host.InitializeAsync();
        try
        {
            await UseEverythingAsync(host, era);
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    private static async Task UseEverythingAsync(EverythingHost host, string era)
    {
        var validator = new SchemaValidatingHandler();
        var progress = new Collector<ProgressNotificationValue>();
        await using (McpClient client = await CSharpClient.ConnectAsync(host.Endpoint, era, validator: validator))
        {
            Assert.Equal(era, client.NegotiatedProtocolVersion);
            IList<McpClientTool> tools = await client.ListToolsAsync();
            Assert.Contains(tools, t => t.Name == "test_simple_text");
            await client.CallToolAsync("test_simple_text");
            await client.CallToolAsync("test_image_content");
            await client.CallToolAsync("test_audio_content");
            await client.CallToolAsync("test_embedded_resource");
            await client.CallToolAsync("test_multiple_content_types");
            await client.CallToolAsync("test_tool_with_logging");
            CallToolResult failed = await client.CallToolAsync("test_error_handling");
            Assert.True(failed.IsError);
            await client.CallToolAsync("test_tool_with_progress", progress: progress);
            await client.ListResourcesAsync();
            await client.ListResourceTemplatesAsync();
            await client.ReadResourceAsync("test://static-text");
            await client.ReadResourceAsync("test://static-binary");
            await client.ReadResourceAsync("test://template/abc-42/data");
            await Assert.ThrowsAnyAsync<Exception>(async () => await client.ReadResourceAsync("test://no-such-resource"));
            await client.ListPromptsAsync();
            await client.GetPromptAsync("test_simple_prompt");
            await client.GetPromptAsync("test_prompt_with_arguments", new Dictionary<string, object?> { ["arg1"] = "a", ["arg2"] = "b" });
            await client.GetPromptAsync("test_prompt_with_embedded_resource", new Dictionary<string, object?> { ["resourceUri"] = "test://static-text" });
            await client.GetPromptAsync("test_prompt_with_image");
            await client.CompleteAsync(new PromptReference { Name = "test_prompt_with_arguments" }, "arg1", "te");
            if (era != EverythingCSharpClientTests.Modern)
            {
                await client.PingAsync(); // 2026-07-28 removed ping
            }
        }

        Assert.Null(validator.FirstViolation);
        // initialize (or discover) + 21 answers, plus the progress and log notifications that arrived.
        Assert.True(validator.Validated >= 21, $"only {validator.Validated} messages were validated");
    }

    private static HttpRequestMessage Post(string body, string? version)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "http://127.0.0.1:9/mcp") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (version is not null)
        {
            request.Headers.Add("MCP-Protocol-Version", version);
        }

        return request;
    }

    private static HttpResponseMessage Json(string body, string? session = null)
    {
        var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (session is not null)
        {
            response.Headers.Add("Mcp-Session-Id", session);
        }

        return response;
    }

    private static HttpResponseMessage Sse(params string[] messages)
    {
        string stream = string.Concat(messages.Select((m, i) => $"id: e{i}\nevent: message\ndata: {m}\n\n"));
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(stream, Encoding.UTF8, "text/event-stream") };
    }

    /// <summary>A server that answers every request with what <paramref name="answer"/> makes of its body (no network).</summary>
    private sealed class CannedServer(Func<string, HttpResponseMessage> answer) : HttpMessageHandler
    {
        private int _requests;

        public int Requests => _requests;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _requests);
            string body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
            return answer(body);
        }
    }

    /// <summary>The Everything server of a mode (store: in memory) on a real Kestrel, for one test.</summary>
    private sealed class ModeHost(string mode) : EverythingHost
    {
        protected override string Mode => mode;
    }
}
