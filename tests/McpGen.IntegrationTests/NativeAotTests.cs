using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpGen.IntegrationTests;

using CallToolResult = ModelContextProtocol.Protocol.CallToolResult;

/// <summary>
/// NativeAOT as a tested promise: samples/QuickStart, published as it is with PublishAot=true, has no trim or AOT
/// warning, and its native binary serves every tool to the official C# client in both eras.
/// </summary>
public sealed partial class NativeAotTests(NativeAotQuickStart server) : IClassFixture<NativeAotQuickStart>
{
    public static TheoryData<string> Eras => new() { "2026-07-28", "2025-11-25" };

    [Fact]
    public void Publish_reports_no_trim_or_aot_warnings()
    {
        Assert.True(server.Publish.ExitCode == 0, "dotnet publish -p:PublishAot=true failed:\n" + server.Publish.Describe());
        string[] warnings = TrimOrAotWarning().Matches(server.Publish.StdOut + server.Publish.StdErr)
            .Select(m => m.Value)
            .Distinct(StringComparer.Ordinal)
            .ToArray();
        Assert.True(warnings.Length == 0, $"{warnings.Length} trim/AOT diagnostics in the publish output:\n" + string.Join('\n', warnings));
        Assert.Contains("Generating native code", server.Publish.StdOut, StringComparison.Ordinal);
        Assert.True(File.Exists(server.Binary), $"no native binary at {server.Binary}");
        Assert.False(File.Exists(Path.Combine(server.OutputDirectory, "QuickStart.dll")), "the publish output holds a managed QuickStart.dll: it was not a NativeAOT publish.");
    }

