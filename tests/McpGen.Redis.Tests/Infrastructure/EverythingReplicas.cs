using System.Diagnostics;
using System.Text;

namespace McpGen.Redis.Tests.Infrastructure;

/// <summary>
/// Replicas of samples/Everything in store mode on one Redis (<c>--mode store --redis CONFIG --redis-prefix P</c>), each
/// its own process on a free 127.0.0.1 port with <c>MCPGEN_REPLICA_ID=r1..rN</c> (every response names its replica in
/// <c>X-McpGen-Replica</c>). Runs the sample built with the tests' configuration (the project references it). Dispose
/// kills the processes it started.
/// </summary>
internal sealed class EverythingReplicas : IAsyncDisposable
{
    private readonly List<(string Id, int Port, Process Process, StringBuilder Output)> _replicas = [];

    public IReadOnlyList<int> Ports => [.. _replicas.Select(r => r.Port)];

    public static async Task<EverythingReplicas> StartAsync(int count, string redisConfiguration, string prefix)
    {
        string configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name; // bin/<Configuration>/net10.0
        string dll = Path.Combine(RepoPaths.Root, "samples", "Everything", "bin", configuration, "net10.0", "Everything.dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"{dll} is missing: build tests/McpGen.Redis.Tests (it builds the sample) with -c {configuration}.", dll);
        }

        var fleet = new EverythingReplicas();
        try
        {
            for (int i = 1; i <= count; i++)
            {
                int port = ProcessRunner.FreeLoopbackPort();
                var start = new ProcessStartInfo("dotnet")
                {
                    WorkingDirectory = Path.GetDirectoryName(dll)!,
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                    UseShellExecute = false,
                };
                foreach (string arg in new[] { dll, "--urls", $"http://127.0.0.1:{port}", "--mode", "store", "--redis", redisConfiguration, "--redis-prefix", prefix })
                {
                    start.ArgumentList.Add(arg);
                }

                start.Environment["MCPGEN_REPLICA_ID"] = $"r{i}";
                start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
                var output = new StringBuilder();
                Process process = Process.Start(start)!;
                process.OutputDataReceived += (_, e) => Append(output, e.Data);
                process.ErrorDataReceived += (_, e) => Append(output, e.Data);
                process.BeginOutputReadLine();
                process.BeginErrorReadLine();
                fleet._replicas.Add(($"r{i}", port, process, output));
            }

            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            foreach ((string id, int port, Process process, _) in fleet._replicas)
            {
                var clock = Stopwatch.StartNew();
                while (true)
                {
                    Assert.False(process.HasExited, $"replica {id} exited: {fleet.Describe()}");
                    try
                    {
                        // Liveness: readiness would wait for Redis, and some tests start the replicas while it is down.
                        using HttpResponseMessage response = await http.GetAsync($"http://127.0.0.1:{port}/healthz/live");
                        if (response.IsSuccessStatusCode)
                        {
                            break;
                        }
                    }
                    catch (HttpRequestException)
                    {
                    }
                    catch (TaskCanceledException)
                    {
                    }

                    Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"replica {id} did not answer /healthz/live within 60 s: {fleet.Describe()}");
                    await Task.Delay(100);
                }
            }

            return fleet;
        }
        catch
        {
            await fleet.DisposeAsync();
            throw;
        }
    }

    /// <summary>Every replica's last output lines, for failure messages.</summary>
    public string Describe() => string.Join('\n', _replicas.Select(r =>
    {
        lock (r.Output)
        {
            string text = r.Output.ToString();
            return $"--- {r.Id} ---\n" + (text.Length > 3000 ? text[^3000..] : text);
        }
    }));

    public async ValueTask DisposeAsync()
    {
        foreach ((_, _, Process process, _) in _replicas)
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                    await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
                }
            }
            catch (InvalidOperationException)
            {
                // already gone
            }

            process.Dispose();
        }
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }
}

/// <summary>
/// Sends each request to the next replica in turn (round robin, no affinity) by rewriting the port, and records which
/// replica answered what: the JSON-RPC method of a POST (or "response" for a client's reply), GETs with their
/// <c>Last-Event-ID</c>.
/// </summary>
internal sealed class RoundRobinHandler(IReadOnlyList<int> ports) : DelegatingHandler(new SocketsHttpHandler())
{
    private int _next;

    public List<(string What, string Replica, int Status)> Log { get; } = [];

    public string? SessionId { get; private set; }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        int port = ports[(Interlocked.Increment(ref _next) - 1) % ports.Count];
        request.RequestUri = new UriBuilder(request.RequestUri!) { Port = port }.Uri;
        string what = request.Method.Method;
        if (request.Content is not null)
        {
            string body = await request.Content.ReadAsStringAsync(cancellationToken);
            what += " " + Describe(body);
        }

        if (request.Headers.TryGetValues("Last-Event-ID", out IEnumerable<string>? lastEventId))
        {
            what += " Last-Event-ID=" + string.Join(",", lastEventId);
        }

        HttpResponseMessage response = await base.SendAsync(request, cancellationToken);
        if (response.Headers.TryGetValues("Mcp-Session-Id", out IEnumerable<string>? session))
        {
            SessionId = session.First();
        }

        string replica = response.Headers.TryGetValues("X-McpGen-Replica", out IEnumerable<string>? values) ? values.First() : "?";
        lock (Log)
        {
            Log.Add((what, replica, (int)response.StatusCode));
        }

        return response;
    }

    private static string Describe(string body)
    {
        using var json = System.Text.Json.JsonDocument.Parse(body);
        System.Text.Json.JsonElement root = json.RootElement;
        if (root.TryGetProperty("method", out System.Text.Json.JsonElement method))
        {
            string name = root.TryGetProperty("params", out System.Text.Json.JsonElement p) && p.ValueKind == System.Text.Json.JsonValueKind.Object && p.TryGetProperty("name", out System.Text.Json.JsonElement n)
                ? " " + n.GetString()
                : "";
            return method.GetString() + name;
        }

        return "response";
    }
}
