using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace McpGen.IntegrationTests;

/// <summary>
/// Three stand-in replicas on real Kestrel that behave, on the wire, like sticky McpGen replicas as far as a load
/// balancer can see: a POST without <c>Mcp-Session-Id</c> gets a new one, <c>{replicaId}.{random}</c>, in the response
/// header; every response names its replica in <c>X-McpGen-Replica</c>. They let the committed affinity configurations
/// be proven on a real haproxy and nginx before the runtime issues sessions.
/// </summary>
public sealed class SessionIssuingReplicas : IAsyncLifetime
{
    private readonly List<WebApplication> _apps = [];

    public IReadOnlyList<int> Ports { get; private set; } = [];

    public async Task InitializeAsync()
    {
        var ports = new List<int>();
        for (int i = 1; i <= 3; i++)
        {
            string id = $"r{i}";
            (WebApplication app, Uri endpoint) = await KestrelHost.StartAsync(
                _ => { },
                app =>
                {
                    app.MapPost("/mcp", context =>
                    {
                        context.Response.Headers["X-McpGen-Replica"] = id;
                        if (!context.Request.Headers.ContainsKey("Mcp-Session-Id"))
                        {
                            context.Response.Headers["Mcp-Session-Id"] = $"{id}.{Guid.NewGuid():N}";
                        }

                        context.Response.ContentType = "application/json";
                        return context.Response.WriteAsync("""{"jsonrpc":"2.0","id":1,"result":{}}""");
                    });
                    app.MapGet("/healthz", context => context.Response.WriteAsync("ok"));
                });
            _apps.Add(app);
            ports.Add(endpoint.Port);
        }

        // One request each first, so haproxy's first health checks do not meet a cold (not yet compiled) endpoint.
        using var http = new HttpClient();
        foreach (int port in ports)
        {
            using HttpResponseMessage response = await http.GetAsync(new Uri($"http://127.0.0.1:{port}/healthz"));
            response.EnsureSuccessStatusCode();
        }

        Ports = ports;
    }

    public async Task DisposeAsync()
    {
        foreach (WebApplication app in _apps)
        {
            await app.DisposeAsync();
        }
    }
}

/// <summary>
/// The committed load balancer configurations (deploy/): they pass haproxy's and nginx's own checks, and they route
/// session traffic as docs/deployment.md says, on a real haproxy and nginx.
/// </summary>
public sealed class LoadBalancerConfigTests(SessionIssuingReplicas replicas) : IClassFixture<SessionIssuingReplicas>
{
    [Theory]
    [InlineData("haproxy/affinity.cfg")]
    [InlineData("haproxy/roundrobin.cfg")]
    [InlineData("haproxy/routekey.cfg")]
    public async Task Haproxy_configurations_are_valid_as_committed(string file)
    {
        ProcessRunner.Result check = await ProcessRunner.RunAsync(LoadBalancer.HaproxyBinary, ["-c", "-f", LoadBalancer.DeployFile(file)], RepoPaths.Root, TimeSpan.FromSeconds(20));

        Assert.True(check.ExitCode == 0, check.Describe());
    }

