using System.Diagnostics;
using System.Net;
using System.Text;
using McpGen.Redis.Tests.Infrastructure;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using Xunit.Abstractions;

namespace McpGen.Redis.Tests;

using CallToolResult = ModelContextProtocol.Protocol.CallToolResult;
using ElicitResult = ModelContextProtocol.Protocol.ElicitResult;
using TextContentBlock = ModelContextProtocol.Protocol.TextContentBlock;

/// <summary>
/// Two replicas of samples/Everything in store mode on a disposable redis-server (append-only file, fsync per write),
/// the official C# client (ModelContextProtocol.Core) sending each request to the other replica in turn: a session
/// created on one replica is used on the other for a tool call with progress, an elicitation whose answer goes through
/// the other replica (the Redis backplane routes it back), and a stream the server closes that the client resumes on
/// the other replica from the Redis event log. Then Redis stops: a new session gets 503 with Retry-After within 5 s;
/// after the restart the old session works again on both replicas without restarting them.
/// </summary>
public sealed class EndToEndTests(ITestOutputHelper output)
{
    private const string ProgressText = "Progress reported: 0, 50 and 100 of 100.";
    private const string ReconnectionText = "Reconnection test completed successfully. If you received this, the client properly reconnected after stream closure.";
    private const string ElicitationText = "User response: action=accept, content={\"username\":\"redis\",\"email\":\"redis@example.com\"}";

    [Fact]
    public async Task A_session_moves_between_two_replicas_on_redis_and_survives_a_redis_restart()
    {
        await using var redis = new FaultRedis();
        await redis.StartAsync();
        await using EverythingReplicas replicas = await EverythingReplicas.StartAsync(2, redis.Configuration, "e2e:");
        var handler = new RoundRobinHandler(replicas.Ports);
        using var http = new HttpClient(handler);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        CancellationToken ct = timeout.Token;

        await using McpClient client = await McpClient.CreateAsync(
            new HttpClientTransport(new HttpClientTransportOptions { Endpoint = new Uri($"http://127.0.0.1:{replicas.Ports[0]}/mcp"), TransportMode = HttpTransportMode.StreamableHttp }, http, ownsHttpClient: false),
            new McpClientOptions
            {
                ClientInfo = new Implementation { Name = "mcpgen-redis-tests", Version = "1.0.0" },
                ProtocolVersion = "2025-11-25",
                Handlers = new McpClientHandlers
                {
                    ElicitationHandler = (_, _) => ValueTask.FromResult(new ElicitResult
                    {
                        Action = "accept",
                        Content = new Dictionary<string, System.Text.Json.JsonElement>
                        {
                            ["username"] = System.Text.Json.JsonSerializer.SerializeToElement("redis"),
                            ["email"] = System.Text.Json.JsonSerializer.SerializeToElement("redis@example.com"),
                        },
                    }),
                },
            },
            cancellationToken: ct);

        try
        {
            var progress = new List<ProgressNotificationValue>();
            CallToolResult withProgress = await client.CallToolAsync("test_tool_with_progress", progress: new SyncProgress(progress), cancellationToken: ct);
            Assert.Equal(ProgressText, Text(withProgress));
            // The server sends 3; the official C# client drops those that arrive with the result (FleetSessions counts them
            // on the wire), so at least the first must have reached the client's handler.
            await Eventually.TrueAsync(() => Count(progress) >= 1, TimeSpan.FromSeconds(5), "a progress notification");
            Assert.InRange(Count(progress), 1, 3);

            Assert.Equal(ElicitationText, Text(await client.CallToolAsync("test_elicitation", new Dictionary<string, object?> { ["message"] = "Who is this?" }, cancellationToken: ct)));
            Assert.Equal(ReconnectionText, Text(await client.CallToolAsync("test_reconnection", cancellationToken: ct)));
        }
        catch (Exception e) when (e is not Xunit.Sdk.XunitException)
        {
            throw new InvalidOperationException($"the session failed: {e.Message}\n{Describe(handler)}\n{replicas.Describe()}", e);
        }

        string log = Describe(handler);
        output.WriteLine(log);
        (string What, string Replica, int Status)[] entries = Snapshot(handler);
        Assert.DoesNotContain(entries, e => e.Status >= 500);
        Assert.Equal(["r1", "r2"], entries.Select(e => e.Replica).Where(r => r != "?").Distinct().Order(StringComparer.Ordinal));

        // The elicitation's answer reached a replica other than the one running the call (routed back through Redis).
        string elicitationRunner = entries.Single(e => e.What == "POST tools/call test_elicitation").Replica;
        Assert.Contains(entries, e => e.What == "POST response" && e.Replica != elicitationRunner);

        // The closed stream was resumed with Last-Event-ID on the other replica, from the Redis event log.
        string reconnectionRunner = entries.Single(e => e.What == "POST tools/call test_reconnection").Replica;
        Assert.Contains(entries, e => e.What.StartsWith("GET Last-Event-ID=", StringComparison.Ordinal) && e.Replica != reconnectionRunner && e.Status == 200);

        // Redis stops: a new session needs the store, and gets 503 + Retry-After within 5 s on either replica.
        string sessionId = Assert.IsType<string>(handler.SessionId);
        await redis.StopAsync();
        using var raw = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        foreach (int port in replicas.Ports)
        {
            var clock = Stopwatch.StartNew();
            using HttpResponseMessage refused = await raw.SendAsync(Initialize(port), ct);
            long ms = clock.ElapsedMilliseconds;
            string body = await refused.Content.ReadAsStringAsync(ct);
            output.WriteLine($"initialize on port {port} during the outage: {(int)refused.StatusCode} in {ms} ms, Retry-After {refused.Headers.RetryAfter}: {body}");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.NotNull(refused.Headers.RetryAfter);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"the 503 took {ms} ms");
        }

