using System.Net;
using System.Text.Json;
using McpGen.Runtime.Tests.Infrastructure;
using static McpGen.Runtime.Tests.Infrastructure.ClientInputServers;

namespace McpGen.Runtime.Tests;

/// <summary>
/// Issue 11, the request path under abuse: MRTR digests of hostile arguments, Last-Event-ID forms, JSON-RPC batches on
/// 2025-03-26, limits with their errors, and the confused client that POSTs to the legacy <c>/sse</c> URL.
/// </summary>
public sealed partial class RequestPathHardeningTests
{
    // ---- Item 3: the MRTR request digest reads what the message reader admits (was: 500). ----

    [Theory]
    [InlineData("{\"x\":\"\\ud800\"}")]
    [InlineData("{\"x\":\"a\\udc00b\"}")]
    [InlineData("DEEP")]
    public async Task Mrtr_arguments_with_a_lone_surrogate_or_deep_nesting_are_sealed_and_retried_not_a_500(string arguments)
    {
        if (arguments == "DEEP")
        {
            // Deeper than Utf8JsonReader's default 64 levels, within the message reader's 128.
            arguments = "{\"x\":" + new string('[', 100) + new string(']', 100) + "}";
        }

        await using McpTestHost host = await McpTestHost.StartAsync(Create(), pipeline: UserFromHeader, kestrel: true);

        HttpResponseMessage first = await host.Client.SendAsync(Call("greet", id: "1", arguments: arguments));
        Assert.True(first.StatusCode == HttpStatusCode.OK, $"{(int)first.StatusCode}: {await first.Content.ReadAsStringAsync()}");
        (_, string state) = await AssertInputRequiredAsync(first, "1");

        // The same arguments verify against the sealed state; other arguments do not.
        HttpResponseMessage retry = await host.Client.SendAsync(Call("greet", Answers(("user_name", Accept("Alice"))), state, id: "2", arguments: arguments));
        JsonElement result = await McpTestHost.AssertResultAsync(retry, "2");
        Assert.Equal("complete", result.GetProperty("resultType").GetString());

        HttpResponseMessage other = await host.Client.SendAsync(Call("greet", Answers(("user_name", Accept("Alice"))), state, id: "3", arguments: "{\"x\":\"\\ud801\"}"));
        Assert.Equal(HttpStatusCode.BadRequest, other.StatusCode);
    }
}

public sealed partial class RequestPathHardeningTests
{
    // ---- Item 2: a Last-Event-ID that resumes nothing is a 400 with a JSON-RPC error, not an open keep-alive stream. ----

