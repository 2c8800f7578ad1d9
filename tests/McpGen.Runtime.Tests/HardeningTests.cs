using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using McpGen.Runtime.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace McpGen.Runtime.Tests;

/// <summary>
/// Issue 11: what tests/McpGen.Fuzz found, one regression test per class. A client's mistake gets a 4xx (or a per-argument
/// invalid-params result) with a JSON-RPC error that is itself valid UTF-8 JSON, never a 500, a -32603, or an Error log.
/// </summary>
public sealed class HardeningTests
{
    private const string Lone = "\\ud800";

    // ---- Escaped lone surrogates and invalid UTF-8 in the members the endpoint reads (were: 500 + Error log). ----

    public static TheoryData<string, int> LoneSurrogateBodies => new()
    {
        { $$$$"""{"jsonrpc":"2.0","id":1,"method":"tools/li{{{{Lone}}}}st"}""", -32600 },
        { $$$$"""{"jsonrpc":"2.0","id":"a{{{{Lone}}}}","method":"ping"}""", -32600 },
        { $$$$"""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo{{{{Lone}}}}","arguments":{}}}""", -32602 },
        { $$$$"""{"jsonrpc":"2.0","id":1,"method":"resources/read","params":{"uri":"test://{{{{Lone}}}}"}}""", -32602 },
        { $$$$"""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-{{{{Lone}}}}","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}""", -32602 },
        { $$$$"""{"jsonrpc":"2.0","id":1,"method":"completion/complete","params":{"ref":{"type":"ref/prompt","name":"{{{{Lone}}}}"},"argument":{"name":"a","value":"b"}}}""", -32602 },
        { $$$$"""{"jsonrpc":"2.0","id":1,"method":"logging/setLevel","params":{"level":"inf{{{{Lone}}}}"}}""", -32602 },
        { $$$$"""{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28{{{{Lone}}}}"}}}""", -32602 },
    };

