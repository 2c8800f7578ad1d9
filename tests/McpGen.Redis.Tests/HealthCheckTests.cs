using System.Diagnostics;
using McpGen.Redis.Tests.Infrastructure;
using McpGen.Sessions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace McpGen.Redis.Tests;

/// <summary>
/// The readiness checks (mcpgen-session-store, mcpgen-backplane, tag "ready") with the Redis package, resolved through
/// ASP.NET Core's <see cref="HealthCheckService"/> as a /healthz endpoint would, on a disposable redis-server that is
/// down, comes up, goes down and comes back.
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
    public async Task Redis_readiness_fails_while_redis_is_unreachable_and_recovers_by_itself()
    {
        await using var redis = new FaultRedis();
        await using ServiceProvider provider = Build(services => services.AddMcpGenRedis(redis.Configuration, o =>
        {
            o.ConnectTimeout = TimeSpan.FromSeconds(1);
            o.HealthCheckTimeout = TimeSpan.FromSeconds(1);
        }));
        Assert.IsType<RedisMcpSessionStore>(provider.GetRequiredService<IMcpSessionStore>());
        Assert.IsType<RedisMcpBackplane>(provider.GetRequiredService<IMcpBackplane>());

        // Never started: nothing listens on the port. Both checks fail fast, naming the store and the endpoint.
        HealthReport down = await ReadyAsync(provider);
        Assert.Equal(HealthStatus.Unhealthy, down.Status);
        AssertDown(down, McpHealthChecks.SessionStore, "session store", redis.Port);
        AssertDown(down, McpHealthChecks.Backplane, "backplane", redis.Port);
        Assert.Equal(HealthStatus.Healthy, down.Entries[McpHealthChecks.Drain].Status);

        await redis.StartAsync();
        HealthReport up = await UntilHealthyAsync(provider, TimeSpan.FromSeconds(20));
        Assert.Contains($"127.0.0.1:{redis.Port}", up.Entries[McpHealthChecks.SessionStore].Description);

        await redis.StopAsync();
        HealthReport stopped = await ReadyAsync(provider);
        AssertDown(stopped, McpHealthChecks.SessionStore, "session store", redis.Port);
        AssertDown(stopped, McpHealthChecks.Backplane, "backplane", redis.Port);

        // Back by itself: no restart, no call other than the probes.
        await redis.StartAsync();
        await UntilHealthyAsync(provider, TimeSpan.FromSeconds(20));
    }

    private static async Task<HealthReport> UntilHealthyAsync(IServiceProvider provider, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        HealthReport report;
        do
        {
            report = await ReadyAsync(provider);
            if (report.Status == HealthStatus.Healthy)
            {
                return report;
            }

            await Task.Delay(200);
        }
        while (clock.Elapsed < limit);

        Assert.Fail($"not ready {clock.Elapsed.TotalSeconds:0.0} s after redis-server came back: {Describe(report)}");
        return report;
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
