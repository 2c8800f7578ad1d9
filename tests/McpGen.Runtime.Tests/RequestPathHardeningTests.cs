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