    [Theory]
    [MemberData(nameof(LoneSurrogateBodies))]
    public async Task An_escaped_lone_surrogate_in_a_member_the_endpoint_reads_is_a_400_with_a_json_rpc_error_and_no_error_log(string body, int code)
    {
        var logs = new CollectingLoggerProvider();
        await using McpTestHost host = await McpTestHost.StartAsync(services: s => s.AddSingleton<ILoggerProvider>(logs));

        HttpResponseMessage response = await host.Client.SendAsync(McpTestHost.Post(body, ("MCP-Protocol-Version", "2025-11-25")));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        JsonElement error = (await McpTestHost.JsonAsync(response)).GetProperty("error");
        Assert.Equal(code, error.GetProperty("code").GetInt32());
        Assert.Contains("lone surrogate", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Empty(logs.Errors);
    }

    [Theory]
    [InlineData(new byte[] { 0xC3, 0x28 })]
    [InlineData(new byte[] { 0xFF })]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })]
    public async Task A_request_id_holding_invalid_utf8_is_a_parse_error_whose_answer_is_utf8_json_with_id_null(byte[] bad)
    {
        var logs = new CollectingLoggerProvider();
        await using McpTestHost host = await McpTestHost.StartAsync(services: s => s.AddSingleton<ILoggerProvider>(logs));
        byte[] body = [.. "{\"jsonrpc\":\"2.0\",\"id\":\"a"u8, .. bad, .. "\",\"method\":\"ping\"}"u8];
        var request = McpTestHost.Post("", ("MCP-Protocol-Version", "2025-11-25"));
        request.Content = new ByteArrayContent(body);
        request.Content.Headers.ContentType = new("application/json");

        HttpResponseMessage response = await host.Client.SendAsync(request);

        byte[] answer = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(Utf8.IsValid(answer), "the error response is not UTF-8: " + Convert.ToHexString(answer));
        JsonElement json = JsonDocument.Parse(answer).RootElement;
        Assert.Equal(JsonValueKind.Null, json.GetProperty("id").ValueKind);
        Assert.Equal(-32700, json.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Empty(logs.Errors);
    }

    [Theory]
    [InlineData("1.5")]
    [InlineData("1e400")]
    [InlineData("true")]
    public async Task A_progress_token_that_is_neither_string_nor_integer_is_ignored_never_echoed(string token)
    {
        await using McpTestHost host = await McpTestHost.StartAsync();

        HttpResponseMessage response = await host.CallModernAsync("progress", "{}", extraMeta: "\"progressToken\":" + token);

        string body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("notifications/progress", body, StringComparison.Ordinal);
        Assert.Contains("\"done\"", body, StringComparison.Ordinal);
    }

    // ---- Arguments: invalid text or deep nesting is the client's mistake, reported per argument (were: -32603 + Error log). ----

    [Theory]
    [InlineData("{\"text\":\"ok" + Lone + "\"}")]
    [InlineData("DEEP")]
    [InlineData("{\"text\":\"\\udc00\"}")]
    public async Task Invalid_text_or_deep_nesting_in_a_tool_argument_is_a_per_argument_error_without_an_error_log(string arguments)
    {
        if (arguments == "DEEP")
        {
            // Deeper than a default reader's 64 levels, within the message reader's 128.
            arguments = "{\"text\":" + new string('[', 90) + new string(']', 90) + "}";
        }

        var logs = new CollectingLoggerProvider();
        await using McpTestHost host = await McpTestHost.StartAsync(services: s => s.AddSingleton<ILoggerProvider>(logs));

        HttpResponseMessage response = await host.CallModernAsync("echo", arguments);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        JsonElement result = await McpTestHost.AssertResultAsync(response);

        Assert.True(result.GetProperty("isError").GetBoolean());
        string text = result.GetProperty("content")[0].GetProperty("text").GetString()!;
        Assert.Contains("'text'", text, StringComparison.Ordinal);
        Assert.DoesNotContain("An error occurred", text, StringComparison.Ordinal);
        Assert.Empty(logs.Errors);
    }

    [Theory]
    [InlineData("argument")]
    [InlineData("ref")]
    [InlineData("context")]
    public async Task Deep_nesting_in_a_completion_request_is_an_invalid_params_error_without_an_error_log(string member)
    {
        // 125 levels: within the message reader's 128, beyond a default reader's 64 (found by the fuzzer: HTTP 500).
        string deep = new string('[', 125) + new string(']', 125);
        string ref_ = member == "ref" ? "{\"type\":\"ref/prompt\",\"name\":" + deep + "}" : "{\"type\":\"ref/prompt\",\"name\":\"with_args\"}";
        string argument = member == "argument" ? "{\"name\":\"arg1\",\"value\":" + deep + "}" : "{\"name\":\"arg1\",\"value\":\"py\"}";
        string context = member == "context" ? ",\"context\":{\"arguments\":" + deep + "}" : "";
        var logs = new CollectingLoggerProvider();
        await using McpTestHost host = await McpTestHost.StartAsync(FeatureServers.Standard(), services: s => s.AddSingleton<ILoggerProvider>(logs));

        HttpResponseMessage response = await host.SendLegacyAsync("completion/complete", "{\"ref\":" + ref_ + ",\"argument\":" + argument + context + "}");

        await McpTestHost.AssertErrorAsync(response, 200, -32602, "1");
        Assert.Empty(logs.Errors);
    }

    // ---- A body that cannot be read to the end (was: 200 with an empty body). ----

    [Theory]
    [InlineData("Transfer-Encoding: chunked\r\n", "zz\r\n{}\r\n0\r\n\r\n", false)]
    [InlineData("Transfer-Encoding: chunked\r\n", "2\r\n{}XX0\r\n\r\n", false)]
    public async Task A_body_that_cannot_be_read_to_the_end_gets_an_http_error_status_not_200(string framing, string body, bool halfClose)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddMcpServerCore(o => o.SerializerOptions = TestJsonContext.Default.Options);
        await using WebApplication app = builder.Build();
        app.MapMcp("/mcp", TestTools.Standard());
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, address.Port);
        NetworkStream stream = client.GetStream();
        string head = $"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:{address.Port}\r\nAccept: application/json, text/event-stream\r\nContent-Type: application/json\r\n{framing}Connection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head + body));
        if (halfClose)
        {
            client.Client.Shutdown(SocketShutdown.Send);
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var reader = new StreamReader(stream, Encoding.ASCII);
        string statusLine = await reader.ReadLineAsync(timeout.Token) ?? "";

        Assert.StartsWith("HTTP/1.1 4", statusLine, StringComparison.Ordinal);
    }

    // ---- Session rules whose fix belongs in Transport/Sessions (the lead's rewrite): these fail until it lands. ----

    [Theory]
    [InlineData("""{"jsonrpc":"2.0","method":"notifications/initialized"}""")]
    [InlineData("""{"jsonrpc":"2.0","id":"srv-1","result":{}}""")]
    public async Task A_client_notification_or_response_without_a_session_id_on_a_session_server_is_400(string body)
    {
        await using McpTestHost host = await McpTestHost.StartAsync(ClientInputServers.Create(McpSessionMode.Sticky));

        HttpResponseMessage response = await host.Client.SendAsync(McpTestHost.Post(body, ("MCP-Protocol-Version", "2025-11-25")));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task A_get_with_a_last_event_id_of_a_stream_the_session_never_had_is_an_error_not_an_open_stream()
    {
        await using McpTestHost host = await McpTestHost.StartAsync(ClientInputServers.Create(McpSessionMode.Sticky));
        string session = await InitializeAsync(host, "2025-11-25");
        var get = new HttpRequestMessage(HttpMethod.Get, "/mcp");
        get.Headers.TryAddWithoutValidation("Accept", "text/event-stream");
        get.Headers.TryAddWithoutValidation("Mcp-Session-Id", session);
        get.Headers.TryAddWithoutValidation("MCP-Protocol-Version", "2025-11-25");
        get.Headers.TryAddWithoutValidation("Last-Event-ID", "no-such-stream:5");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));

        HttpResponseMessage response = await host.Client.SendAsync(get, HttpCompletionOption.ResponseHeadersRead, timeout.Token);

        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound, $"got {(int)response.StatusCode} {response.Content.Headers.ContentType}");
    }

    [Fact]
    public async Task A_batch_on_a_2025_03_26_session_is_served()
    {
        await using McpTestHost host = await McpTestHost.StartAsync(ClientInputServers.Create(McpSessionMode.Sticky));
        string session = await InitializeAsync(host, "2025-03-26");

        HttpResponseMessage response = await host.Client.SendAsync(McpTestHost.Post(
            """[{"jsonrpc":"2.0","id":1,"method":"ping"},{"jsonrpc":"2.0","id":2,"method":"ping"}]""",
            ("Mcp-Session-Id", session)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        JsonElement answers = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(JsonValueKind.Array, answers.ValueKind);
        Assert.Equal(2, answers.GetArrayLength());
    }

    private static async Task<string> InitializeAsync(McpTestHost host, string version)
    {
        HttpResponseMessage response = await host.Client.SendAsync(McpTestHost.Post(
            $$$$"""{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"{{{{version}}}}","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"""));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response.Headers.GetValues("Mcp-Session-Id").Single();
    }
    // ---- Capabilities nested as deep as the reader admits (was: 500 from the store's session writer, depth 64). ----

    [Fact]
    public void A_session_whose_capabilities_nest_as_deep_as_a_message_may_is_written_and_read_back_unchanged()
    {
        int depth = McpGen.Protocol.JsonRpcMessageReader.MaxDepth - 8; // room for the message around the capabilities
        string capabilities = "{\"sampling\":" + new string('[', depth) + new string(']', depth) + "}";
        var session = new McpGen.Sessions.McpSessionState("s1") { ClientCapabilities = Encoding.UTF8.GetBytes(capabilities) };

        McpGen.Sessions.McpSessionState read = McpGen.Sessions.McpSessionStateJson.Deserialize(McpGen.Sessions.McpSessionStateJson.Serialize(session));

        Assert.Equal(capabilities, Encoding.UTF8.GetString(read.ClientCapabilities.Span));
    }
    // ---- Two resources/subscribe of one session at once (a batch of two: was a 500 from a HashSet changed by both). ----

    [Fact]
    public async Task A_sessions_subscriptions_take_concurrent_changes_and_enumeration_without_losing_any()
    {
        var state = new McpGen.Sessions.McpSessionState("s1");
        using var stop = new CancellationTokenSource();
        Task reader = Task.Run(() =>
        {
            int seen = 0;
            while (!stop.IsCancellationRequested)
            {
                foreach (string uri in state.Subscriptions)
                {
                    seen += uri.Length > 0 ? 1 : 0; // walks a snapshot while the writers change the set
                }
            }

            return seen;
        });

        await Task.WhenAll(Enumerable.Range(0, 4).Select(w => Task.Run(() =>
        {
            for (int i = 0; i < 5000; i++)
            {
                state.Subscriptions.Add($"test://{w}/{i}");
                state.Subscriptions.Remove($"test://{w}/{i - 1}");
            }
        })));
        stop.Cancel();
        await reader;

        Assert.Equal(4, state.Subscriptions.Count); // each writer's last URI
        Assert.Equal(Enumerable.Range(0, 4).Select(w => $"test://{w}/4999").Order(), state.Subscriptions.Order());
    }

    [Fact]
    public async Task A_batch_with_an_unknown_protocol_version_header_is_told_about_the_header_not_about_batches()
    {
        await using McpTestHost host = await McpTestHost.StartAsync(ClientInputServers.Create(McpSessionMode.Sticky));
        string session = await InitializeAsync(host, "2025-03-26");

        HttpResponseMessage response = await host.Client.SendAsync(McpTestHost.Post(
            """[{"jsonrpc":"2.0","id":1,"method":"ping"}]""", ("Mcp-Session-Id", session), ("MCP-Protocol-Version", "2025-03-26, x")));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        string message = (await McpTestHost.JsonAsync(response)).GetProperty("error").GetProperty("message").GetString()!;
        Assert.StartsWith("Invalid request: Unsupported MCP-Protocol-Version header '2025-03-26, x'", message, StringComparison.Ordinal);
    }
}
