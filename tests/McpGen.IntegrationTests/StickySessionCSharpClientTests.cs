using System.Net;
using System.Text.Json;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpGen.IntegrationTests;

using CallToolResult = ModelContextProtocol.Protocol.CallToolResult;

/// <summary>
/// The official C# client (ModelContextProtocol.Core 2.3.1) against the sticky <see cref="SessionServer"/> on a real
/// Kestrel: it keeps Mcp-Session-Id itself, opens the GET stream after initialize, sends notifications/cancelled when a
/// call's token fires and DELETE when disposed.
/// </summary>
public sealed class StickySessionCSharpClientTests(SessionHost host) : IClassFixture<SessionHost>
{
    private const string Version = "2025-11-25";
    private static readonly TimeSpan Limit = RawSession.Limit;

    [Fact]
    public async Task Keeps_the_session_and_receives_progress_and_log_messages_at_the_level_it_set()
    {
        var logs = new Collector<LoggingMessageNotificationParams>();
        await using McpClient client = await CSharpClient.ConnectAsync(host.Endpoint, Version, handlers: new McpClientHandlers
        {
            NotificationHandlers = [Handler(NotificationMethods.LoggingMessageNotification, n => logs.Report(Parse<LoggingMessageNotificationParams>(n)))],
        });

        Assert.Equal(Version, client.NegotiatedProtocolVersion);
        Assert.StartsWith(SessionHost.ReplicaId + ".", client.SessionId, StringComparison.Ordinal);

        // The tool waits after its last report: the client hands progress over asynchronously (docs/wire-notes.md 2.4).
        var progress = new Collector<ProgressNotificationValue>();
        CallToolResult counted = await client.CallToolAsync("count", Args(("count", 5), ("delay", 10), ("settle", 300)), progress);
        Assert.Equal("counted to 5", counted.SingleText());
        await progress.WaitForCountAsync(5, TimeSpan.FromSeconds(2));
        Assert.Equal([1, 2, 3, 4, 5], progress.Items.Select(p => (int)p.Progress).Order());

        await client.SetLoggingLevelAsync(LoggingLevel.Warning);
        CallToolResult logged = await client.CallToolAsync("log_every_level", Args(("settle", 300)));

        Assert.Equal(client.SessionId, logged.SingleText()); // the tool ran in this client's session
        await logs.WaitForCountAsync(5, TimeSpan.FromSeconds(2));
        Assert.Equal(
            [LoggingLevel.Warning, LoggingLevel.Error, LoggingLevel.Critical, LoggingLevel.Alert, LoggingLevel.Emergency],
            logs.Items.Select(m => m.Level).Order());
        Assert.All(logs.Items, m => Assert.Equal(m.Level.ToString().ToLowerInvariant(), m.Data.GetString()));
    }

    [Fact]
    public async Task Receives_list_changes_and_the_updates_of_resources_it_subscribed_to_on_its_get_stream()
    {
        var received = new Collector<string>();
        var updates = new Collector<string>();
        await using McpClient client = await CSharpClient.ConnectAsync(host.Endpoint, Version, handlers: new McpClientHandlers
        {
            NotificationHandlers =
            [
                Handler(NotificationMethods.ToolListChangedNotification, _ => received.Report("tools")),
                Handler(NotificationMethods.PromptListChangedNotification, _ => received.Report("prompts")),
                Handler(NotificationMethods.ResourceListChangedNotification, _ => received.Report("resources")),
                Handler(NotificationMethods.ResourceUpdatedNotification, n => updates.Report(Parse<ResourceUpdatedNotificationParams>(n).Uri)),
            ],
        });
        Assert.True(client.ServerCapabilities.Tools?.ListChanged);
        Assert.True(client.ServerCapabilities.Resources?.Subscribe);

        // The client opens its GET stream in the background after initialize: raise a change until the stream carries one.
        await RaiseUntilReceivedAsync(() => host.Notifier.NotifyToolsListChangedAsync(), received, "tools");

        var subscribed = new Collector<string>();
        await client.SubscribeToResourceAsync(SessionServer.WatchedUri, (update, _) =>
        {
            subscribed.Report(update.Uri);
            return ValueTask.CompletedTask;
        });
        await host.Notifier.NotifyResourceUpdatedAsync(SessionServer.OtherUri);
        await host.Notifier.NotifyResourceUpdatedAsync(SessionServer.WatchedUri);
        await host.Notifier.NotifyPromptsListChangedAsync();
        await host.Notifier.NotifyResourcesListChangedAsync();

        await WaitUntilAsync(() => received.Items.Contains("resources") && subscribed.Items.Count > 0 && updates.Items.Count > 0);
        Assert.Contains("prompts", received.Items);
        Assert.Equal([SessionServer.WatchedUri], subscribed.Items);
        Assert.Equal([SessionServer.WatchedUri], updates.Items); // nothing about the resource it did not subscribe to

        await client.UnsubscribeFromResourceAsync(SessionServer.WatchedUri);
        await host.Notifier.NotifyResourceUpdatedAsync(SessionServer.WatchedUri);
        await host.Notifier.NotifyResourcesListChangedAsync();

        await WaitUntilAsync(() => received.Items.Count(r => r == "resources") == 2);
        Assert.Equal([SessionServer.WatchedUri], updates.Items);
    }

