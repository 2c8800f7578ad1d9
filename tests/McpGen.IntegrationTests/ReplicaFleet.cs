namespace McpGen.IntegrationTests;

/// <summary>
/// N replicas of samples/Everything, each its own process (<c>dotnet Everything.dll --urls http://127.0.0.1:PORT --mode
/// M</c> with <c>MCPGEN_REPLICA_ID=r1..rN</c>, so every response names its replica in <c>X-McpGen-Replica</c>), with a
/// load balancer in front (<see cref="StartHaproxyAsync"/>, <see cref="StartNginxAsync"/>). Builds nothing: it runs the
/// sample built with the tests' configuration. Dispose kills every process it started, also after a failed test.
/// </summary>
internal sealed class ReplicaFleet : IAsyncDisposable
{
    private readonly List<Replica> _replicas;
    private readonly List<LoadBalancer> _balancers = [];

    private ReplicaFleet(string mode, List<Replica> replicas)
    {
        Mode = mode;
        _replicas = replicas;
    }

    /// <summary>The session mode every replica runs (<c>--mode</c>): stateless, sticky or store.</summary>
    public string Mode { get; }

    public IReadOnlyList<Replica> Replicas => _replicas;

    public IReadOnlyList<int> Ports => [.. _replicas.Select(r => r.Port)];

    /// <summary>samples/Everything's entry assembly, built with the same configuration as this test assembly.</summary>
    public static string EverythingDll
    {
        get
        {
            string dll = Path.Combine(RepoPaths.Root, "samples", "Everything", "bin", BuildInfo.Configuration, "net10.0", "Everything.dll");
            return File.Exists(dll)
                ? dll
                : throw new FileNotFoundException($"{dll} is missing: build the solution first (dotnet build McpGen.sln -c {BuildInfo.Configuration}).", dll);
        }
    }

    /// <summary>
    /// Starts <paramref name="count"/> replicas in <paramref name="mode"/> and waits, bounded, until each answers
    /// <c>/healthz</c>. <paramref name="arguments"/> and <paramref name="environment"/> go to every replica (for example
    /// a PostgreSQL connection string for store mode).
    /// </summary>
    public static async Task<ReplicaFleet> StartAsync(int count, string mode, IEnumerable<string>? arguments = null, IDictionary<string, string>? environment = null)
    {
        string dll = EverythingDll;
        var replicas = new List<Replica>();
        var fleet = new ReplicaFleet(mode, replicas);
        try
        {
            for (int i = 1; i <= count; i++)
            {
                int port = ProcessRunner.FreeLoopbackPort();
                var env = new Dictionary<string, string>(environment ?? new Dictionary<string, string>())
                {
                    ["MCPGEN_REPLICA_ID"] = $"r{i}",
                    ["ASPNETCORE_ENVIRONMENT"] = "Production",
                };
                string[] args = [dll, "--urls", $"http://127.0.0.1:{port}", "--mode", mode, .. arguments ?? []];
                string name = $"replica r{i}";
                replicas.Add(new Replica($"r{i}", port, () => ChildProcess.Start(name, "dotnet", args, Path.GetDirectoryName(dll)!, env)));
            }

            await Task.WhenAll(replicas.Select(r => r.WaitForHealthyAsync(TimeSpan.FromSeconds(60))));
            return fleet;
        }
        catch
        {
            await fleet.DisposeAsync();
            throw;
        }
    }

    public Replica this[string id] => _replicas.Single(r => r.Id == id);

    /// <summary>haproxy on deploy/haproxy/<paramref name="configName"/> (affinity.cfg, roundrobin.cfg) in front of the replicas.</summary>
    public async Task<LoadBalancer> StartHaproxyAsync(string configName)
    {
        LoadBalancer balancer = await LoadBalancer.StartHaproxyAsync(configName, Ports);
        _balancers.Add(balancer);
        return balancer;
    }

    /// <summary>nginx on deploy/nginx/mcp.conf (route key affinity) in front of the three replicas.</summary>
    public async Task<LoadBalancer> StartNginxAsync()
    {
        LoadBalancer balancer = await LoadBalancer.StartNginxAsync(Ports);
        _balancers.Add(balancer);
        return balancer;
    }

    /// <summary>Every replica's and load balancer's last output lines, for failure messages.</summary>
    public string Describe() => string.Join('\n', _balancers.Select(b => b.Process.Tail()).Concat(_replicas.Select(r => r.Process.Tail(15))));

    public async ValueTask DisposeAsync()
    {
        foreach (LoadBalancer balancer in _balancers)
        {
            await balancer.DisposeAsync();
        }

        foreach (ChildProcess process in _replicas.SelectMany(r => r.Processes))
        {
            await process.DisposeAsync();
        }
    }

    /// <summary>One replica process.</summary>
    internal sealed class Replica(string id, int port, Func<ChildProcess> start)
    {
        private ChildProcess _process = start();
        private readonly List<ChildProcess> _stopped = [];

        /// <summary>Its MCPGEN_REPLICA_ID (r1, r2, ...): the server name in the load balancer configurations.</summary>
        public string Id { get; } = id;

        public int Port { get; } = port;

        public Uri Endpoint => new($"http://127.0.0.1:{Port}/mcp");

        /// <summary>The replica's current process (a new one after <see cref="RestartAsync"/>).</summary>
        public ChildProcess Process => Volatile.Read(ref _process);

        /// <summary>Every process of this replica, the stopped ones first (for failure messages and disposal).</summary>
        public IReadOnlyList<ChildProcess> Processes => [.. _stopped, Process];

        /// <summary>Kills the replica at once (SIGKILL, a crash: no graceful drain).</summary>
        public Task KillAsync() => Process.KillAsync();

        /// <summary>
        /// A rolling restart's step: SIGTERM (graceful drain, bounded by <paramref name="stopLimit"/>), then the same
        /// command again on the same port, healthy within <paramref name="startLimit"/>. Returns the old process's exit code
        /// and how long it took to exit.
        /// </summary>
        public async Task<(int ExitCode, TimeSpan Stopping)> RestartAsync(TimeSpan stopLimit, TimeSpan startLimit)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            ChildProcess old = Process;
            int exitCode = await old.TerminateAsync(stopLimit);
            TimeSpan stopping = clock.Elapsed;
            _stopped.Add(old);
            Volatile.Write(ref _process, start());
            await WaitForHealthyAsync(startLimit);
            return (exitCode, stopping);
        }

        public async Task WaitForHealthyAsync(TimeSpan limit)
        {
            try
            {
                await ProcessRunner.WaitForHealthyAsync(new Uri($"http://127.0.0.1:{Port}/healthz"), Process.Process, limit);
            }
            catch (Exception e) when (e is TimeoutException or InvalidOperationException)
            {
                throw new InvalidOperationException($"Replica {Id} on port {Port} did not start: {e.Message}\n{Process.Tail()}", e);
            }
        }
    }
}
