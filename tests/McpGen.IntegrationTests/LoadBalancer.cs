using System.Text;
using System.Text.RegularExpressions;

namespace McpGen.IntegrationTests;

/// <summary>
/// haproxy or nginx on 127.0.0.1 running one of the committed configurations in deploy/, with free ports in place of
/// the documented ones: the front 127.0.0.1:8080 and the replicas 127.0.0.1:5101, 5102, ... (named r1, r2, ...).
/// Runs the binary in the foreground as a child process (never the system service) and kills it on dispose.
/// </summary>
internal sealed partial class LoadBalancer : IAsyncDisposable
{
    private const string DocumentedFront = "127.0.0.1:8080";

    private readonly ChildProcess _process;
    private readonly string _directory;

    private LoadBalancer(string kind, ChildProcess process, string directory, int frontPort)
    {
        Kind = kind;
        _process = process;
        _directory = directory;
        Front = new Uri($"http://127.0.0.1:{frontPort}");
    }

    /// <summary>"haproxy" or "nginx".</summary>
    public string Kind { get; }

    /// <summary>The front's base address.</summary>
    public Uri Front { get; }

    /// <summary>The MCP endpoint through the front.</summary>
    public Uri Endpoint => new(Front, "/mcp");

    public ChildProcess Process => _process;

    public static string HaproxyBinary => File.Exists("/usr/sbin/haproxy") ? "/usr/sbin/haproxy" : "haproxy";

    public static string NginxBinary => File.Exists("/usr/sbin/nginx") ? "/usr/sbin/nginx" : "nginx";

    /// <summary>The committed configuration file <paramref name="relativePath"/> under deploy/.</summary>
    public static string DeployFile(string relativePath) => Path.Combine(RepoPaths.Root, "deploy", relativePath);

    /// <summary>
    /// Starts haproxy on deploy/haproxy/<paramref name="configName"/> in front of <paramref name="replicaPorts"/>
    /// (r1 = the first port), after checking the rendered file with <c>haproxy -c</c>; returns once the front answers.
    /// </summary>
    public static async Task<LoadBalancer> StartHaproxyAsync(string configName, IReadOnlyList<int> replicaPorts)
    {
        int frontPort = ProcessRunner.FreeLoopbackPort();
        string directory = Directory.CreateTempSubdirectory("mcpgen-haproxy-").FullName;
        string config = Path.Combine(directory, "haproxy.cfg");
        await File.WriteAllTextAsync(config, RenderHaproxy(await File.ReadAllTextAsync(DeployFile(Path.Combine("haproxy", configName))), frontPort, replicaPorts));
        await CheckAsync(HaproxyBinary, ["-c", "-f", config], directory);
        ChildProcess process = ChildProcess.Start("haproxy", HaproxyBinary, ["-db", "-f", config], directory);
        return await ReadyAsync(new LoadBalancer("haproxy", process, directory, frontPort));
    }

    /// <summary>
    /// Starts nginx on deploy/nginx/mcp.conf (included in a generated main configuration whose pid and temporary files
    /// live in a temporary directory) in front of exactly three replicas, after <c>nginx -t</c>.
    /// </summary>
    public static async Task<LoadBalancer> StartNginxAsync(IReadOnlyList<int> replicaPorts)
    {
        int frontPort = ProcessRunner.FreeLoopbackPort();
        string directory = Directory.CreateTempSubdirectory("mcpgen-nginx-").FullName;
        string main = await WriteNginxConfigAsync(directory, frontPort, replicaPorts);
        await CheckAsync(NginxBinary, ["-t", "-p", directory, "-c", main], directory);
        ChildProcess process = ChildProcess.Start("nginx", NginxBinary, ["-p", directory, "-c", main], directory);
        return await ReadyAsync(new LoadBalancer("nginx", process, directory, frontPort));
    }

    /// <summary>Writes deploy/nginx/mcp.conf rendered for these ports and a main file including it; returns the main file.</summary>
    public static async Task<string> WriteNginxConfigAsync(string directory, int frontPort, IReadOnlyList<int> replicaPorts)
    {
        string site = Path.Combine(directory, "mcp.conf");
        await File.WriteAllTextAsync(site, RenderNginx(await File.ReadAllTextAsync(DeployFile(Path.Combine("nginx", "mcp.conf"))), frontPort, replicaPorts));
        string main = Path.Combine(directory, "nginx.conf");
        await File.WriteAllTextAsync(main, $$"""
            daemon off;
            master_process off;
            worker_processes 1;
            pid {{directory}}/nginx.pid;
            error_log stderr warn;
            events { worker_connections 1024; }
            http {
                access_log off;
                client_body_temp_path {{directory}}/client_body;
                proxy_temp_path {{directory}}/proxy;
                fastcgi_temp_path {{directory}}/fastcgi;
                uwsgi_temp_path {{directory}}/uwsgi;
                scgi_temp_path {{directory}}/scgi;
                include {{site}};
            }
            """);
        return main;
    }