    [Fact]
    public async Task Cancelling_a_call_before_its_response_started_fires_the_tool_token()
    {
        await using McpClient client = await CSharpClient.ConnectAsync(host.Endpoint, Version);
        string key = "cs-cancel-" + Guid.NewGuid().ToString("N");
        using var cancellation = new CancellationTokenSource();

        Task<CallToolResult> call = client.CallToolAsync("block", Args(("key", key)), cancellationToken: cancellation.Token).AsTask();
        await host.Probe.WaitStartedAsync(key, Limit);
        cancellation.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(Limit));
        // 2.3.1 sends no notifications/cancelled over Streamable HTTP (captured): it drops the POST. Before any event id
        // reached it the client cannot resume, so the server takes the drop as the cancellation.
        await host.Probe.WaitCancelledAsync(key, Limit);

        CallToolResult after = await client.CallToolAsync("count", Args(("count", 1), ("delay", 0), ("settle", 0)));
        Assert.Equal("counted to 1", after.SingleText());
    }

    [Fact]
    public async Task A_cancelled_streaming_call_ends_at_the_latest_when_the_client_ends_its_session()
    {
        McpClient client = await CSharpClient.ConnectAsync(host.Endpoint, Version);
        string key = "cs-stream-cancel-" + Guid.NewGuid().ToString("N");
        using var cancellation = new CancellationTokenSource();
        var progress = new Collector<ProgressNotificationValue>();

        Task<CallToolResult> call = client.CallToolAsync("block", Args(("key", key)), progress, cancellationToken: cancellation.Token).AsTask();
        await host.Probe.WaitStartedAsync(key, Limit);
        await progress.WaitForCountAsync(1, Limit);
        cancellation.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(Limit));

        // The client held an event id when it dropped the stream, so the drop alone does not cancel (it could resume);
        // its DELETE on dispose ends the session and cancels what still runs in it.
        await client.DisposeAsync();
        await host.Probe.WaitCancelledAsync(key, Limit);
    }

    [Fact]
    public async Task Dispose_sends_delete_and_the_session_is_gone()
    {
        McpClient client = await CSharpClient.ConnectAsync(host.Endpoint, Version);
        using var raw = new RawSession(host.Endpoint) { SessionId = client.SessionId };
        Assert.NotEqual(0, (await raw.ResultAsync("tools/list")).GetProperty("tools").GetArrayLength());

        await client.DisposeAsync();

        using HttpResponseMessage after = await raw.SendAsync(raw.Request("tools/list"));
        Assert.Contains("Session not found", await RawSession.AssertErrorAsync(after, HttpStatusCode.NotFound), StringComparison.Ordinal);
    }

    private static KeyValuePair<string, Func<JsonRpcNotification, CancellationToken, ValueTask>> Handler(string method, Action<JsonRpcNotification> handle)
        => new(method, (notification, _) =>
        {
            handle(notification);
            return ValueTask.CompletedTask;
        });

    private static T Parse<T>(JsonRpcNotification notification)
        => notification.Params.Deserialize<T>(McpJsonUtilities.DefaultOptions) ?? throw new InvalidOperationException("no params: " + notification.Method);

    private static Dictionary<string, object?> Args(params (string Name, object Value)[] arguments)
        => arguments.ToDictionary(a => a.Name, a => (object?)a.Value);

    private static async Task RaiseUntilReceivedAsync(Func<ValueTask> raise, Collector<string> received, string expected)
    {
        DateTime deadline = DateTime.UtcNow + Limit;
        while (!received.Items.Contains(expected))
        {
            Assert.True(DateTime.UtcNow < deadline, $"'{expected}' never arrived on the client's GET stream within {Limit}.");
            await raise();
            await WaitUntilAsync(() => received.Items.Contains(expected), TimeSpan.FromMilliseconds(250), fail: false);
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan? limit = null, bool fail = true)
    {
        DateTime deadline = DateTime.UtcNow + (limit ?? Limit);
        while (!condition())
        {
            if (DateTime.UtcNow >= deadline)
            {
                Assert.False(fail, $"The condition was not met within {limit ?? Limit}.");
                return;
            }

            await Task.Delay(20);
        }
    }
}
