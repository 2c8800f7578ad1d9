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
    /// Runs the workload on <paramref name="replicas"/> replicas: per session, initialize on one replica, a tools/call
    /// that asks the client for input on the next, answered through a third, and a cancelled call. Returns the received
    /// messages per replica per operation served (total received / operations: each operation is served by one replica).
    /// </summary>
    private async Task<(double PerReplicaPerOperation, McpBackplaneCounts Total, int Operations)> RunFleetAsync(int replicas)
    {
        string schema = _schemas.NewName();
        var hosts = new List<McpTestHost>();
        try
        {
            for (int i = 0; i < replicas; i++)
            {
                hosts.Add(await StartAsync(ClientInputServers.Create(McpSessionMode.Store),
                    o => o.Sessions.StoreCacheDuration = TimeSpan.Zero,
                    s => s.AddMcpGenPostgreSql(_schemas.ConnectionString, o => o.SchemaName = schema)));
            }

            // Warm up: every replica subscribes (its node channels) before counting.
            foreach (McpTestHost host in hosts)
            {
                await InitializeAsync(host);
            }

            McpBackplaneCounts[] before = [.. hosts.Select(Counts)];
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            int operations = 0;
            for (int s = 0; s < Sessions; s++)
            {
                McpTestHost a = hosts[s % replicas], b = hosts[(s + 1) % replicas], c = hosts[(s + 2) % replicas];
                string session = await InitializeAsync(a);
                operations++;
                using HttpResponseMessage call = await b.Client.SendAsync(
                    InSession(session, """{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"greet","arguments":{}}}"""),
                    HttpCompletionOption.ResponseHeadersRead, cts.Token);
                using var events = new StreamReader(await call.Content.ReadAsStreamAsync(cts.Token), Encoding.UTF8);
                JsonElement elicitation = await SseReader.NextMessageAsync(events, cts.Token);
                string requestId = elicitation.GetProperty("id").GetString()!;
                using HttpResponseMessage answer = await c.Client.SendAsync(InSession(session,
                    "{\"jsonrpc\":\"2.0\",\"id\":" + JsonSerializer.Serialize(requestId) + ",\"result\":" + ClientInputServers.Accept("Ada") + "}"), cts.Token);
                Assert.Equal(HttpStatusCode.Accepted, answer.StatusCode);
                operations++;
                JsonElement result = await SseReader.NextMessageAsync(events, cts.Token);
                Assert.Equal("Hello, Ada!", result.GetProperty("result").GetProperty("content")[0].GetProperty("text").GetString());
                operations++;
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

    private static async Task<string> InitializeAsync(McpTestHost host)
    {
        using HttpResponseMessage initialized = await host.SendLegacyAsync("initialize",
            "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":" + ClientInputServers.AllCapabilities + ",\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}",
            protocolVersion: null);
        Assert.Equal(HttpStatusCode.OK, initialized.StatusCode);
        return initialized.Headers.GetValues("Mcp-Session-Id").Single();
    }

    private static HttpRequestMessage InSession(string session, string json)
        => Post(json, ("Mcp-Session-Id", session), ("MCP-Protocol-Version", "2025-11-25"));
}