    /// <summary>
    /// haproxy: the front port in place of 8080, and the documented server lines (<c>server r1 127.0.0.1:5101 ...</c>)
    /// replaced by one line per replica with the options of the first (<c>server rN 127.0.0.1:PORT ...</c>).
    /// </summary>
    public static string RenderHaproxy(string template, int frontPort, IReadOnlyList<int> replicaPorts)
    {
        Match first = HaproxyServerLine().Match(template);
        if (!first.Success || !template.Contains(DocumentedFront, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Not a deploy/haproxy template: it needs 'bind {DocumentedFront}' and 'server r1 127.0.0.1:5101 ...' lines.");
        }

        var servers = new StringBuilder();
        for (int i = 0; i < replicaPorts.Count; i++)
        {
            servers.Append(first.Groups["indent"].Value).Append($"server r{i + 1} 127.0.0.1:{replicaPorts[i]}").Append(first.Groups["options"].Value).Append('\n');
        }

        string withoutServers = HaproxyServerLine().Replace(template, m => m.Index == first.Index ? "\u0001" : string.Empty);
        return withoutServers.Replace("\u0001", servers.ToString(), StringComparison.Ordinal).Replace(DocumentedFront, $"127.0.0.1:{frontPort}", StringComparison.Ordinal);
    }

    /// <summary>nginx: the front port in place of 8080 and replica k's port in place of 510k; the file names three replicas.</summary>
    public static string RenderNginx(string template, int frontPort, IReadOnlyList<int> replicaPorts)
    {
        if (replicaPorts.Count != 3)
        {
            throw new ArgumentException("deploy/nginx/mcp.conf names three replicas (r1..r3): start three.", nameof(replicaPorts));
        }

        string rendered = template.Replace(DocumentedFront, $"127.0.0.1:{frontPort}", StringComparison.Ordinal);
        for (int i = 0; i < replicaPorts.Count; i++)
        {
            rendered = rendered.Replace($"127.0.0.1:{5101 + i}", $"127.0.0.1:{replicaPorts[i]}", StringComparison.Ordinal);
        }

        return rendered;
    }

    /// <summary>
    /// haproxy only: how many requests haproxy sent again after a failed attempt (the retries field of its HTTP log
    /// lines), and how many of those went to another replica (a <c>+</c> in that field: redispatched).
    /// </summary>
    public (int Retried, int Redispatched) Retries()
    {
        int retried = 0, redispatched = 0;
        foreach (string line in _process.Output)
        {
            Match m = HaproxyLogCounters().Match(line);
            if (m.Success && int.Parse(m.Groups["retries"].Value, System.Globalization.CultureInfo.InvariantCulture) > 0)
            {
                retried++;
                if (m.Groups["redispatched"].Value == "+")
                {
                    redispatched++;
                }
            }
        }

        return (retried, redispatched);
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static async Task CheckAsync(string binary, string[] arguments, string directory)
    {
        ProcessRunner.Result check = await ProcessRunner.RunAsync(binary, arguments, directory, TimeSpan.FromSeconds(20));
        Assert.True(check.ExitCode == 0, $"{binary} {string.Join(' ', arguments)} rejected the configuration (run scripts/services/haproxy.sh install if it is missing)\n{check.Describe()}");
    }

    private static async Task<LoadBalancer> ReadyAsync(LoadBalancer balancer)
    {
        try
        {
            await ProcessRunner.WaitForHealthyAsync(new Uri(balancer.Front, "/healthz"), balancer._process.Process, TimeSpan.FromSeconds(20));
            return balancer;
        }
        catch (Exception e)
        {
            string tail = balancer._process.Tail();
            await balancer.DisposeAsync();
            throw new InvalidOperationException($"{balancer.Kind} did not come up: {e.Message}\n{tail}", e);
        }
    }

    [GeneratedRegex(@"^(?<indent>[ \t]*)server r\d+ 127\.0\.0\.1:510\d(?<options>[^\n]*)\n", RegexOptions.Multiline)]
    private static partial Regex HaproxyServerLine();

    // "... ---- 4/4/3/0/+1 0/0 "POST /mcp HTTP/1.1"": actconn/feconn/beconn/srv_conn/retries, then the queues.
    [GeneratedRegex(@" \d+/\d+/\d+/\d+/(?<redispatched>\+?)(?<retries>\d+) \d+/\d+ """)]
    private static partial Regex HaproxyLogCounters();
}
