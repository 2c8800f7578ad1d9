using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using Npgsql;
using Xunit.Abstractions;

namespace McpGen.IntegrationTests;

using CallToolResult = ModelContextProtocol.Protocol.CallToolResult;

/// <summary>
/// NativeAOT as a tested promise: samples/QuickStart, published as it is with PublishAot=true, has no trim or AOT
/// warning, and its native binary serves every tool to the official C# client in both eras.
/// </summary>
public sealed class NativeAotTests(NativeAotQuickStart server, ITestOutputHelper output) : IClassFixture<NativeAotQuickStart>
{
    public static TheoryData<string> Eras => new() { "2026-07-28", "2025-11-25" };

    [Fact]
    public void Publish_reports_no_trim_or_aot_warnings() => NativeAotPublisher.AssertClean(server.Published, "QuickStart", output);

    [Theory]
    [MemberData(nameof(Eras))]
    public async Task Native_binary_serves_every_tool(string version)
    {
        Assert.True(server.Endpoint is not null, "The native binary was not started because the publish failed: see Publish_reports_no_trim_or_aot_warnings.\n" + server.Published.Result.Describe());
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
}

/// <summary>
/// The store mode under NativeAOT: samples/Everything published with PublishAot=true, two native replicas sharing a
/// PostgreSQL schema; sessions, server-to-client requests and MRTR through the official C# client in both eras.
/// </summary>
public sealed class NativeAotStoreTests(NativeAotStore store, ITestOutputHelper output) : IClassFixture<NativeAotStore>
{
    private const string ElicitedName = "Ada";
    private const string ElicitedEmail = "ada@example.com";

    [Fact]
    public void Publish_reports_no_trim_or_aot_warnings() => NativeAotPublisher.AssertClean(store.Published, "Everything", output);

