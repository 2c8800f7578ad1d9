using System.Collections.Concurrent;
using System.Text.Json;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpGen.IntegrationTests;

using CallToolResult = ModelContextProtocol.Protocol.CallToolResult;

/// <summary>Counts responses per replica (the <c>X-McpGen-Replica</c> header) for every request sent through it.</summary>
internal sealed class ReplicaCounter() : DelegatingHandler(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(1) })
{
    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);

    /// <summary>Responses per replica so far.</summary>
    public IReadOnlyDictionary<string, int> Snapshot() => new Dictionary<string, int>(_counts, StringComparer.Ordinal);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        HttpResponseMessage response = await base.SendAsync(request, cancellationToken);
        if (response.Headers.TryGetValues("X-McpGen-Replica", out IEnumerable<string>? values))
        {
            _counts.AddOrUpdate(values.First(), 1, static (_, n) => n + 1);
        }

        return response;
    }
}

/// <summary>
/// Many sessions of the official C# client against one endpoint, a bounded number at a time, each checking every
/// answer: the Everything tools list, a text tool, an echo of the session's own number, a tool answering on an SSE
/// stream (progress, then the result), and a tool error. A session that fails may be run once more from scratch when <c>retryOnce</c> is set.
/// </summary>
internal static class SessionLoad
{
    /// <summary>The outcome of a run: sessions that passed, failed for good, and were retried (their first error).</summary>
    internal sealed record Summary(int Total, int Ok, IReadOnlyList<string> Failures, IReadOnlyList<string> Retries)
    {
        public string Describe() => $"{Ok}/{Total} ok, {Failures.Count} failed, {Retries.Count} retried"
            + string.Concat(Failures.Take(5).Select(f => "\n  failed: " + f))
            + string.Concat(Retries.Take(5).Select(r => "\n  retried: " + r));
    }

    public static async Task<Summary> RunCSharpAsync(Uri endpoint, string protocolVersion, int sessions, int concurrency, HttpClient http, bool retryOnce = false, Action<int>? sessionDone = null)
    {
        var failures = new ConcurrentQueue<string>();
        var retries = new ConcurrentQueue<string>();
        int ok = 0;
        int done = 0;
        await Parallel.ForEachAsync(
            Enumerable.Range(0, sessions),
            new ParallelOptions { MaxDegreeOfParallelism = concurrency },
            async (index, _) =>
            {
                string? error = await TryCSharpSessionAsync(endpoint, protocolVersion, index, http);
                if (error is not null && retryOnce)
                {
                    retries.Enqueue($"C# {protocolVersion} session {index}: {error}");
                    error = await TryCSharpSessionAsync(endpoint, protocolVersion, index, http);
                }

                if (error is null)
                {
                    Interlocked.Increment(ref ok);
                }
                else
                {
                    failures.Enqueue($"C# {protocolVersion} session {index}: {error}");
                }

                sessionDone?.Invoke(Interlocked.Increment(ref done));
            });
        return new Summary(sessions, ok, [.. failures], [.. retries]);
    }

    /// <summary>The TypeScript client's script for one session, equivalent to the C# one ("{session}" is the session's number).</summary>
    public static readonly object[] TypeScriptSteps =
    [
        new { op = "list", expectTool = "test_tool_with_progress" },
        new { op = "call", name = "test_simple_text", expectText = "This is a simple text response for testing." },
        new { op = "call", name = "json_schema_2020_12_tool", args = new { name = "ts{session}" }, expectText = EchoText("ts{session}") },
        new { op = "call", name = "test_tool_with_progress", minProgress = 3 },
        new { op = "call", name = "test_error_handling", expectIsError = true },
    ];

    /// <summary>What json_schema_2020_12_tool answers for a name (the echo that proves a session got its own answer).</summary>
    public static string EchoText(string name) => "JSON Schema 2020-12 tool called with: {\"name\":" + JsonSerializer.Serialize(name) + "}";

    /// <summary>Adds the TypeScript run's per-replica counts to <paramref name="counts"/>.</summary>
    public static void AddReplicas(JsonElement report, Dictionary<string, int> counts)
    {
        foreach (JsonProperty replica in report.GetProperty("replicas").EnumerateObject())
        {
            counts[replica.Name] = counts.GetValueOrDefault(replica.Name) + replica.Value.GetInt32();
        }
    }

    private static async Task<string?> TryCSharpSessionAsync(Uri endpoint, string protocolVersion, int index, HttpClient http)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        CancellationToken ct = cts.Token;
        try
        {
            await using McpClient client = await CSharpClient.ConnectAsync(endpoint, protocolVersion, ct, httpClient: http);
            if (client.NegotiatedProtocolVersion != protocolVersion)
            {
                return $"negotiated {client.NegotiatedProtocolVersion}";
            }

            IList<McpClientTool> tools = await client.ListToolsAsync(cancellationToken: ct);
            if (!tools.Any(t => t.Name == "test_tool_with_progress"))
            {
                return "tools/list misses test_tool_with_progress";
            }

            CallToolResult simple = await client.CallToolAsync("test_simple_text", cancellationToken: ct);
            if (Text(simple) != "This is a simple text response for testing.")
            {
                return "test_simple_text answered " + Text(simple);
            }

            string name = $"cs{index}";
            CallToolResult echo = await client.CallToolAsync("json_schema_2020_12_tool", new Dictionary<string, object?> { ["name"] = name }, cancellationToken: ct);
            if (Text(echo) != EchoText(name))
            {
                return $"json_schema_2020_12_tool answered '{Text(echo)}' to session {index}";
            }

            // Answered on an SSE stream (three progress events, then the result). The C# client 2.3.1 drops progress
            // notifications it dispatches after the call's result (the last one often, under load all three), so this
            // checks the result; the TypeScript sessions check that every progress event comes through the proxy.
            var progress = new Collector<ProgressNotificationValue>();
            CallToolResult streamed = await client.CallToolAsync("test_tool_with_progress", progress: progress, cancellationToken: ct);
            if (Text(streamed) != "Progress reported: 0, 50 and 100 of 100.")
            {
                return $"test_tool_with_progress answered '{Text(streamed)}'";
            }

            CallToolResult error = await client.CallToolAsync("test_error_handling", cancellationToken: ct);
            return error.IsError == true ? null : "test_error_handling did not answer isError: true";
        }
        catch (Exception e)
        {
            return $"{e.GetType().Name}: {e.Message}";
        }
    }

    private static string? Text(CallToolResult result) => result.Content.OfType<TextContentBlock>().FirstOrDefault()?.Text;
}
