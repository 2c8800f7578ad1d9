using System.Diagnostics;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using ModelContextProtocol.Client;
using Npgsql;
using Xunit.Abstractions;

namespace McpGen.IntegrationTests;

using CallToolResult = ModelContextProtocol.Protocol.CallToolResult;

/// <summary>
/// The McpGen packages and the McpGen.Templates package, packed once into a temporary folder feed, the templates
/// installed into a private template hive (the machine's template cache is never touched).
/// </summary>
public sealed class TemplateFeed : IAsyncLifetime
{
    public static readonly TimeSpan Limit = TimeSpan.FromMinutes(4);

    public string Work { get; } = Directory.CreateTempSubdirectory("mcpgen-templates-").FullName;

    public string Version { get; } = "0.0.0-tpl." + DateTime.UtcNow.ToString("yyyyMMddHHmmss") + "." + System.Environment.ProcessId;

    public string Feed => Path.Combine(Work, "feed");

    public string Hive => Path.Combine(Work, "hive");

    /// <summary>The environment of every dotnet command run on the created projects: a private home and package folder.</summary>
    public Dictionary<string, string> Environment => new()
    {
        ["DOTNET_CLI_HOME"] = Path.Combine(Work, "home"),
        ["NUGET_PACKAGES"] = Path.Combine(Work, "packages"),
    };

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Feed);
        foreach (string project in new[] { "src/McpGen.Runtime/McpGen.Runtime.csproj", "src/McpGen.PostgreSql/McpGen.PostgreSql.csproj" })
        {
            await RunAsync(["pack", Path.Combine(RepoPaths.Root, project), "-c", BuildInfo.Configuration, "--no-build", "-o", Feed, $"-p:PackageVersion={Version}"], RepoPaths.Root);
        }

        await RunAsync(["pack", Path.Combine(RepoPaths.Root, "templates", "McpGen.Templates", "McpGen.Templates.csproj"), "-c", BuildInfo.Configuration, "-o", Feed, $"-p:PackageVersion={Version}"], RepoPaths.Root);
        await RunAsync(["new", "install", Path.Combine(Feed, $"McpGen.Templates.{Version}.nupkg"), "--debug:custom-hive", Hive], Work);
    }

    public Task DisposeAsync()
    {
        try
        {
            Directory.Delete(Work, recursive: true);
        }
        catch (IOException)
        {
        }

        return Task.CompletedTask;
    }

    /// <summary>Runs dotnet with the private environment; fails the test with the output unless it exits 0.</summary>
    internal async Task<ProcessRunner.Result> RunAsync(IEnumerable<string> arguments, string directory, IDictionary<string, string>? extra = null)
    {
        Dictionary<string, string> environment = Environment;
        foreach ((string key, string value) in extra ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        ProcessRunner.Result result = await ProcessRunner.RunAsync("dotnet", arguments, directory, Limit, environment);
        Assert.True(result.ExitCode == 0, $"dotnet {string.Join(' ', arguments)}\n{result.Describe()}");
        return result;
    }

    /// <summary>
    /// <c>dotnet new &lt;template&gt;</c> into a new folder with a nuget.config naming the local feed (the machine's own
    /// sources stay in effect for xunit and the MCP client, and its package folder is a read-only fallback).
    /// </summary>
    public async Task<string> CreateAsync(string template, string name)
    {
        string dir = Path.Combine(Work, "apps", name);
        await RunAsync(["new", template, "-o", dir, "--McpGenVersion", Version, "--debug:custom-hive", Hive], Work);
        string globalPackages = System.Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        File.WriteAllText(Path.Combine(dir, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="mcpgen-local" value="{Feed}" />
              </packageSources>
              <fallbackPackageFolders>
                <add key="machine" value="{globalPackages}" />
              </fallbackPackageFolders>
            </configuration>
            """);
        return dir;
    }
}

/// <summary>
/// <c>dotnet new mcpgen-stateless</c> and <c>dotnet new mcpgen-store</c> as a user runs them: create into a temp folder,
/// build with warnings as errors, run the template's own tests, start the server on 127.0.0.1 and call a tool with the
/// official C# client.
/// </summary>
public sealed class TemplateTests(TemplateFeed feed, ITestOutputHelper output) : IClassFixture<TemplateFeed>
{
    [Fact]
    public void Templates_default_to_the_repository_version_and_reference_the_packages_by_it()
    {
        string version = XDocument.Load(Path.Combine(RepoPaths.Root, "Directory.Build.props")).Descendants("Version").Single().Value;
        foreach (string template in new[] { "mcpgen-stateless", "mcpgen-store" })
        {
            string dir = Path.Combine(RepoPaths.Root, "templates", "McpGen.Templates", "content", template);
            string json = File.ReadAllText(Path.Combine(dir, ".template.config", "template.json"));
            Assert.Contains($"\"defaultValue\": \"{version}\"", json, StringComparison.Ordinal);
            string csproj = File.ReadAllText(Path.Combine(dir, "src", "McpGenServer", "McpGenServer.csproj"));
            Assert.Matches("<PackageReference Include=\"McpGen(\\.PostgreSql)?\" Version=\"MCPGEN_PACKAGE_VERSION\" />", csproj);
            Assert.Contains("<PublishAot>true</PublishAot>", csproj, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(dir, "README.md")), template + ": no README.md");
        }
    }

    [Fact]
    public async Task Stateless_template_builds_without_warnings_passes_its_tests_and_serves_a_tool()
    {
        var clock = Stopwatch.StartNew();
        string dir = await feed.CreateAsync("mcpgen-stateless", "StatelessDemo");
        Assert.Contains($"Include=\"McpGen\" Version=\"{feed.Version}\"", File.ReadAllText(Path.Combine(dir, "src", "StatelessDemo", "StatelessDemo.csproj")), StringComparison.Ordinal);

        await BuildAndTestAsync(dir, expectedTests: 3);
        await using (Server server = await StartAsync(dir, "StatelessDemo", new Dictionary<string, string>()))
        {
            foreach (string era in new[] { "2026-07-28", "2025-11-25" })
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                await using McpClient client = await CSharpClient.ConnectAsync(server.Endpoint, era, cts.Token);
                CallToolResult sum = await client.CallToolAsync("add", new Dictionary<string, object?> { ["a"] = 20, ["b"] = 22 }, cancellationToken: cts.Token);
                Assert.Equal("42", sum.SingleText());
            }
        }

        output.WriteLine($"mcpgen-stateless: created, built, tested, served in {clock.Elapsed.TotalSeconds:F1} s");
    }

    [Fact]
    public async Task Store_template_keeps_sessions_in_PostgreSQL_shared_by_two_replicas()
    {
        var clock = Stopwatch.StartNew();
        string dir = await feed.CreateAsync("mcpgen-store", "StoreDemo");
        Assert.Contains($"Include=\"McpGen.PostgreSql\" Version=\"{feed.Version}\"", File.ReadAllText(Path.Combine(dir, "src", "StoreDemo", "StoreDemo.csproj")), StringComparison.Ordinal);

        string schema = FleetPostgres.NewSchema();
        var store = new Dictionary<string, string>
        {
            ["ConnectionStrings__McpGen"] = await FleetPostgres.ConnectionStringAsync(),
            ["McpGen__Schema"] = schema,
        };
        try
        {
            // The template's own tests, on PostgreSQL (they fall back to memory without the connection string).
            await BuildAndTestAsync(dir, expectedTests: 4, store);
            await using Server first = await StartAsync(dir, "StoreDemo", store);
            await using Server second = await StartAsync(dir, "StoreDemo", store);

            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await using McpClient client = await CSharpClient.ConnectAsync(first.Endpoint, "2025-11-25", cts.Token);
            string sessionId = client.SessionId ?? throw new Xunit.Sdk.XunitException("the store server issued no Mcp-Session-Id");
            Assert.Equal("2025-11-25", client.NegotiatedProtocolVersion);
            string expected = $"session {sessionId}, protocol 2025-11-25";
            Assert.Equal(expected, (await client.CallToolAsync("session_info", cancellationToken: cts.Token)).SingleText());

            // The other replica has never seen this session: it loads it from PostgreSQL.
            var options = new HttpClientTransportOptions { Endpoint = second.Endpoint, TransportMode = HttpTransportMode.StreamableHttp, KnownSessionId = sessionId };
            await using McpClient resumed = await McpClient.ResumeSessionAsync(
                new HttpClientTransport(options),
                new ResumeClientSessionOptions
                {
                    ServerCapabilities = client.ServerCapabilities,
                    ServerInfo = client.ServerInfo ?? throw new Xunit.Sdk.XunitException("initialize returned no serverInfo"),
                    NegotiatedProtocolVersion = client.NegotiatedProtocolVersion!, // asserted above
                },
                cancellationToken: cts.Token);
            Assert.Equal(expected, (await resumed.CallToolAsync("session_info", cancellationToken: cts.Token)).SingleText());

            await using var connection = new NpgsqlConnection(store["ConnectionStrings__McpGen"]);
            await connection.OpenAsync(cts.Token);
            await using var tables = new NpgsqlCommand("SELECT count(*) FROM information_schema.tables WHERE table_schema = @schema", connection);
            tables.Parameters.AddWithValue("schema", schema);
            Assert.True((long)(await tables.ExecuteScalarAsync(cts.Token))! > 0, $"the store server created no tables in schema {schema}");
        }
        finally
        {
            await FleetPostgres.DropSchemaAsync(schema);
        }

        output.WriteLine($"mcpgen-store: created, built, tested, served in {clock.Elapsed.TotalSeconds:F1} s");
    }

    private async Task BuildAndTestAsync(string dir, int expectedTests, IDictionary<string, string>? environment = null)
    {
        ProcessRunner.Result build = await feed.RunAsync(["build", "-c", "Release", "-warnaserror"], dir);
        Assert.Contains(" 0 Warning(s)", build.StdOut, StringComparison.Ordinal);

        ProcessRunner.Result test = await feed.RunAsync(["test", "-c", "Release", "--no-build"], dir, environment);
        Match summary = Regex.Match(test.StdOut, @"Failed:\s+(\d+), Passed:\s+(\d+), Skipped:\s+(\d+)");
        Assert.True(summary.Success, test.Describe());
        Assert.Equal(("0", expectedTests.ToString(System.Globalization.CultureInfo.InvariantCulture), "0"), (summary.Groups[1].Value, summary.Groups[2].Value, summary.Groups[3].Value));
    }

    private sealed record Server(ChildProcess Process, Uri Endpoint) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Process.DisposeAsync();
    }

    private async Task<Server> StartAsync(string dir, string name, IDictionary<string, string> environment)
    {
        int port = ProcessRunner.FreeLoopbackPort();
        string dll = Path.Combine(dir, "src", name, "bin", "Release", "net10.0", name + ".dll");
        var all = new Dictionary<string, string>(feed.Environment);
        foreach ((string key, string value) in environment)
        {
            all[key] = value;
        }

        ChildProcess child = ChildProcess.Start(name, "dotnet", [dll, "--urls", $"http://127.0.0.1:{port}"], dir, all);
        try
        {
            await ProcessRunner.WaitForHealthyAsync(new Uri($"http://127.0.0.1:{port}/healthz"), child.Process, TimeSpan.FromSeconds(60));
        }
        catch
        {
            output.WriteLine(child.Tail());
            await child.DisposeAsync();
            throw;
        }

        return new Server(child, new Uri($"http://127.0.0.1:{port}/mcp"));
    }
}