    [Theory]
    [InlineData("{digest}:AAAAAAAA1:5", "never had")]
    [InlineData("{digest}:AAAAAAAA1:0", "never had")]
    [InlineData("{digest}:g:999", "never had")]
    [InlineData("{digest}:g:1", "never had")]
    [InlineData("{digest}:sse:1", "not an event id")]
    [InlineData("{digest}:a:b:5", "not an event id")]
    [InlineData("{digest}:AAAAAAAA1:05", "not an event id")]
    [InlineData("{digest}:AAAAAAAA1:9999999999999999999", "not an event id")]
    [InlineData("{digest}:AAAAAAAA1: 5", "not an event id")]
    [InlineData("{digest}::5", "not an event id")]
    [InlineData("AAAAAAAAAAAA:g:0", "another session")]
    [InlineData("no-such-stream:5", "not an event id")]
    public async Task A_get_whose_last_event_id_resumes_nothing_is_a_400_with_a_json_rpc_error(string lastEventId, string expected)
    {
        // 2025-03-26: no priming, so sequence 0 of a request stream was never sent either.
        await using McpTestHost host = await McpTestHost.StartAsync(Create(McpSessionMode.Sticky), kestrel: true);
        string session = await InitializeAsync(host, "2025-03-26");
        string digest = McpGen.Sessions.McpSessionIds.StreamDigest(session);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));

        HttpResponseMessage response = await host.Client.SendAsync(Get(session, lastEventId.Replace("{digest}", digest, StringComparison.Ordinal)),
            HttpCompletionOption.ResponseHeadersRead, timeout.Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        JsonElement error = (await McpTestHost.JsonAsync(response)).GetProperty("error");
        Assert.Equal(-32600, error.GetProperty("code").GetInt32());
        Assert.Contains(expected, error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_get_with_the_priming_id_of_the_standalone_stream_resumes_it()
    {
        await using McpTestHost host = await McpTestHost.StartAsync(Create(McpSessionMode.Sticky), kestrel: true);
        string session = await InitializeAsync(host, "2025-11-25");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));

        HttpResponseMessage response = await host.Client.SendAsync(Get(session, McpGen.Sessions.McpSessionIds.StreamDigest(session) + ":g:0"),
            HttpCompletionOption.ResponseHeadersRead, timeout.Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
    }

    private static HttpRequestMessage Get(string session, string? lastEventId)
    {
        var get = new HttpRequestMessage(HttpMethod.Get, "/mcp");
        get.Headers.TryAddWithoutValidation("Accept", "text/event-stream");
        get.Headers.TryAddWithoutValidation("Mcp-Session-Id", session);
        if (lastEventId is not null)
        {
            get.Headers.TryAddWithoutValidation("Last-Event-ID", lastEventId);
        }

        return get;
    }

    private static async Task<string> InitializeAsync(McpTestHost host, string version, string capabilities = "{}")
    {
        HttpResponseMessage response = await host.Client.SendAsync(McpTestHost.Post(
            $$$$"""{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"{{{{version}}}}","capabilities":{{{{capabilities}}}},"clientInfo":{"name":"t","version":"1"}}}"""));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response.Headers.GetValues("Mcp-Session-Id").Single();
    }
}

public sealed partial class RequestPathHardeningTests
{
    // ---- Item 1: JSON-RPC batches on 2025-03-26, refused elsewhere with a message saying they were removed. ----

    private static HttpRequestMessage Batch(string body, string? session, string? version = null)
    {
        var headers = new List<(string, string)>();
        if (session is not null)
        {
            headers.Add(("Mcp-Session-Id", session));
        }

        if (version is not null)
        {
            headers.Add(("MCP-Protocol-Version", version));
        }

        return McpTestHost.Post(body, [.. headers]);
    }

