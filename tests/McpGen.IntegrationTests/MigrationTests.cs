using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpGen.IntegrationTests;

using CallToolResult = ModelContextProtocol.Protocol.CallToolResult;

/// <summary>
/// docs/migrating-from-official-sdk.md's worked example, both sides running: the "before" (benchmarks/OfficialSdkServer,
/// the official C# SDK's server, its own process) and the "after" (samples/QuickStart on McpGen, on Kestrel). The
/// official C# client lists and calls the same tools with the same arguments on both, in both protocol eras, and the
/// answers must agree: names, titles, descriptions, annotations and arguments of every tool; results, structured
/// content, tool errors and progress.
/// </summary>
public sealed class MigrationTests(QuickStartHost after, OfficialSdkPeer before) : IClassFixture<QuickStartHost>, IClassFixture<OfficialSdkPeer>
{
    /// <summary>Calls whose results do not depend on the clock: compared exactly.</summary>
    public static TheoryData<string, string, string> Calls()
    {
        var data = new TheoryData<string, string, string>();
        (string Tool, string Arguments)[] calls =
        [
            ("get_forecast", """{"city": "Oslo", "days": 4}"""),
            ("get_forecast", """{"city": "Lima"}"""),
            ("get_forecast", """{"city": " "}"""),
            ("get_forecast", """{"city": "Oslo", "days": 11}"""),
            ("convert_temperature", """{"value": 100, "from": "Celsius", "to": "Fahrenheit"}"""),
            ("convert_temperature", """{"value": 300, "from": "Kelvin", "to": "Celsius"}"""),
            ("convert_temperature", """{"value": -500, "from": "Celsius", "to": "Kelvin"}"""),
            ("hash_text", """{"text": "abc"}"""),
            ("hash_text", """{"text": "Grüß Gott", "algorithm": "Sha512"}"""),
            ("text_stats", """{"text": "one two\nthree  four\n"}"""),
            ("current_time", """{"timeZone": "Mars/Olympus_Mons"}"""),
            ("process_batch", """{"items": 0}"""),
        ];
        foreach (string era in Eras)
        {
            foreach ((string tool, string arguments) in calls)
            {
                data.Add(era, tool, arguments);
            }
        }

        return data;
    }

    private static readonly string[] Eras = ["2025-11-25", "2026-07-28"];

    [Theory]
    [InlineData("2025-11-25")]
    [InlineData("2026-07-28")]
    public async Task Both_servers_list_the_same_tools_with_the_same_metadata_and_arguments(string era)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using McpClient beforeClient = await ConnectAsync(before.Endpoint, era, cts.Token);
        await using McpClient afterClient = await ConnectAsync(after.Endpoint, era, cts.Token);

