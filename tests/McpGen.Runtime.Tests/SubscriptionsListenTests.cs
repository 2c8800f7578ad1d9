using System.Net;
using System.Text;
using System.Text.Json;
using McpGen.Sessions;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using McpGen.Runtime.Tests.Infrastructure;
using static McpGen.Runtime.Tests.Infrastructure.McpTestHost;
using McpGen.ClientInput;
using McpGen.Dispatch;
using McpGen.Http;
using McpGen.Streaming;

namespace McpGen.Runtime.Tests;

/// <summary>subscriptions/listen (2026-07-28): acknowledgement first, the agreed filter, subscription ids, filtering.</summary>
public sealed class SubscriptionsListenTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Listen_AcknowledgesAgreedFilter_ThenSendsOnlyRequestedNotificationsTaggedWithTheSubscriptionId()
    {
        await using McpTestHost host = await StartAsync(FeatureServers.Standard());
        var notifier = new ChangeNotifier(host.Services.GetRequiredService<IMcpBackplane>(), "feature-server");

        string body = ModernBody("subscriptions/listen",
            "\"notifications\":{\"toolsListChanged\":true,\"resourceSubscriptions\":[\"test://watched\",\"test://static-text\",\"test://nope\"]}",
            id: "\"sub-7\"");
        using HttpRequestMessage request = Post(body, ("MCP-Protocol-Version", Modern), ("Mcp-Method", "subscriptions/listen"));
        using var cts = new CancellationTokenSource(Timeout);
        using HttpResponseMessage response = await host.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token), Encoding.UTF8);

        JsonElement ack = await SseReader.NextMessageAsync(reader, cts.Token);
        Assert.Equal("notifications/subscriptions/acknowledged", ack.GetProperty("method").GetString());
        JsonElement agreed = ack.GetProperty("params").GetProperty("notifications");

        // Only what the server offers: test://static-text is not subscribable and test://nope does not exist.
        Assert.Equal("""{"toolsListChanged":true,"resourceSubscriptions":["test://watched"]}""", agreed.GetRawText());
        Assert.Equal("sub-7", ack.GetProperty("params").GetProperty("_meta").GetProperty("io.modelcontextprotocol/subscriptionId").GetString());

        await notifier.NotifyPromptsListChangedAsync(cts.Token);          // not requested
        await notifier.NotifyResourceUpdatedAsync("test://static-text", cts.Token); // not agreed
        await notifier.NotifyToolsListChangedAsync(cts.Token);
        await notifier.NotifyResourceUpdatedAsync("test://watched", cts.Token);

        JsonElement first = await SseReader.NextMessageAsync(reader, cts.Token);
        JsonElement second = await SseReader.NextMessageAsync(reader, cts.Token);
        Assert.Equal("notifications/tools/list_changed", first.GetProperty("method").GetString());
        Assert.Equal("notifications/resources/updated", second.GetProperty("method").GetString());
        Assert.Equal("test://watched", second.GetProperty("params").GetProperty("uri").GetString());
        foreach (JsonElement notification in new[] { first, second })
        {
            Assert.Equal("sub-7", notification.GetProperty("params").GetProperty("_meta").GetProperty("io.modelcontextprotocol/subscriptionId").GetString());
        }
    }

    [Fact]
    public async Task Listen_WithoutNotificationsObject_Is400InvalidParams()
    {
        await using McpTestHost host = await StartAsync(FeatureServers.Standard());

        await AssertErrorAsync(await host.SendModernAsync("subscriptions/listen"), 400, -32602, "1");
        await AssertErrorAsync(await host.SendModernAsync("subscriptions/listen", "\"notifications\":{\"toolsListChanged\":\"yes\"}"), 400, -32602, "1");
    }

    [Fact]
    public async Task Listen_IsNotALegacyMethod()
    {
        await using McpTestHost host = await StartAsync(FeatureServers.Standard());

        await AssertErrorAsync(await host.SendLegacyAsync("subscriptions/listen", """{"notifications":{}}"""), 200, -32601, "1");
    }
}
