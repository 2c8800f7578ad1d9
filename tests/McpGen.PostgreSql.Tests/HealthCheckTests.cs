using System.Diagnostics;
using McpGen.PostgreSql.Tests.Infrastructure;
using McpGen.Sessions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace McpGen.PostgreSql.Tests;

/// <summary>
/// The readiness checks McpGen registers (mcpgen-drain, mcpgen-session-store, mcpgen-backplane, tag "ready"), resolved
/// through ASP.NET Core's <see cref="HealthCheckService"/> as a /healthz endpoint would: in memory, and on a disposable
/// PostgreSQL cluster that is down, comes up, goes down and comes back.
/// </summary>
public sealed class HealthCheckTests
{
    /// <summary>A closed port refuses at once; the checks are bounded by HealthCheckTimeout (1 s here) anyway.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(4);

    private static ServiceProvider Build(Action<IServiceCollection> store)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddMcpServerCore();
        store(services);
        return services.BuildServiceProvider();
    }

    private static async Task<HealthReport> ReadyAsync(IServiceProvider provider)
    {
        var clock = Stopwatch.StartNew();
        HealthReport report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => r.Tags.Contains(McpHealthChecks.ReadyTag));
        Assert.True(clock.Elapsed < Bound, $"the readiness checks took {clock.Elapsed.TotalSeconds:0.0} s (bound {Bound.TotalSeconds} s)");
        return report;
    }

    private static string Describe(HealthReport report)
        => string.Join("; ", report.Entries.Select(e => $"{e.Key}={e.Value.Status} ({e.Value.Description})"));

    [Fact]
    public async Task In_memory_store_is_ready_until_the_drain_starts()
    {
        await using ServiceProvider provider = Build(services => services.AddSingleton<IHostApplicationLifetime, Microsoft.Extensions.Hosting.Internal.ApplicationLifetime>());
        HealthReport report = await ReadyAsync(provider);
        Assert.True(report.Status == HealthStatus.Healthy, Describe(report));
        Assert.Equal([McpHealthChecks.Backplane, McpHealthChecks.Drain, McpHealthChecks.SessionStore], report.Entries.Keys.Order(StringComparer.Ordinal));

        // AddMcpServerCore twice (two servers) and the PostgreSQL package each register the checks: still one of each.
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddMcpServerCore();
        services.AddMcpServerCore();
        services.AddHealthChecks().AddMcpGenChecks();
        await using ServiceProvider twice = services.BuildServiceProvider();
        Assert.Equal(3, (await ReadyAsync(twice)).Entries.Count);

        // The host starts to stop (SIGTERM): readiness fails at once.
        provider.GetRequiredService<IHostApplicationLifetime>().StopApplication();
        report = await ReadyAsync(provider);
        Assert.Equal(HealthStatus.Unhealthy, report.Status);
        Assert.Equal(HealthStatus.Unhealthy, report.Entries[McpHealthChecks.Drain].Status);
        Assert.StartsWith("draining", report.Entries[McpHealthChecks.Drain].Description);
        Assert.Equal(HealthStatus.Healthy, report.Entries[McpHealthChecks.SessionStore].Status);
    }

    [Fact]
    public async Task PostgreSql_readiness_fails_while_the_database_is_unreachable_and_recovers_by_itself()
    {
        await using var cluster = new FaultCluster();
        await using ServiceProvider provider = Build(services => services.AddMcpGenPostgreSql(cluster.ConnectionString, o =>
        {
            o.ConnectTimeout = TimeSpan.FromSeconds(2);
            o.HealthCheckTimeout = TimeSpan.FromSeconds(1);
        }));

        // Never started: nothing listens on the port. Both checks fail fast, naming the store and the error.
        HealthReport down = await ReadyAsync(provider);
        Assert.Equal(HealthStatus.Unhealthy, down.Status);
        AssertDown(down, McpHealthChecks.SessionStore, "session store", cluster.Port);
        AssertDown(down, McpHealthChecks.Backplane, "backplane", cluster.Port);
        Assert.Equal(HealthStatus.Healthy, down.Entries[McpHealthChecks.Drain].Status);

        await cluster.StartAsync();
        HealthReport up = await ReadyAsync(provider);
        Assert.True(up.Status == HealthStatus.Healthy, Describe(up));
        Assert.Contains($"127.0.0.1:{cluster.Port}", up.Entries[McpHealthChecks.SessionStore].Description);

        // A subscription starts the backplane's LISTEN connection: from now on its state counts too.
        IMcpBackplane backplane = provider.GetRequiredService<IMcpBackplane>();
        await using IAsyncDisposable subscription = await backplane.SubscribeAsync("health", _ => ValueTask.CompletedTask, CancellationToken.None);
        Assert.True((await ReadyAsync(provider)).Status == HealthStatus.Healthy);

        await cluster.StopAsync();
        HealthReport stopped = await ReadyAsync(provider);
        AssertDown(stopped, McpHealthChecks.SessionStore, "session store", cluster.Port);
        AssertDown(stopped, McpHealthChecks.Backplane, "backplane", cluster.Port);

        // Back by itself: no restart, no call other than the probes (the listener reconnects with backoff, at most 5 s).
        await cluster.StartAsync();
        var clock = Stopwatch.StartNew();
        HealthReport again;
        do
        {
            again = await ReadyAsync(provider);
            if (again.Status == HealthStatus.Healthy)
            {
                break;
            }

            await Task.Delay(200);
        }
        while (clock.Elapsed < TimeSpan.FromSeconds(15));

        Assert.True(again.Status == HealthStatus.Healthy, $"not ready {clock.Elapsed.TotalSeconds:0.0} s after the database came back: {Describe(again)}");
    }

    private static void AssertDown(HealthReport report, string name, string what, int port)
    {
        HealthReportEntry entry = report.Entries[name];
        Assert.True(entry.Status == HealthStatus.Unhealthy, $"{name}: {entry.Status} ({entry.Description})");
        Assert.Contains("McpGen " + what, entry.Description);
        Assert.Contains($"127.0.0.1:{port}", entry.Description);
        Assert.NotNull(entry.Exception);
    }
}