    [Theory]
    [MemberData(nameof(Eras))]
    public async Task Native_binary_serves_every_tool(string version)
    {
        Assert.True(server.Endpoint is not null, "The native binary was not started because the publish failed: see Publish_reports_no_trim_or_aot_warnings.\n" + server.Publish.Describe());
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using McpClient client = await CSharpClient.ConnectAsync(server.Endpoint, version, cts.Token);
        Assert.Equal(version, client.NegotiatedProtocolVersion);
        Assert.Equal("mcpgen-quickstart", client.ServerInfo?.Name);

        IList<McpClientTool> tools = await client.ListToolsAsync(cancellationToken: cts.Token);
        Assert.Equal(
            ["convert_temperature", "current_time", "get_forecast", "hash_text", "process_batch", "text_stats"],
            tools.Select(t => t.Name).Order(StringComparer.Ordinal));

        // get_forecast: a typed result (structured content through the generated JSON metadata) and a tool error.
        CallToolResult forecast = await Call(client, "get_forecast", new() { ["city"] = " Oslo ", ["days"] = 2 }, cts.Token);
        JsonElement structured = Assert.IsType<JsonElement>(forecast.StructuredContent);
        Assert.Equal("Oslo", structured.GetProperty("city").GetString());
        JsonElement[] days = [.. structured.GetProperty("days").EnumerateArray()];
        Assert.Equal(2, days.Length);
        DateOnly first = DateOnly.ParseExact(days[0].GetProperty("date").GetString()!, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        Assert.InRange(first.DayNumber - DateOnly.FromDateTime(DateTime.UtcNow).DayNumber, -1, 0);
        Assert.Equal(first.AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), days[1].GetProperty("date").GetString());
        Assert.All(days, day => Assert.True(day.GetProperty("lowC").GetDouble() < day.GetProperty("highC").GetDouble()));
        Assert.All(days, day => Assert.Matches("^(Clear|Cloudy|Rain|Snow)$", day.GetProperty("sky").GetString()));
        Assert.Equal("Oslo", JsonDocument.Parse(forecast.SingleText()).RootElement.GetProperty("city").GetString());

        CallToolResult tooMany = await client.CallToolAsync("get_forecast", new Dictionary<string, object?> { ["city"] = "Oslo", ["days"] = 20 }, cancellationToken: cts.Token);
        Assert.True(tooMany.IsError);
        Assert.Equal("days must be between 1 and 10; 20 was given.", tooMany.SingleText());

        // convert_temperature: enum and number binding, both directions.
        Assert.Equal("100 Celsius = 212 Fahrenheit", (await Call(client, "convert_temperature", new() { ["value"] = 100, ["from"] = "Celsius", ["to"] = "Fahrenheit" }, cts.Token)).SingleText());
        Assert.Equal("0 Kelvin = -273.15 Celsius", (await Call(client, "convert_temperature", new() { ["value"] = 0, ["from"] = "Kelvin", ["to"] = "Celsius" }, cts.Token)).SingleText());

        // hash_text: the default algorithm and an explicit one (known digests of "abc").
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", (await Call(client, "hash_text", new() { ["text"] = "abc" }, cts.Token)).SingleText());
        Assert.Equal("a9993e364706816aba3e25717850c26c9cd0d89d", (await Call(client, "hash_text", new() { ["text"] = "abc", ["algorithm"] = "Sha1" }, cts.Token)).SingleText());

        // text_stats: a record result.
        JsonElement stats = Assert.IsType<JsonElement>((await Call(client, "text_stats", new() { ["text"] = "one two\nthree" }, cts.Token)).StructuredContent);
        Assert.Equal(13, stats.GetProperty("characters").GetInt32());
        Assert.Equal(3, stats.GetProperty("words").GetInt32());
        Assert.Equal(2, stats.GetProperty("lines").GetInt32());

        // current_time: UTC, and a time zone from the system's tz database (no ICU in an invariant-globalization binary).
        DateTimeOffset utc = DateTimeOffset.Parse((await Call(client, "current_time", new(), cts.Token)).SingleText(), CultureInfo.InvariantCulture);
        Assert.Equal(TimeSpan.Zero, utc.Offset);
        Assert.InRange((DateTimeOffset.UtcNow - utc).Duration(), TimeSpan.Zero, TimeSpan.FromMinutes(5));
        DateTimeOffset tokyo = DateTimeOffset.Parse((await Call(client, "current_time", new() { ["timeZone"] = "Asia/Tokyo" }, cts.Token)).SingleText(), CultureInfo.InvariantCulture);
        Assert.Equal(TimeSpan.FromHours(9), tokyo.Offset);
        Assert.InRange((DateTimeOffset.UtcNow - tokyo).Duration(), TimeSpan.Zero, TimeSpan.FromMinutes(5));

        // process_batch: the client gets the result; the progress notifications before it are asserted on the wire,
        // since the official client drops those it processes after the response (see ProgressServer).
        Assert.Equal("Processed 3 items.", (await Call(client, "process_batch", new() { ["items"] = 3 }, cts.Token)).SingleText());
        JsonElement[] events = await PostProcessBatchAsync(server.Endpoint, version, items: 3, cts.Token);
        Assert.Equal(4, events.Length);
        for (int i = 1; i <= 3; i++)
        {
            Assert.Equal("notifications/progress", events[i - 1].GetProperty("method").GetString());
            JsonElement progress = events[i - 1].GetProperty("params");
            Assert.Equal("aot-progress", progress.GetProperty("progressToken").GetString());
            Assert.Equal(i, progress.GetProperty("progress").GetInt32());
            Assert.Equal(3, progress.GetProperty("total").GetInt32());
            Assert.Equal($"Processed item {i} of 3", progress.GetProperty("message").GetString());
        }

        Assert.Equal("Processed 3 items.", events[3].GetProperty("result").GetProperty("content")[0].GetProperty("text").GetString());
    }

    /// <summary>One tools/call of process_batch with a progress token, as raw HTTP; returns the JSON-RPC messages of its SSE stream.</summary>
    private static async Task<JsonElement[]> PostProcessBatchAsync(Uri endpoint, string version, int items, CancellationToken cancellationToken)
    {
        bool modern = version == "2026-07-28";
        string meta = modern
            ? $$$"""{"progressToken":"aot-progress","io.modelcontextprotocol/protocolVersion":"{{{version}}}","io.modelcontextprotocol/clientCapabilities":{}}"""
            : """{"progressToken":"aot-progress"}""";
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint)
        {
            Content = new StringContent(
                $$$"""{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"process_batch","arguments":{"items":{{{items}}}},"_meta":{{{meta}}}}}""",
                System.Text.Encoding.UTF8,
                "application/json"),
        };
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Accept.ParseAdd("text/event-stream");
        request.Headers.Add("MCP-Protocol-Version", version);
        if (modern)
        {
            request.Headers.Add("Mcp-Method", "tools/call");
            request.Headers.Add("Mcp-Name", "process_batch");
        }