        Dictionary<string, Tool> expected = (await beforeClient.ListToolsAsync(cancellationToken: cts.Token)).ToDictionary(t => t.Name, t => t.ProtocolTool);
        Dictionary<string, Tool> actual = (await afterClient.ListToolsAsync(cancellationToken: cts.Token)).ToDictionary(t => t.Name, t => t.ProtocolTool);

        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), actual.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(6, actual.Count);
        foreach ((string name, Tool official) in expected)
        {
            Tool mcpgen = actual[name];
            Assert.Equal((name, official.Title, official.Description), (name, mcpgen.Title, mcpgen.Description));
            Assert.Equal((name, official.Annotations?.ReadOnlyHint, official.Annotations?.IdempotentHint),
                (name, mcpgen.Annotations?.ReadOnlyHint, mcpgen.Annotations?.IdempotentHint));
            Assert.Equal(Arguments(name, official.InputSchema), Arguments(name, mcpgen.InputSchema));
            Assert.Equal((name, official.OutputSchema is not null), (name, mcpgen.OutputSchema is not null));
        }
    }

    [Theory]
    [MemberData(nameof(Calls))]
    public async Task Both_servers_answer_the_same_call_alike(string era, string tool, string arguments)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using McpClient beforeClient = await ConnectAsync(before.Endpoint, era, cts.Token);
        await using McpClient afterClient = await ConnectAsync(after.Endpoint, era, cts.Token);
        Dictionary<string, object?> args = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(arguments)!
            .ToDictionary(p => p.Key, p => (object?)p.Value);

        CallToolResult official = await beforeClient.CallToolAsync(tool, args, cancellationToken: cts.Token);
        CallToolResult mcpgen = await afterClient.CallToolAsync(tool, args, cancellationToken: cts.Token);

        Assert.Equal(official.IsError ?? false, mcpgen.IsError ?? false);
        string officialText = Text(official);
        string mcpgenText = Text(mcpgen);
        if (official.StructuredContent is { } structured)
        {
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(structured.GetRawText()), JsonNode.Parse(mcpgen.StructuredContent!.Value.GetRawText())),
                $"structuredContent differs:\nofficial: {structured.GetRawText()}\nmcpgen:   {mcpgen.StructuredContent!.Value.GetRawText()}");
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(officialText), JsonNode.Parse(mcpgenText)), $"text differs:\nofficial: {officialText}\nmcpgen:   {mcpgenText}");
        }
        else if (official.IsError == true)
        {
            // The SDK prefixes the exception's message; McpGen sends the message as it is (the migration guide says so).
            Assert.Null(mcpgen.StructuredContent);
            Assert.Equal(officialText, $"An error occurred invoking '{tool}': {mcpgenText}");
        }
        else
        {
            Assert.Null(mcpgen.StructuredContent);
            Assert.Equal(officialText, mcpgenText);
        }
    }

    [Theory]
    [InlineData("2025-11-25")]
    [InlineData("2026-07-28")]
    public async Task Both_servers_tell_the_time_in_a_zone_and_report_progress_alike(string era)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using McpClient beforeClient = await ConnectAsync(before.Endpoint, era, cts.Token);
        await using McpClient afterClient = await ConnectAsync(after.Endpoint, era, cts.Token);
        var zone = new Dictionary<string, object?> { ["timeZone"] = "Asia/Kolkata" };
        var batch = new Dictionary<string, object?> { ["items"] = 5 };

        DateTimeOffset officialTime = DateTimeOffset.Parse(Text(await beforeClient.CallToolAsync("current_time", zone, cancellationToken: cts.Token)), System.Globalization.CultureInfo.InvariantCulture);
        DateTimeOffset mcpgenTime = DateTimeOffset.Parse(Text(await afterClient.CallToolAsync("current_time", zone, cancellationToken: cts.Token)), System.Globalization.CultureInfo.InvariantCulture);
        string officialBatch = Text(await beforeClient.CallToolAsync("process_batch", batch, cancellationToken: cts.Token));
        string mcpgenBatch = Text(await afterClient.CallToolAsync("process_batch", batch, cancellationToken: cts.Token));
        // Progress on the wire (the C# client hands notifications to its sink concurrently and may drop the ones that
        // arrive with the result, so it cannot say whether a server sent them all, in order).
        string[] officialProgress = await ProgressOnTheWireAsync(before.Endpoint, era, cts.Token);
        string[] mcpgenProgress = await ProgressOnTheWireAsync(after.Endpoint, era, cts.Token);

        Assert.Equal(TimeSpan.FromHours(5.5), officialTime.Offset);
        Assert.Equal(officialTime.Offset, mcpgenTime.Offset);
        Assert.InRange((mcpgenTime - officialTime).Duration(), TimeSpan.Zero, TimeSpan.FromMinutes(1));
        Assert.Equal("Processed 5 items.", officialBatch);
        Assert.Equal(officialBatch, mcpgenBatch);
        string[] expected = [.. Enumerable.Range(1, 5).Select(i => $"{i}/5 Processed item {i} of 5"), "result: Processed 5 items."];
        Assert.Equal(expected, officialProgress);
        Assert.Equal(expected, mcpgenProgress);
    }

    /// <summary>
    /// POSTs tools/call process_batch {items: 5} with a progress token and returns, in order, each progress notification
    /// of the SSE answer as "progress/total message", then "result: text".
    /// </summary>
    private static async Task<string[]> ProgressOnTheWireAsync(Uri endpoint, string era, CancellationToken cancellationToken)
    {
        bool modern = era == "2026-07-28";
        string meta = modern
            ? """{"progressToken": "p1", "io.modelcontextprotocol/protocolVersion": "2026-07-28", "io.modelcontextprotocol/clientCapabilities": {}}"""
            : """{"progressToken": "p1"}""";
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint)
        {
            Content = new StringContent($$$"""{"jsonrpc": "2.0", "id": 7, "method": "tools/call", "params": {"name": "process_batch", "arguments": {"items": 5}, "_meta": {{{meta}}}}}""", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Accept.ParseAdd("text/event-stream");
        request.Headers.Add("MCP-Protocol-Version", era);
        if (modern)
        {
            request.Headers.Add("Mcp-Method", "tools/call");
            request.Headers.Add("Mcp-Name", "process_batch");
        }

        using HttpResponseMessage response = await s_http.SendAsync(request, cancellationToken);
        string body = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"{endpoint} answered {(int)response.StatusCode}: {body}");
        var seen = new List<string>();
        foreach (string line in body.Split('\n'))
        {
            if (!line.StartsWith("data:", StringComparison.Ordinal))
            {
                continue;
            }

            JsonNode message = JsonNode.Parse(line["data:".Length..])!;
            if ((string?)message["method"] == "notifications/progress")
            {
                JsonNode p = message["params"]!;
                Assert.Equal("p1", (string?)p["progressToken"]);
                seen.Add($"{(double)p["progress"]!}/{(double)p["total"]!} {(string?)p["message"]}");
            }
            else if (message["result"] is { } result)
            {
                seen.Add("result: " + (string?)result["content"]![0]!["text"]);
            }
        }

        return [.. seen];
    }

    private static Task<McpClient> ConnectAsync(Uri endpoint, string era, CancellationToken cancellationToken)
        => CSharpClient.ConnectAsync(endpoint, era, cancellationToken, httpClient: s_http);

    /// <summary>A plain client: the official server's answers are compared with McpGen's here, not validated on the wire.</summary>
    private static readonly HttpClient s_http = new();

    private static string Text(CallToolResult result)
        => string.Concat(result.Content.Select(c => Assert.IsType<TextContentBlock>(c).Text));

    /// <summary>A tool's arguments as the schema states them: name, JSON type (or enum values), required, description.</summary>
    private static string[] Arguments(string tool, JsonElement schema)
    {
        var required = schema.TryGetProperty("required", out JsonElement r) ? r.EnumerateArray().Select(e => e.GetString()!).ToHashSet() : [];
        return schema.GetProperty("properties").EnumerateObject()
            .Select(p => $"{tool}.{p.Name}: {TypeOf(p.Value)}{(required.Contains(p.Name) ? " required" : "")} \"{(p.Value.TryGetProperty("description", out JsonElement d) ? d.GetString() : "")}\"")
            .Order(StringComparer.Ordinal)
            .ToArray();

        static string TypeOf(JsonElement property)
        {
            if (property.TryGetProperty("enum", out JsonElement values))
            {
                return "enum[" + string.Join(",", values.EnumerateArray().Select(v => v.ToString())) + "]";
            }

            return property.TryGetProperty("type", out JsonElement type)
                ? type.ValueKind == JsonValueKind.Array ? string.Join("|", type.EnumerateArray().Select(t => t.GetString()).Where(t => t != "null")) : type.GetString()!
                : "any";
        }
    }
}

/// <summary>benchmarks/OfficialSdkServer (the official C# SDK's server, built with the solution) as its own process on a free 127.0.0.1 port.</summary>
public sealed class OfficialSdkPeer : IAsyncLifetime
{
    private Process? _process;

    public Uri Endpoint { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        int port = ProcessRunner.FreeLoopbackPort();
        string dll = Path.Combine(RepoPaths.Root, "benchmarks", "OfficialSdkServer", "bin", BuildInfo.Configuration, "net10.0", "OfficialSdkServer.dll");
        Assert.True(File.Exists(dll), $"{dll} is missing: build the solution first (dotnet build McpGen.sln -c {BuildInfo.Configuration}).");
        _process = ProcessRunner.Start("dotnet", [dll, "--urls", $"http://127.0.0.1:{port}"], RepoPaths.Root);
        Endpoint = new Uri($"http://127.0.0.1:{port}/mcp");
        await ProcessRunner.WaitForHealthyAsync(new Uri($"http://127.0.0.1:{port}/healthz"), _process, TimeSpan.FromSeconds(30));
    }

    public async Task DisposeAsync()
    {
        if (_process is null)
        {
            return;
        }

        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