    [Fact]
    public async Task Legacy_session_lives_in_postgresql_serves_sampling_and_elicitation_and_any_replica_serves_it()
    {
        Assert.True(store.Endpoints.Count == 2, "The native replicas were not started because the publish failed: see Publish_reports_no_trim_or_aot_warnings.\n" + store.Published.Result.Describe());
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using McpClient client = await CSharpClient.ConnectAsync(store.Endpoints[0], "2025-11-25", cts.Token, Handlers());

        Assert.Equal("2025-11-25", client.NegotiatedProtocolVersion);
        string sessionId = Assert.IsType<string>(client.SessionId);
        Assert.Equal(1L, await CountSessionRowsAsync(sessionId));

        Assert.Equal("This is a simple text response for testing.", (await client.CallToolAsync("test_simple_text", cancellationToken: cts.Token)).SingleText());
        Assert.Equal("LLM response: Bonjour", (await client.CallToolAsync("test_sampling", new Dictionary<string, object?> { ["prompt"] = "Say hello" }, cancellationToken: cts.Token)).SingleText());
        string elicited = (await client.CallToolAsync("test_elicitation", new Dictionary<string, object?> { ["message"] = "Who are you?" }, cancellationToken: cts.Token)).SingleText();
        Assert.Equal($$"""User response: action=accept, content={"username":"{{ElicitedName}}","email":"{{ElicitedEmail}}"}""", elicited);

        // The other replica loads the session from PostgreSQL: the session id the first one issued is valid there.
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, store.Endpoints[1])
        {
            Content = new StringContent("""{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"test_simple_text","arguments":{}}}""", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Accept.ParseAdd("text/event-stream");
        request.Headers.Add("MCP-Protocol-Version", "2025-11-25");
        request.Headers.Add("Mcp-Session-Id", sessionId);
        using HttpResponseMessage response = await http.SendAsync(request, cts.Token);
        string body = await response.Content.ReadAsStringAsync(cts.Token);
        Assert.True(response.IsSuccessStatusCode, $"replica 2 refused the session of replica 1: {(int)response.StatusCode} {body}");
        Assert.Contains("This is a simple text response for testing.", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Modern_client_is_served_statelessly_and_answers_input_required_rounds()
    {
        Assert.True(store.Endpoints.Count == 2, "The native replicas were not started because the publish failed: see Publish_reports_no_trim_or_aot_warnings.\n" + store.Published.Result.Describe());
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using McpClient client = await CSharpClient.ConnectAsync(store.Endpoints[1], "2026-07-28", cts.Token, Handlers());

        Assert.Equal("2026-07-28", client.NegotiatedProtocolVersion);
        Assert.Null(client.SessionId);
        Assert.Equal("This is a simple text response for testing.", (await client.CallToolAsync("test_simple_text", cancellationToken: cts.Token)).SingleText());
        Assert.Equal($"Hello, {ElicitedName}!", (await client.CallToolAsync("test_input_required_result_elicitation", cancellationToken: cts.Token)).SingleText());
        Assert.Equal("Sampling result from aot-model: Bonjour", (await client.CallToolAsync("test_input_required_result_sampling", cancellationToken: cts.Token)).SingleText());
    }

    private static McpClientHandlers Handlers() => new()
    {
        ElicitationHandler = (request, _) => ValueTask.FromResult(new ModelContextProtocol.Protocol.ElicitResult
        {
            Action = "accept",
            Content = request!.Message.Contains("name", StringComparison.Ordinal)
                ? new Dictionary<string, JsonElement> { ["name"] = JsonSerializer.SerializeToElement(ElicitedName) }
                : new Dictionary<string, JsonElement>
                {
                    ["username"] = JsonSerializer.SerializeToElement(ElicitedName),
                    ["email"] = JsonSerializer.SerializeToElement(ElicitedEmail),
                },
        }),
        SamplingHandler = (_, _, _) => ValueTask.FromResult(new ModelContextProtocol.Protocol.CreateMessageResult
        {
            Role = Role.Assistant,
            Model = "aot-model",
            Content = [new TextContentBlock { Text = "Bonjour" }],
        }),
    };

    private async Task<long> CountSessionRowsAsync(string sessionId)
    {
        await using var connection = new NpgsqlConnection(store.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT count(*) FROM \"{store.Schema}\".sessions WHERE id = @id", connection);
        command.Parameters.AddWithValue("id", sessionId);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}

/// <summary>
/// Publishes a sample with PublishAot=true into a temporary folder. Publishes run one at a time (each takes both cores
/// for a minute or two) and share one artifacts path outside the repository: they never write into the repository's
/// bin/ and obj/, which other tests read, and the second publish reuses the library builds of the first. Needs clang,
/// lld and zlib1g-dev: scripts/install-test-deps.sh installs them.
/// </summary>
internal static partial class NativeAotPublisher
{
    public static readonly TimeSpan Limit = TimeSpan.FromMinutes(8);
    private static readonly SemaphoreSlim OneAtATime = new(1, 1);
    private static readonly object Gate = new();
    private static string? _work;
    private static int _users;

    /// <summary>
    /// Called once by each fixture that published, when it is done: the last one deletes the temporary folder (several
    /// hundred MiB; the test host is killed after the run, so a ProcessExit handler would not run).
    /// </summary>
    public static void Release()
    {
        string? work;
        lock (Gate)
        {
            if (--_users > 0)
            {
                return;
            }

            (work, _work) = (_work, null);
        }

        try
        {
            if (work is not null)
            {
                Directory.Delete(work, recursive: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    /// <summary>The publish's output and where its binary is (it exists only when the publish succeeded).</summary>
    public sealed record Published(ProcessRunner.Result Result, TimeSpan Elapsed, string OutputDirectory, string Binary);

    public static async Task<Published> PublishAsync(string sample)
    {
        string[] missing = [.. new[] { "clang", "ld.lld" }.Where(tool => !OnPath(tool))];
        if (missing.Length > 0)
        {
            throw new InvalidOperationException($"NativeAOT needs {string.Join(" and ", missing)} (and zlib1g-dev) to link: run scripts/install-test-deps.sh (as root) and rerun the tests.");
        }

        string work;
        lock (Gate)
        {
            _users++;
            work = _work ??= Directory.CreateTempSubdirectory("mcpgen-aot-").FullName;
        }

        string output = Path.Combine(work, sample);
        await OneAtATime.WaitAsync();
        try
        {
            var stopwatch = Stopwatch.StartNew();
            ProcessRunner.Result result;
            try
            {
                result = await ProcessRunner.RunAsync(
                    "dotnet",
                    [
                        "publish", Path.Combine(RepoPaths.Root, "samples", sample, sample + ".csproj"),
                        "-c", "Release", "-p:PublishAot=true",
                        "--artifacts-path", Path.Combine(work, "artifacts"), "-o", output,
                        "-nodeReuse:false",
                    ],
                    RepoPaths.Root,
                    Limit);
            }
            catch (TimeoutException e)
            {
                Release();
                throw new TimeoutException($"The NativeAOT publish of samples/{sample} took longer than {Limit} (about 2.5 minutes on 2 busy cores); is the machine overloaded?\n{e.Message}", e);
            }

            return new Published(result, stopwatch.Elapsed, output, Path.Combine(output, sample));
        }
        finally
        {
            OneAtATime.Release();
        }
    }

    /// <summary>The IL2xxx (trimming) and IL3xxx (AOT) diagnostics of a publish, each once.</summary>
    public static string[] TrimOrAotDiagnostics(ProcessRunner.Result result)
        => [.. TrimOrAot().Matches(result.StdOut + result.StdErr).Select(m => m.Value).Distinct(StringComparer.Ordinal)];

    /// <summary>
    /// Asserts a clean NativeAOT publish: exit 0, no trim/AOT diagnostic, a native binary and no managed one; writes the
    /// publish time and the binary's size to the test output (the CI cost of this test, and the size users get).
    /// </summary>
    public static void AssertClean(Published published, string sample, ITestOutputHelper output)
    {
        output.WriteLine($"NativeAOT publish of samples/{sample}: {published.Elapsed.TotalSeconds:F0} s, exit {published.Result.ExitCode}");
        string[] diagnostics = TrimOrAotDiagnostics(published.Result);
        Assert.True(diagnostics.Length == 0, $"{diagnostics.Length} trim/AOT diagnostics in the publish output of samples/{sample}:\n" + string.Join('\n', diagnostics));
        Assert.True(published.Result.ExitCode == 0, $"dotnet publish -p:PublishAot=true of samples/{sample} failed:\n" + published.Result.Describe());
        Assert.Contains("Generating native code", published.Result.StdOut, StringComparison.Ordinal);
        Assert.True(File.Exists(published.Binary), $"no native binary at {published.Binary}");
        Assert.False(File.Exists(Path.Combine(published.OutputDirectory, sample + ".dll")), $"the publish output holds a managed {sample}.dll: it was not a NativeAOT publish.");
        output.WriteLine($"native binary {published.Binary}: {new FileInfo(published.Binary).Length / 1024.0 / 1024.0:F1} MiB");
    }

    /// <summary>Starts the native binary on 127.0.0.1:<paramref name="port"/> and waits, bounded, until /healthz answers 200.</summary>
    public static async Task<ChildProcess> StartAsync(Published published, string name, int port, IEnumerable<string> arguments)
    {
        ChildProcess process = ChildProcess.Start(name, published.Binary, ["--urls", $"http://127.0.0.1:{port}", .. arguments], published.OutputDirectory);
        try
        {
            await ProcessRunner.WaitForHealthyAsync(new Uri($"http://127.0.0.1:{port}/healthz"), process.Process, TimeSpan.FromSeconds(30));
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException)
        {
            string tail = process.Tail();
            await process.DisposeAsync();
            throw new InvalidOperationException($"The native {name} did not become healthy: {e.Message}\n{tail}", e);
        }

        return process;
    }

    private static bool OnPath(string tool)
        => (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(dir => File.Exists(Path.Combine(dir, tool)));

    // ILLink (IL2xxx) and ILCompiler (IL3xxx) diagnostics as MSBuild prints them ("Trim analysis warning IL2026: ...").
    [GeneratedRegex(@"\b(?:warning|error) IL[23][0-9]{3}\b[^\r\n]*")]
    private static partial Regex TrimOrAot();
}

/// <summary>samples/QuickStart published with PublishAot=true, its native binary running on 127.0.0.1.</summary>
public sealed class NativeAotQuickStart : IAsyncLifetime
{
    private ChildProcess? _process;

    internal NativeAotPublisher.Published Published { get; private set; } = null!;

    /// <summary>The native server's MCP endpoint; null when the publish failed (the publish test then says why).</summary>
    public Uri? Endpoint { get; private set; }

    public async Task InitializeAsync()
    {
        Published = await NativeAotPublisher.PublishAsync("QuickStart");
        if (Published.Result.ExitCode != 0 || !File.Exists(Published.Binary))
        {
            return; // a trim/AOT warning is an error under TreatWarningsAsErrors: the publish test lists them
        }

        int port = ProcessRunner.FreeLoopbackPort();
        _process = await NativeAotPublisher.StartAsync(Published, "native QuickStart", port, []);
        Endpoint = new Uri($"http://127.0.0.1:{port}/mcp");
    }

    public async Task DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync(); // kills the binary and waits until it is gone
        }

        if (Published is not null)
        {
            NativeAotPublisher.Release();
        }
    }
}

/// <summary>
/// samples/Everything published with PublishAot=true, two native replicas in store mode sharing a fresh schema of the
/// test PostgreSQL cluster (scripts/services/postgres.sh).
/// </summary>
public sealed class NativeAotStore : IAsyncLifetime
{
    private readonly string _schema = FleetPostgres.NewSchema();
    private readonly List<ChildProcess> _replicas = [];

    internal NativeAotPublisher.Published Published { get; private set; } = null!;

    public string ConnectionString { get; private set; } = "";

    public string Schema => _schema;

    /// <summary>The MCP endpoints of the two replicas; empty when the publish failed (the publish test then says why).</summary>
    public IReadOnlyList<Uri> Endpoints { get; private set; } = [];

    public async Task InitializeAsync()
    {
        Published = await NativeAotPublisher.PublishAsync("Everything");
        if (Published.Result.ExitCode != 0 || !File.Exists(Published.Binary))
        {
            return;
        }

        ConnectionString = await FleetPostgres.ConnectionStringAsync();
        var endpoints = new List<Uri>();
        for (int i = 1; i <= 2; i++)
        {
            int port = ProcessRunner.FreeLoopbackPort();
            _replicas.Add(await NativeAotPublisher.StartAsync(Published, $"native Everything store replica {i}", port, ["--mode", "store", "--postgres", ConnectionString, "--pg-schema", _schema]));
            endpoints.Add(new Uri($"http://127.0.0.1:{port}/mcp"));
        }

        Endpoints = endpoints;
    }

    public async Task DisposeAsync()
    {
        foreach (ChildProcess replica in _replicas)
        {
            await replica.DisposeAsync();
        }

        if (_replicas.Count > 0)
        {
            await FleetPostgres.DropSchemaAsync(_schema);
        }

        if (Published is not null)
        {
            NativeAotPublisher.Release();
        }
    }
}