        using HttpResponseMessage response = await http.SendAsync(request, cancellationToken);
        string body = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        return [.. body.Split('\n')
            .Where(line => line.StartsWith("data: ", StringComparison.Ordinal))
            .Select(line => JsonDocument.Parse(line["data: ".Length..]).RootElement.Clone())];
    }

    private static async Task<CallToolResult> Call(McpClient client, string tool, Dictionary<string, object?> arguments, CancellationToken cancellationToken)
    {
        CallToolResult result = await client.CallToolAsync(tool, arguments, cancellationToken: cancellationToken);
        Assert.False(result.IsError ?? false, $"{tool} answered an error: {string.Join(' ', result.Content.OfType<TextContentBlock>().Select(t => t.Text))}");
        return result;
    }

    // ILLink (IL2xxx) and ILCompiler (IL3xxx) diagnostics, as MSBuild prints them ("warning IL2026: ...").
    [GeneratedRegex(@"\b(?:warning|error) IL[23][0-9]{3}\b[^\r\n]*")]
    private static partial Regex TrimOrAotWarning();
}

/// <summary>
/// Publishes samples/QuickStart with PublishAot=true once per test class, into a temporary folder with its own
/// artifacts path (so it never writes into the repository's bin/ and obj/, which other tests read), and runs the
/// native binary on 127.0.0.1. Needs clang, lld and zlib1g-dev: scripts/install-test-deps.sh installs them.
/// </summary>
public sealed class NativeAotQuickStart : IAsyncLifetime
{
    private static readonly TimeSpan PublishLimit = TimeSpan.FromMinutes(8);
    private readonly string _work = Directory.CreateTempSubdirectory("mcpgen-aot-").FullName;
    private ChildProcess? _process;

    internal ProcessRunner.Result Publish { get; private set; } = null!;

    public TimeSpan PublishTime { get; private set; }

    public string OutputDirectory => Path.Combine(_work, "out");

    public string Binary => Path.Combine(OutputDirectory, "QuickStart");

    /// <summary>The native server's MCP endpoint; null when the publish failed (the tests then report why).</summary>
    public Uri? Endpoint { get; private set; }

    public async Task InitializeAsync()
    {
        string[] missing = [.. new[] { "clang", "ld.lld" }.Where(tool => !OnPath(tool))];
        if (missing.Length > 0)
        {
            throw new InvalidOperationException($"NativeAOT needs {string.Join(" and ", missing)} (and zlib1g-dev) to link: run scripts/install-test-deps.sh (as root) and rerun the tests.");
        }

        var stopwatch = Stopwatch.StartNew();
        try
        {
            Publish = await ProcessRunner.RunAsync(
                "dotnet",
                [
                    "publish", Path.Combine(RepoPaths.Root, "samples", "QuickStart", "QuickStart.csproj"),
                    "-c", "Release", "-p:PublishAot=true",
                    "--artifacts-path", Path.Combine(_work, "artifacts"), "-o", OutputDirectory,
                    "-nodeReuse:false",
                ],
                RepoPaths.Root,
                PublishLimit);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"The NativeAOT publish of samples/QuickStart took longer than {PublishLimit} (it takes about 2.5 minutes on 2 busy cores); is the machine overloaded?\n{e.Message}", e);
        }

        PublishTime = stopwatch.Elapsed;
        if (Publish.ExitCode != 0 || !File.Exists(Binary))
        {
            return; // the publish test reports the output (a trim/AOT warning is an error under TreatWarningsAsErrors)
        }

        int port = ProcessRunner.FreeLoopbackPort();
        _process = ChildProcess.Start("native QuickStart", Binary, ["--urls", $"http://127.0.0.1:{port}"], OutputDirectory);
        try
        {
            await ProcessRunner.WaitForHealthyAsync(new Uri($"http://127.0.0.1:{port}/healthz"), _process.Process, TimeSpan.FromSeconds(30));
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException)
        {
            throw new InvalidOperationException($"The native QuickStart binary did not become healthy: {e.Message}\n{_process.Tail()}", e);
        }

        Endpoint = new Uri($"http://127.0.0.1:{port}/mcp");
    }

    public async Task DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync(); // kills the binary and waits until it is gone
        }

        try
        {
            Directory.Delete(_work, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static bool OnPath(string tool)
        => (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(dir => File.Exists(Path.Combine(dir, tool)));
}
