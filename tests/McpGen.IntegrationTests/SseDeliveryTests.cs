using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Xunit.Abstractions;

namespace McpGen.IntegrationTests;

/// <summary>Three stateless samples/Everything replicas, shared by the delivery tests of every load balancer configuration.</summary>
public sealed class StatelessPair : IAsyncLifetime
{
    internal ReplicaFleet Fleet { get; private set; } = null!;

    public async Task InitializeAsync() => Fleet = await ReplicaFleet.StartAsync(3, "stateless");

    public async Task DisposeAsync() => await Fleet.DisposeAsync();
}

/// <summary>
/// Every committed load balancer configuration delivers each SSE event when the replica writes it: the progress of
/// <c>test_tool_with_progress</c> (0, 50, 100 of 100, written about 50 ms apart) arrives through the balancer spread
/// out as it was written, not in one burst with the result. A buffering proxy makes clients drop progress (the
/// official C# client ignores progress that arrives with the result) and makes long tool calls look hung.
/// </summary>
public sealed class SseDeliveryTests(StatelessPair pair, ITestOutputHelper output) : IClassFixture<StatelessPair>
{
    private const int Calls = 10;

    [Theory]
    [InlineData("haproxy/affinity.cfg")]
    [InlineData("haproxy/roundrobin.cfg")]
    [InlineData("haproxy/routekey.cfg")]
    [InlineData("nginx/mcp.conf")]
    public async Task Each_progress_event_arrives_through_the_balancer_when_it_is_written(string config)
    {
        IReadOnlyList<int> ports = pair.Fleet.Ports;
        await using LoadBalancer balancer = config.StartsWith("nginx/", StringComparison.Ordinal)
            ? await LoadBalancer.StartNginxAsync(ports)
            : await LoadBalancer.StartHaproxyAsync(config["haproxy/".Length..], ports);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };

        // Direct to a replica first: what the replica itself writes (the reference the balancer is compared with). A
        // stall of the test process (2 busy cores, NativeAOT publishes beside it) can compress one reading, so the
        // reference is the first of up to three direct calls whose events are spread.
        var lines = new List<string>();
        double[] direct = [];
        for (int attempt = 0; attempt < 3 && (direct.Length == 0 || direct[^1] - direct[0] < 40); attempt++)
        {
            direct = await ArrivalsAsync(http, pair.Fleet.Replicas[0].Endpoint);
            lines.Add($"direct: {Describe(direct)}");
        }

        var gaps = new List<double>();
        for (int i = 0; i < Calls; i++)
        {
            double[] arrivals = await ArrivalsAsync(http, balancer.Endpoint);
            lines.Add($"call {i}: {Describe(arrivals)}");
            gaps.Add(arrivals[^1] - arrivals[0]);
        }

        output.WriteLine($"{config}: ms from the first event to each later one (progress 0, 50, 100, result)");
        lines.ForEach(output.WriteLine);

        // Written about 100 ms apart (two 50 ms delays): delivered as written, the first progress leads the result by
        // about as much. A buffering balancer delivers everything at once: a gap of 0 ms in every call. The bounds leave
        // room for a busy machine (a late first read compresses one call's gaps), not for a burst.
        Assert.True(direct[^1] - direct[0] >= 40, "the replica itself did not spread its events: " + Describe(direct));
        double[] sorted = [.. gaps.Order()];
        double median = sorted[sorted.Length / 2];
        int spread = gaps.Count(g => g >= 30);
        Assert.True(median >= 40 && spread >= Calls * 7 / 10,
            $"{config}: the first progress led the result by a median of {median:0} ms ({spread} of {Calls} calls by 30 ms or more); "
            + "the balancer buffers SSE events (haproxy: option http-no-delay; nginx: proxy_buffering off)\n" + string.Join('\n', lines));
    }

    /// <summary>Calls the progress tool and returns each SSE event's arrival, in ms after the first (4 events).</summary>
    private static async Task<double[]> ArrivalsAsync(HttpClient http, Uri endpoint)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint)
        {
            Content = new StringContent(
                """{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"test_tool_with_progress","arguments":{},"_meta":{"progressToken":"p"}}}""",
                Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        request.Headers.Add("MCP-Protocol-Version", "2025-11-25");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        using HttpResponseMessage response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);

        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token), Encoding.UTF8);
        var arrivals = new List<double>();
        var methods = new List<string>();
        Stopwatch clock = Stopwatch.StartNew();
        while (await reader.ReadLineAsync(cts.Token) is { } line)
        {
            if (!line.StartsWith("data:", StringComparison.Ordinal))
            {
                continue;
            }

            arrivals.Add(clock.Elapsed.TotalMilliseconds);
            using JsonDocument message = JsonDocument.Parse(line["data:".Length..]);
            methods.Add(message.RootElement.TryGetProperty("method", out JsonElement method) ? method.GetString()! : "result");
        }

        Assert.Equal(["notifications/progress", "notifications/progress", "notifications/progress", "result"], methods);
        return [.. arrivals.Select(a => a - arrivals[0])];
    }

    private static string Describe(double[] arrivals) => string.Join(" / ", arrivals.Select(a => a.ToString("0")));
}