        // Back: a new session works again on both replicas, and the old session (on disk in the AOF) answers on both.
        await redis.StartAsync();
        var back = Stopwatch.StartNew();
        foreach (int port in replicas.Ports)
        {
            while (true)
            {
                using HttpResponseMessage again = await raw.SendAsync(Initialize(port), ct);
                if (again.StatusCode == HttpStatusCode.OK)
                {
                    break;
                }

                Assert.True(back.Elapsed < TimeSpan.FromSeconds(30), $"initialize still {(int)again.StatusCode} 30 s after Redis came back");
                await Task.Delay(200, ct);
            }
        }

        output.WriteLine($"both replicas created sessions again {back.ElapsedMilliseconds} ms after redis-server started");
        foreach (int port in replicas.Ports)
        {
            using HttpResponseMessage call = await raw.SendAsync(Post(port, """{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"test_simple_text","arguments":{}}}""", sessionId), ct);
            string body = await call.Content.ReadAsStringAsync(ct);
            Assert.True(call.StatusCode == HttpStatusCode.OK, $"the old session on port {port}: {(int)call.StatusCode} {body}");
            Assert.Contains("\"id\":7", body, StringComparison.Ordinal);
        }
    }

    private static HttpRequestMessage Initialize(int port) => Post(port, """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}""", null);

    private static HttpRequestMessage Post(int port, string json, string? sessionId)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"http://127.0.0.1:{port}/mcp")
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Accept.ParseAdd("text/event-stream");
        if (sessionId is not null)
        {
            request.Headers.Add("Mcp-Session-Id", sessionId);
            request.Headers.Add("MCP-Protocol-Version", "2025-11-25");
        }

        return request;
    }

    private static string Text(CallToolResult result) => Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text;

    private static int Count(List<ProgressNotificationValue> progress)
    {
        lock (progress)
        {
            return progress.Count;
        }
    }

    private static (string What, string Replica, int Status)[] Snapshot(RoundRobinHandler handler)
    {
        lock (handler.Log)
        {
            return [.. handler.Log];
        }
    }

    private static string Describe(RoundRobinHandler handler) => string.Join("\n", Snapshot(handler).Select(e => $"{e.Replica} {e.Status} {e.What}"));

    private sealed class SyncProgress(List<ProgressNotificationValue> values) : IProgress<ProgressNotificationValue>
    {
        public void Report(ProgressNotificationValue value)
        {
            lock (values)
            {
                values.Add(value);
            }
        }
    }
}