    [Fact]
    public async Task A_batch_of_requests_on_a_2025_03_26_session_gets_one_json_array_of_every_answer()
    {
        await using McpTestHost host = await McpTestHost.StartAsync(Create(McpSessionMode.Sticky), kestrel: true);
        string session = await InitializeAsync(host, "2025-03-26");

        HttpResponseMessage response = await host.Client.SendAsync(Batch(
            """[{"jsonrpc":"2.0","id":1,"method":"ping"},{"jsonrpc":"2.0","method":"notifications/initialized"},{"jsonrpc":"2.0","id":"t","method":"tools/call","params":{"name":"no_context","arguments":{}}},{"jsonrpc":"2.0","id":3,"method":"no/such"},{"jsonrpc":"1.0","id":4,"method":"ping"},{"jsonrpc":"2.0","id":5,"method":"initialize","params":{"protocolVersion":"2025-03-26","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}]""",
            session));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        JsonElement answers = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Dictionary<string, JsonElement> byId = answers.EnumerateArray().ToDictionary(a => a.GetProperty("id").ToString());
        Assert.Equal(5, byId.Count); // the notification has no answer
        Assert.Equal("{}", byId["1"].GetProperty("result").GetRawText());
        Assert.Equal("plain", byId["t"].GetProperty("result").GetProperty("content")[0].GetProperty("text").GetString());
        Assert.Equal(-32601, byId["3"].GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal(-32600, byId["4"].GetProperty("error").GetProperty("code").GetInt32());
        Assert.Contains("must not be part of a JSON-RPC batch", byId["5"].GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_batch_of_only_notifications_and_responses_is_202()
    {
        await using McpTestHost host = await McpTestHost.StartAsync(Create(McpSessionMode.Sticky), kestrel: true);
        string session = await InitializeAsync(host, "2025-03-26");

        HttpResponseMessage response = await host.Client.SendAsync(Batch(
            """[{"jsonrpc":"2.0","method":"notifications/initialized"},{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":99}}]""", session));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task A_batch_whose_element_streams_becomes_one_event_stream_and_its_server_to_client_request_can_be_answered()
    {
        await using McpTestHost host = await McpTestHost.StartAsync(Create(McpSessionMode.Sticky), kestrel: true);
        string session = await InitializeAsync(host, "2025-03-26", """{"sampling":{}}""");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));

        HttpResponseMessage response = await host.Client.SendAsync(Batch(
            """[{"jsonrpc":"2.0","id":1,"method":"ping"},{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"sample_only","arguments":{}}}]""", session),
            HttpCompletionOption.ResponseHeadersRead, timeout.Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));
        var seen = new List<JsonElement>();
        JsonElement request;
        while (true)
        {
            JsonElement message = await SseReader.NextMessageAsync(reader, timeout.Token);
            if (message.TryGetProperty("method", out JsonElement method) && method.GetString() == "sampling/createMessage")
            {
                request = message;
                break;
            }

            seen.Add(message);
        }

        // The client answers while the batch is open; the tool's result then comes on the same stream.
        HttpResponseMessage answer = await host.Client.SendAsync(McpTestHost.Post(
            "{\"jsonrpc\":\"2.0\",\"id\":" + request.GetProperty("id").GetRawText() + ",\"result\":" + Sampled("Paris") + "}", ("Mcp-Session-Id", session)), timeout.Token);
        Assert.Equal(HttpStatusCode.Accepted, answer.StatusCode);
        while (!seen.Any(m => m.TryGetProperty("id", out JsonElement id) && id.ToString() == "2"))
        {
            seen.Add(await SseReader.NextMessageAsync(reader, timeout.Token));
        }

        Assert.Contains(seen, m => m.GetProperty("id").ToString() == "1" && m.GetProperty("result").GetRawText() == "{}");
        JsonElement result = seen.Single(m => m.TryGetProperty("id", out JsonElement id) && id.ToString() == "2").GetProperty("result");
        Assert.Contains("Paris", result.GetProperty("content")[0].GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2025-06-18", "removed in protocol revision 2025-06-18")]
    [InlineData("2025-11-25", "removed in protocol revision 2025-06-18")]
    public async Task A_batch_on_a_session_of_a_later_revision_is_400_saying_batches_were_removed(string version, string expected)
    {
        await using McpTestHost host = await McpTestHost.StartAsync(Create(McpSessionMode.Sticky), kestrel: true);
        string session = await InitializeAsync(host, version);

        HttpResponseMessage response = await host.Client.SendAsync(Batch("""[{"jsonrpc":"2.0","id":1,"method":"ping"}]""", session));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        JsonElement error = (await McpTestHost.JsonAsync(response)).GetProperty("error");
        Assert.Equal(-32600, error.GetProperty("code").GetInt32());
        Assert.Contains(expected, error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[]", "empty", -32600)]
    [InlineData("[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"},{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"},{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"ping\"}]", "MaxBatchSize", -32600)]
    [InlineData("[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}", "not valid JSON", -32700)]
    public async Task An_empty_oversized_or_unreadable_batch_is_one_400_error(string body, string expected, int code)
    {
        await using McpTestHost host = await McpTestHost.StartAsync(Create(McpSessionMode.Sticky), o => o.MaxBatchSize = 2, kestrel: true);
        string session = await InitializeAsync(host, "2025-03-26");

        HttpResponseMessage response = await host.Client.SendAsync(Batch(body, session));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        JsonElement error = (await McpTestHost.JsonAsync(response)).GetProperty("error");
        Assert.Equal(code, error.GetProperty("code").GetInt32());
        Assert.Contains(expected, error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, HttpStatusCode.OK)]
    [InlineData("2025-03-26", HttpStatusCode.OK)]
    [InlineData("2025-06-18", HttpStatusCode.BadRequest)]
    public async Task A_stateless_batch_is_served_when_the_protocol_version_is_2025_03_26_or_absent(string? version, HttpStatusCode expected)
    {
        await using McpTestHost host = await McpTestHost.StartAsync(kestrel: true);

        HttpResponseMessage response = await host.Client.SendAsync(Batch(
            """[{"jsonrpc":"2.0","id":1,"method":"tools/list"},{"jsonrpc":"2.0","id":2,"method":"ping"}]""", null, version));

        Assert.Equal(expected, response.StatusCode);
        JsonElement json = await McpTestHost.JsonAsync(response);
        if (expected == HttpStatusCode.OK)
        {
            Assert.Equal(2, json.GetArrayLength());
        }
        else
        {
            Assert.Contains("2025-06-18", json.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        }
    }
}

public sealed partial class RequestPathHardeningTests
{
    // ---- Item 4: limits, each an option with a spec-correct error. ----

    [Fact]
    public async Task A_message_nested_deeper_than_MaxJsonDepth_is_400_invalid_request_naming_the_option()
    {
        await using McpTestHost host = await McpTestHost.StartAsync(configure: o => o.MaxJsonDepth = 16, kestrel: true);
        string arguments = "{\"text\":" + new string('[', 20) + new string(']', 20) + "}";

        HttpResponseMessage response = await host.CallModernAsync("echo", arguments);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        JsonElement error = (await McpTestHost.JsonAsync(response)).GetProperty("error");
        Assert.Equal(-32600, error.GetProperty("code").GetInt32());
        Assert.Contains("MaxJsonDepth", error.GetProperty("message").GetString(), StringComparison.Ordinal);

        HttpResponseMessage within = await host.CallModernAsync("echo", "{\"text\":\"ok\"}");
        Assert.Equal(HttpStatusCode.OK, within.StatusCode);
    }

    [Fact]
    public async Task A_string_longer_than_MaxStringLength_is_400_invalid_params_naming_the_option()
    {
        await using McpTestHost host = await McpTestHost.StartAsync(configure: o => o.MaxStringLength = 1000, kestrel: true);

        HttpResponseMessage response = await host.CallModernAsync("echo", "{\"text\":\"" + new string('a', 1001) + "\"}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        JsonElement error = (await McpTestHost.JsonAsync(response)).GetProperty("error");
        Assert.Equal(-32602, error.GetProperty("code").GetInt32());
        Assert.Contains("MaxStringLength", error.GetProperty("message").GetString(), StringComparison.Ordinal);

        HttpResponseMessage within = await host.CallModernAsync("echo", "{\"text\":\"" + new string('a', 900) + "\"}");
        Assert.Equal(HttpStatusCode.OK, within.StatusCode);
    }

    [Fact]
    public async Task A_call_past_MaxConcurrentCallsPerSession_is_429_with_retry_after_and_a_json_rpc_error()
    {
        await using McpTestHost host = await McpTestHost.StartAsync(Create(McpSessionMode.Sticky), o => o.Sessions.MaxConcurrentCallsPerSession = 1, kestrel: true);
        string session = await InitializeAsync(host, "2025-06-18", """{"sampling":{}}""");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));

        // The first call waits for the client's sampling answer: it holds the session's one call slot.
        HttpResponseMessage first = await host.Client.SendAsync(McpTestHost.Post(
            """{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"sample_only","arguments":{}}}""", ("Mcp-Session-Id", session), ("MCP-Protocol-Version", "2025-06-18")),
            HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        using var reader = new StreamReader(await first.Content.ReadAsStreamAsync(timeout.Token));
        JsonElement request = await SseReader.NextMessageAsync(reader, timeout.Token);

        HttpResponseMessage second = await host.Client.SendAsync(McpTestHost.Post(
            """{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"no_context","arguments":{}}}""", ("Mcp-Session-Id", session), ("MCP-Protocol-Version", "2025-06-18")), timeout.Token);
        Assert.Equal((HttpStatusCode)429, second.StatusCode);
        Assert.Equal("1", second.Headers.GetValues("Retry-After").Single());
        JsonElement error = await McpTestHost.JsonAsync(second);
        Assert.Equal(2, error.GetProperty("id").GetInt32());
        Assert.Contains("MaxConcurrentCallsPerSession", error.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);

        // Answered, the first call ends and frees the slot.
        await host.Client.SendAsync(McpTestHost.Post("{\"jsonrpc\":\"2.0\",\"id\":" + request.GetProperty("id").GetRawText() + ",\"result\":" + Sampled("Paris") + "}",
            ("Mcp-Session-Id", session), ("MCP-Protocol-Version", "2025-06-18")), timeout.Token);
        Assert.Equal(1, (await SseReader.NextMessageAsync(reader, timeout.Token)).GetProperty("id").GetInt32());
        HttpResponseMessage third = await host.Client.SendAsync(McpTestHost.Post(
            """{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"no_context","arguments":{}}}""", ("Mcp-Session-Id", session), ("MCP-Protocol-Version", "2025-06-18")), timeout.Token);
        Assert.Equal(HttpStatusCode.OK, third.StatusCode);
    }

    [Fact]
    public async Task A_get_past_MaxStreamsPerSession_is_429_with_retry_after_and_a_json_rpc_error()
    {
        await using McpTestHost host = await McpTestHost.StartAsync(Create(McpSessionMode.Sticky), o => o.Sessions.MaxStreamsPerSession = 1, kestrel: true);
        string session = await InitializeAsync(host, "2025-06-18");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));

        using HttpResponseMessage open = await host.Client.SendAsync(Get(session, null), HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal(HttpStatusCode.OK, open.StatusCode);
        HttpResponseMessage second = await host.Client.SendAsync(Get(session, null), HttpCompletionOption.ResponseHeadersRead, timeout.Token);

        Assert.Equal((HttpStatusCode)429, second.StatusCode);
        Assert.Equal("1", second.Headers.GetValues("Retry-After").Single());
        Assert.Contains("MaxStreamsPerSession", (await McpTestHost.JsonAsync(second)).GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_that_stops_arriving_gets_408_with_a_json_rpc_error_after_BodyReadIdleTimeout()
    {
        await using McpTestHost host = await McpTestHost.StartAsync(configure: o => o.BodyReadIdleTimeout = TimeSpan.FromMilliseconds(500), kestrel: true);
        using var client = new System.Net.Sockets.TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, host.Client.BaseAddress!.Port);
        System.Net.Sockets.NetworkStream stream = client.GetStream();
        string head = $"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:{host.Client.BaseAddress.Port}\r\nAccept: application/json, text/event-stream\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n";
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(head + "{\"jsonrpc\":\"2.0\","));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var started = System.Diagnostics.Stopwatch.StartNew();

        using var reader = new StreamReader(stream, System.Text.Encoding.ASCII);
        string statusLine = await reader.ReadLineAsync(timeout.Token) ?? "";
        int contentLength = 0;
        while (await reader.ReadLineAsync(timeout.Token) is { Length: > 0 } header)
        {
            if (header.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
            {
                contentLength = int.Parse(header.AsSpan(15).Trim(), System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        char[] body = new char[contentLength];
        int read = 0;
        while (read < contentLength && await reader.ReadAsync(body.AsMemory(read), timeout.Token) is > 0 and int n)
        {
            read += n;
        }

        string rest = new(body, 0, read);
        Assert.StartsWith("HTTP/1.1 408", statusLine, StringComparison.Ordinal);
        Assert.Contains("\"code\":-32700", rest, StringComparison.Ordinal);
        Assert.Contains("stopped arriving", rest, StringComparison.Ordinal);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(5), $"took {started.Elapsed}");
    }

    [Theory]
    [InlineData("MaxJsonDepth", "MaxJsonDepth is 0")]
    [InlineData("MaxJsonDepthHigh", "MaxJsonDepth is 129")]
    [InlineData("MaxBatchSize", "MaxBatchSize is 0")]
    [InlineData("BodyReadIdleTimeout", "BodyReadIdleTimeout is -00:00:02")]
    [InlineData("MaxConcurrentCallsPerSession", "Sessions.MaxConcurrentCallsPerSession is -1")]
    public async Task An_option_out_of_range_fails_the_start_with_a_message_naming_it(string option, string expected)
    {
        Action<McpServerOptions> configure = option switch
        {
            "MaxJsonDepth" => o => o.MaxJsonDepth = 0,
            "MaxJsonDepthHigh" => o => o.MaxJsonDepth = 129,
            "MaxBatchSize" => o => o.MaxBatchSize = 0,
            "BodyReadIdleTimeout" => o => o.BodyReadIdleTimeout = TimeSpan.FromSeconds(-2),
            _ => o => o.Sessions.MaxConcurrentCallsPerSession = -1,
        };

        InvalidOperationException error = await Assert.ThrowsAsync<InvalidOperationException>(() => McpTestHost.StartAsync(configure: configure));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    // ---- Item 5: a POST to the legacy /sse URL. ----

    [Fact]
    public async Task A_post_to_the_legacy_sse_url_is_405_allow_get_with_a_json_rpc_error_naming_the_streamable_url()
    {
        await using McpTestHost host = await McpTestHost.StartAsync(Create(McpSessionMode.Sticky, legacySse: true), kestrel: true);
        HttpRequestMessage post = McpTestHost.Post("""{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-03-26","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}""");
        post.RequestUri = new Uri("/mcp/sse", UriKind.Relative);

        HttpResponseMessage response = await host.Client.SendAsync(post);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("GET", string.Join(",", response.Content.Headers.Allow));
        JsonElement error = (await McpTestHost.JsonAsync(response)).GetProperty("error");
        Assert.Equal(-32000, error.GetProperty("code").GetInt32());
        string message = error.GetProperty("message").GetString()!;
        Assert.Contains("send POST to /mcp instead", message, StringComparison.Ordinal);
        Assert.Contains("/mcp/message?sessionId=", message, StringComparison.Ordinal);
        Assert.Contains("ServeStreamableHttpOnSsePath", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task With_ServeStreamableHttpOnSsePath_a_post_to_the_sse_url_is_served_as_streamable_http_with_every_check(bool legacySse)
    {
        await using McpTestHost host = await McpTestHost.StartAsync(Create(McpSessionMode.Sticky, legacySse), o => o.ServeStreamableHttpOnSsePath = true, kestrel: true);
        const string initialize = """{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}""";
        HttpRequestMessage post = McpTestHost.Post(initialize);
        post.RequestUri = new Uri("/mcp/sse", UriKind.Relative);

        HttpResponseMessage response = await host.Client.SendAsync(post);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        string session = response.Headers.GetValues("Mcp-Session-Id").Single();
        HttpRequestMessage list = McpTestHost.Post("""{"jsonrpc":"2.0","id":1,"method":"tools/list"}""", ("Mcp-Session-Id", session), ("MCP-Protocol-Version", "2025-06-18"));
        list.RequestUri = new Uri("/mcp/sse", UriKind.Relative);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.SendAsync(list)).StatusCode);

        // The checks hold: DNS rebinding (Host), content negotiation.
        HttpRequestMessage rebound = McpTestHost.Post(initialize, ("Host", "evil.example.com"));
        rebound.RequestUri = new Uri("/mcp/sse", UriKind.Relative);
        Assert.Equal(HttpStatusCode.Forbidden, (await host.Client.SendAsync(rebound)).StatusCode);
        HttpRequestMessage text = McpTestHost.Post(initialize, ("Accept", "text/plain"));
        text.RequestUri = new Uri("/mcp/sse", UriKind.Relative);
        Assert.Equal(HttpStatusCode.NotAcceptable, (await host.Client.SendAsync(text)).StatusCode);
    }
}