    [Fact]
    public async Task Kubernetes_sticky_router_haproxy_configuration_is_valid()
    {
        // The haproxy.cfg block of the ConfigMap in deploy/k8s/sticky-router.yaml: the lines under "haproxy.cfg: |",
        // indented four spaces, up to the next YAML document.
        string[] lines = await File.ReadAllLinesAsync(LoadBalancer.DeployFile("k8s/sticky-router.yaml"));
        int start = Array.FindIndex(lines, l => l.Trim() == "haproxy.cfg: |") + 1;
        Assert.True(start > 0, "no haproxy.cfg block in deploy/k8s/sticky-router.yaml");
        string config = string.Join('\n', lines.Skip(start).TakeWhile(l => l != "---").Select(l => l.Length >= 4 ? l[4..] : l.TrimStart())) + "\n";
        string directory = Directory.CreateTempSubdirectory("mcpgen-k8s-").FullName;
        try
        {
            string path = Path.Combine(directory, "haproxy.cfg");
            await File.WriteAllTextAsync(path, config);

            ProcessRunner.Result check = await ProcessRunner.RunAsync(LoadBalancer.HaproxyBinary, ["-c", "-f", path], directory, TimeSpan.FromSeconds(20));

            Assert.True(check.ExitCode == 0, check.Describe() + "\n" + config);
            Assert.Contains("stick store-response res.hdr(Mcp-Session-Id)", config, StringComparison.Ordinal);
            Assert.Contains("option http-no-delay", config, StringComparison.Ordinal); // SseDeliveryTests proves why on the other haproxy files
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Nginx_configuration_passes_nginx_t()
    {
        string directory = Directory.CreateTempSubdirectory("mcpgen-nginx-").FullName;
        try
        {
            string main = await LoadBalancer.WriteNginxConfigAsync(directory, 8080, [5101, 5102, 5103]);

            ProcessRunner.Result check = await ProcessRunner.RunAsync(LoadBalancer.NginxBinary, ["-t", "-p", directory, "-c", main], directory, TimeSpan.FromSeconds(20));

            Assert.True(check.ExitCode == 0, check.Describe());
            Assert.Contains("test is successful", check.StdErr, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Haproxy_template_gets_one_server_line_per_replica_and_the_front_port()
    {
        string template = File.ReadAllText(LoadBalancer.DeployFile("haproxy/affinity.cfg"));

        string rendered = LoadBalancer.RenderHaproxy(template, 40000, [40001, 40002]);

        string[] servers = [.. rendered.Split('\n').Where(l => l.TrimStart().StartsWith("server ", StringComparison.Ordinal)).Select(l => l.Trim())];
        Assert.Equal(["server r1 127.0.0.1:40001 check", "server r2 127.0.0.1:40002 check"], servers);
        Assert.Contains("bind 127.0.0.1:40000", rendered, StringComparison.Ordinal);
        string settings = string.Join('\n', rendered.Split('\n').Where(l => !l.TrimStart().StartsWith('#')));
        Assert.DoesNotContain("8080", settings, StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.1:510", settings, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("affinity.cfg")] // stick table learned from the response header
    [InlineData("routekey.cfg")] // the replica id at the front of the session id names the server
    public async Task Haproxy_affinity_sends_every_request_of_a_session_to_the_replica_that_issued_it(string config)
    {
        await using LoadBalancer haproxy = await LoadBalancer.StartHaproxyAsync(config, replicas.Ports);
        using var http = new HttpClient();

        (int sessions, int followUps, int onIssuer, HashSet<string> issuers) = await RunSessionsAsync(http, haproxy.Endpoint, 30, 4);

        Assert.Equal(sessions * 4, followUps);
        Assert.Equal(followUps, onIssuer);
        Assert.Equal(["r1", "r2", "r3"], issuers.Order(StringComparer.Ordinal)); // initialize itself is balanced
        await AssertUnknownSessionIdsAreBalancedAsync(http, haproxy.Endpoint);
    }

    [Fact]
    public async Task Haproxy_round_robin_spreads_a_sessions_requests_over_replicas()
    {
        // What a sticky server behind roundrobin.cfg meets: most requests of a session reach a replica that does not
        // know it (McpGen answers those 404, and the client starts over).
        await using LoadBalancer haproxy = await LoadBalancer.StartHaproxyAsync("roundrobin.cfg", replicas.Ports);
        using var http = new HttpClient();

        (_, int followUps, int onIssuer, _) = await RunSessionsAsync(http, haproxy.Endpoint, 30, 4);

        Assert.True(onIssuer < followUps / 2, $"{onIssuer} of {followUps} follow-up requests reached the issuing replica\n{string.Join("\n", haproxy.Process.Output.Where(l => !l.Contains("HTTP/1.1", StringComparison.Ordinal)))}");
    }

    [Fact]
    public async Task Nginx_routes_a_session_by_the_replica_id_in_its_session_id()
    {
        await using LoadBalancer nginx = await LoadBalancer.StartNginxAsync(replicas.Ports);
        using var http = new HttpClient();

        (int sessions, int followUps, int onIssuer, HashSet<string> issuers) = await RunSessionsAsync(http, nginx.Endpoint, 30, 4);

        Assert.Equal(sessions * 4, followUps);
        Assert.Equal(followUps, onIssuer);
        Assert.Equal(["r1", "r2", "r3"], issuers.Order(StringComparer.Ordinal));
        await AssertUnknownSessionIdsAreBalancedAsync(http, nginx.Endpoint);
    }

    [Theory]
    [InlineData("haproxy/routekey.cfg")]
    [InlineData("haproxy/affinity.cfg")]
    [InlineData("nginx/mcp.conf")]
    public async Task A_session_whose_replica_is_down_is_answered_by_another_replica(string config)
    {
        // r2 is a port nothing listens on: a replica that died. Its sessions get an answer from r1 or r3 (a sticky
        // replica answers 404 there and the client starts over; a store-backed one serves the session), never a 5xx.
        int[] ports = [replicas.Ports[0], ProcessRunner.FreeLoopbackPort(), replicas.Ports[2]];
        await using LoadBalancer balancer = config.StartsWith("nginx/", StringComparison.Ordinal)
            ? await LoadBalancer.StartNginxAsync(ports)
            : await LoadBalancer.StartHaproxyAsync(config["haproxy/".Length..], ports);
        using var http = new HttpClient();

        for (int i = 0; i < 6; i++)
        {
            using HttpResponseMessage response = await PostAsync(http, balancer.Endpoint, $"r2.{i}");
            Assert.Contains(response.Headers.GetValues("X-McpGen-Replica").Single(), new[] { "r1", "r3" });
        }
    }

    [Fact]
    public async Task Configuration_blocks_in_docs_deployment_md_are_copies_of_the_deploy_files()
    {
        // Every haproxy, nginx and yaml block of the page must be a run of consecutive lines of one deploy/ file
        // (compared without leading whitespace, since the page indents some blocks), so the page cannot drift from
        // what the tests run.
        string[] page = await File.ReadAllLinesAsync(Path.Combine(RepoPaths.Root, "docs", "deployment.md"));
        string[][] files = [.. Directory.GetFiles(LoadBalancer.DeployFile(""), "*", SearchOption.AllDirectories).Select(f => File.ReadAllLines(f).Select(l => l.Trim()).ToArray())];
        int checkedBlocks = 0;
        for (int i = 0; i < page.Length; i++)
        {
            string fence = page[i].Trim();
            if (fence is not ("```haproxy" or "```nginx" or "```yaml"))
            {
                continue;
            }

            string[] block = [.. page.Skip(i + 1).TakeWhile(l => l.Trim() != "```").Select(l => l.Trim())];
            Assert.True(
                files.Any(file => ContainsRun(file, block)),
                $"docs/deployment.md line {i + 1}: this {fence[3..]} block is not in any file under deploy/:\n{string.Join('\n', block)}");
            checkedBlocks++;
            i += block.Length + 1;
        }

        Assert.True(checkedBlocks >= 6, $"only {checkedBlocks} configuration blocks found in docs/deployment.md");
    }

    private static bool ContainsRun(string[] file, string[] block)
    {
        for (int start = 0; start + block.Length <= file.Length; start++)
        {
            if (file.AsSpan(start, block.Length).SequenceEqual(block))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A session id naming no replica, or not shaped like McpGen's, is balanced like a new request, not refused.</summary>
    private static async Task AssertUnknownSessionIdsAreBalancedAsync(HttpClient http, Uri endpoint)
    {
        var answeredBy = new HashSet<string>(StringComparer.Ordinal);
        foreach (string sessionId in new[] { "zz.1", "zz.2", "zz.3", "no-dot", "r9.x", "zz.4" })
        {
            using HttpResponseMessage response = await PostAsync(http, endpoint, sessionId);
            answeredBy.Add(response.Headers.GetValues("X-McpGen-Replica").Single());
        }

        Assert.True(answeredBy.Count >= 2, $"unknown session ids all went to {string.Join(",", answeredBy)}");
    }

    /// <summary>
    /// <paramref name="sessions"/> times: a POST without a session id (the replica issues one), then
    /// <paramref name="followUps"/> POSTs carrying it. Counts the follow-ups answered by the issuing replica.
    /// </summary>
    private static async Task<(int Sessions, int FollowUps, int OnIssuer, HashSet<string> Issuers)> RunSessionsAsync(HttpClient http, Uri endpoint, int sessions, int followUps)
    {
        int sent = 0, onIssuer = 0;
        var issuers = new HashSet<string>(StringComparer.Ordinal);
        for (int s = 0; s < sessions; s++)
        {
            string sessionId;
            string issuer;
            using (HttpResponseMessage first = await PostAsync(http, endpoint, sessionId: null))
            {
                sessionId = first.Headers.GetValues("Mcp-Session-Id").Single();
                issuer = first.Headers.GetValues("X-McpGen-Replica").Single();
                Assert.StartsWith(issuer + ".", sessionId, StringComparison.Ordinal);
                issuers.Add(issuer);
            }

            for (int f = 0; f < followUps; f++)
            {
                using HttpResponseMessage next = await PostAsync(http, endpoint, sessionId);
                Assert.False(next.Headers.Contains("Mcp-Session-Id"), "a follow-up request got a new session id");
                sent++;
                if (next.Headers.GetValues("X-McpGen-Replica").Single() == issuer)
                {
                    onIssuer++;
                }
            }
        }

        return (sessions, sent, onIssuer, issuers);
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient http, Uri endpoint, string? sessionId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint)
        {
            Content = new StringContent("""{"jsonrpc":"2.0","id":1,"method":"ping"}""", Encoding.UTF8, "application/json"),
        };
        if (sessionId is not null)
        {
            request.Headers.Add("Mcp-Session-Id", sessionId);
        }

        HttpResponseMessage response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response;
    }
}
