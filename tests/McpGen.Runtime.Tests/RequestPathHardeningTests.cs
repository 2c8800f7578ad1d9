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

    private static async Task<string> InitializeAsync(McpTestHost host, string version)
    {
        HttpResponseMessage response = await host.Client.SendAsync(McpTestHost.Post(
            $$$$"""{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"{{{{version}}}}","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"""));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response.Headers.GetValues("Mcp-Session-Id").Single();
    }
}
