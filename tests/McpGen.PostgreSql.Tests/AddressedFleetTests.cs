using System.Net;
using System.Text;
using System.Text.Json;
using McpGen.PostgreSql.Tests.Infrastructure;
using McpGen.Runtime.Tests.Infrastructure;
using McpGen.Sessions;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;
using static McpGen.Runtime.Tests.Infrastructure.McpTestHost;

namespace McpGen.PostgreSql.Tests;

/// <summary>
/// In-process store-backed replicas on one PostgreSQL database (a schema per fleet): the messages each replica's
/// backplane receives per session operation stay the same when the fleet grows from 3 to 6 replicas (addressed delivery;
/// with one broadcast NOTIFY channel, every replica received every replica's messages, so it grew with the fleet).
/// </summary>
public sealed class AddressedFleetTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Sessions = 12;

    private readonly TestSchemas _schemas = new();

    public Task InitializeAsync() => _schemas.InitializeAsync();

    public Task DisposeAsync() => _schemas.DisposeAsync().AsTask();

    [Fact]
    public async Task MessagesReceivedPerReplicaPerOperation_DoNotGrowFrom3To6Replicas()
    {
        (double three, McpBackplaneCounts total3, int ops3) = await RunFleetAsync(3);
        (double six, McpBackplaneCounts total6, int ops6) = await RunFleetAsync(6);
        output.WriteLine($"3 replicas: {total3} over {ops3} operations: {three:F2} received per replica per operation served");
        output.WriteLine($"6 replicas: {total6} over {ops6} operations: {six:F2} received per replica per operation served");

        // Broadcasting would double it (every replica receives every message); addressed, it stays put. Wide margin:
        // the count of re-sent keep-alives and follow acknowledgements varies a little with timing.
        Assert.True(six <= three * 1.25 + 0.2, $"per-replica receive per operation grew from {three:F2} (3 replicas) to {six:F2} (6 replicas)");
        Assert.True(total6.Received > 0 && total3.Received > 0);
    }

    /// <summary>
    /// Runs the workload on <paramref name="replicas"/> replicas. Per session: initialize on one replica (a); a tools/call
    /// that asks the client for input on the next (b), answered through a third (c); a call with progress on b whose
    /// stream the client drops after two steps and resumes on c (c follows b's stream: the remaining progress and the
    /// answer); resources/subscribe on a, the GET stream on c, a resources/updated published on b; a call on b cancelled
    /// with notifications/cancelled through c. Returns the received messages per replica per operation served (total
    /// received / operations: each operation is served by one replica).
    /// </summary>
    private async Task<(double PerReplicaPerOperation, McpBackplaneCounts Total, int Operations)> RunFleetAsync(int replicas)
    {
        string schema = _schemas.NewName();
        var hosts = new List<McpTestHost>();
        try
        {
            for (int i = 0; i < replicas; i++)
            {
                hosts.Add(await StartAsync(FleetServer.Create(),
                    o => o.Sessions.StoreCacheDuration = TimeSpan.Zero,
                    s => s.AddMcpGenPostgreSql(_schemas.ConnectionString, o => o.SchemaName = schema)));
            }

            // Warm up: every replica subscribes (its node channels) before counting.
            foreach (McpTestHost host in hosts)
            {
                await FleetServer.InitializeAsync(host);
            }

            McpBackplaneCounts[] before = [.. hosts.Select(Counts)];
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
            int operations = 0;
            for (int s = 0; s < Sessions; s++)
            {
                McpTestHost a = hosts[s % replicas], b = hosts[(s + 1) % replicas], c = hosts[(s + 2) % replicas];
                string session = await FleetServer.InitializeAsync(a);
                operations++;
                await ElicitThroughAnotherReplicaAsync(session, b, c, cts.Token);
                operations += 2;
                await ProgressOnAFollowedStreamAsync(session, b, c, cts.Token);
                operations += 2;
                await ResourceUpdatedToAGetStreamAsync(session, a, b, c, cts.Token);
                operations += 3;
                await CancelThroughAnotherReplicaAsync(session, b, c, cts.Token);
                operations += 2;
            }

            // Let in-flight notifications land before reading the counters.
            await Task.Delay(500);
            McpBackplaneCounts total = default;
            for (int i = 0; i < hosts.Count; i++)
            {
                McpBackplaneCounts since = Counts(hosts[i]).Since(before[i]);
                output.WriteLine($"  replica {i + 1}/{replicas}: {since}");
                total = new(total.ReceivedAddressed + since.ReceivedAddressed, total.ReceivedBroadcast + since.ReceivedBroadcast,
                    total.Delivered + since.Delivered, total.Dropped + since.Dropped);
            }

            return ((double)total.Received / operations, total, operations);
        }
        finally
        {
            foreach (McpTestHost host in hosts)
            {
                await host.DisposeAsync();
            }
        }
    }

    private static McpBackplaneCounts Counts(McpTestHost host)
        => host.Services.GetRequiredService<IMcpBackplane>().Counters?.Snapshot() ?? throw new InvalidOperationException("the backplane counts nothing");

    private static async Task ElicitThroughAnotherReplicaAsync(string session, McpTestHost b, McpTestHost c, CancellationToken cancellationToken)
    {
        using HttpResponseMessage call = await b.Client.SendAsync(
            FleetServer.InSession(session, """{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"greet","arguments":{}}}"""),
            HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        using var events = new StreamReader(await call.Content.ReadAsStreamAsync(cancellationToken), Encoding.UTF8);
        JsonElement elicitation = await SseReader.NextMessageAsync(events, cancellationToken);
        string requestId = elicitation.GetProperty("id").GetString()!;
        using HttpResponseMessage answer = await c.Client.SendAsync(FleetServer.InSession(session,
            "{\"jsonrpc\":\"2.0\",\"id\":" + JsonSerializer.Serialize(requestId) + ",\"result\":" + ClientInputServers.Accept("Ada") + "}"), cancellationToken);
        Assert.Equal(HttpStatusCode.Accepted, answer.StatusCode);
        JsonElement result = await SseReader.NextMessageAsync(events, cancellationToken);
        Assert.Equal("Hello, Ada!", result.GetProperty("result").GetProperty("content")[0].GetProperty("text").GetString());
    }

    private static async Task ProgressOnAFollowedStreamAsync(string session, McpTestHost b, McpTestHost c, CancellationToken cancellationToken)
    {
        string key = Guid.NewGuid().ToString("N");
        string lastId;
        using (HttpResponseMessage call = await b.Client.SendAsync(FleetServer.CallSlow(session, "6", key), HttpCompletionOption.ResponseHeadersRead, cancellationToken))
        {
            using StreamReader events = await FleetServer.ReaderAsync(call, cancellationToken);
            Assert.Equal(1, FleetServer.ProgressOf((await FleetServer.NextDataAsync(events, cancellationToken))!.Value));
            SseEvent second = (await FleetServer.NextDataAsync(events, cancellationToken))!.Value;
            Assert.Equal(2, FleetServer.ProgressOf(second));
            lastId = second.Id!;
        }

        using HttpResponseMessage resumed = await c.Client.SendAsync(FleetServer.Get(session, lastId), HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        using StreamReader stream = await FleetServer.ReaderAsync(resumed, cancellationToken);
        FleetServer.Release(key, FleetServer.SlowSteps - 1);
        Assert.Equal(3, FleetServer.ProgressOf((await FleetServer.NextDataAsync(stream, cancellationToken))!.Value));
        Assert.Equal(4, FleetServer.ProgressOf((await FleetServer.NextDataAsync(stream, cancellationToken))!.Value));
        JsonElement answer = (await FleetServer.NextDataAsync(stream, cancellationToken))!.Value.Json;
        Assert.Equal("done", answer.GetProperty("result").GetProperty("content")[0].GetProperty("text").GetString());
    }

    private static async Task ResourceUpdatedToAGetStreamAsync(string session, McpTestHost a, McpTestHost b, McpTestHost c, CancellationToken cancellationToken)
    {
        using HttpResponseMessage subscribed = await a.Client.SendAsync(FleetServer.InSession(session,
            """{"jsonrpc":"2.0","id":8,"method":"resources/subscribe","params":{"uri":"test://watched"}}"""), cancellationToken);
        Assert.Equal(HttpStatusCode.OK, subscribed.StatusCode);

        using HttpResponseMessage listening = await c.Client.SendAsync(FleetServer.Get(session), HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        using StreamReader stream = await FleetServer.ReaderAsync(listening, cancellationToken);
        SseEvent? priming = await SseReader.NextEventAsync(stream, cancellationToken); // written once the stream listens to the change feed
        Assert.True(priming is { IsPriming: true });

        var notifier = new ChangeNotifier(b.Services.GetRequiredService<IMcpBackplane>(), "feature-server");
        await notifier.NotifyResourceUpdatedAsync("test://watched", cancellationToken);
        JsonElement updated = (await FleetServer.NextDataAsync(stream, cancellationToken))!.Value.Json;
        Assert.Equal("notifications/resources/updated", updated.GetProperty("method").GetString());
        Assert.Equal("test://watched", updated.GetProperty("params").GetProperty("uri").GetString());
    }

    private static async Task CancelThroughAnotherReplicaAsync(string session, McpTestHost b, McpTestHost c, CancellationToken cancellationToken)
    {
        string key = Guid.NewGuid().ToString("N");
        using HttpResponseMessage call = await b.Client.SendAsync(FleetServer.CallSlow(session, "\"c-1\"", key), HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        using StreamReader events = await FleetServer.ReaderAsync(call, cancellationToken);
        Assert.Equal(1, FleetServer.ProgressOf((await FleetServer.NextDataAsync(events, cancellationToken))!.Value));
        using HttpResponseMessage cancelled = await c.Client.SendAsync(FleetServer.InSession(session,
            """{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"c-1","reason":"user"}}"""), cancellationToken);
        Assert.Equal(HttpStatusCode.Accepted, cancelled.StatusCode);
        Assert.Equal(2, FleetServer.ProgressOf((await FleetServer.NextDataAsync(events, cancellationToken))!.Value));
        Assert.Null(await FleetServer.NextDataAsync(events, cancellationToken)); // cancelled: the stream ends with no answer
    }
}
