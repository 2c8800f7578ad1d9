using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using McpGen.Sessions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace McpGen;

/// <summary>
/// McpGen's health checks (<c>Microsoft.Extensions.Diagnostics.HealthChecks</c>), registered by <c>AddMcpServer</c> and
/// by the store packages (<c>AddMcpGenPostgreSql</c>); calling <see cref="AddMcpGenChecks"/> yourself is never needed
/// and does nothing more. Every check carries the tags <see cref="ReadyTag"/> and <see cref="Tag"/>:
/// <list type="bullet">
/// <item><c>mcpgen-drain</c>: Unhealthy ("draining") from the moment the host starts to stop (graceful drain).</item>
/// <item><c>mcpgen-session-store</c>: the session store (<see cref="IMcpSessionStore"/>) can be reached. In-memory:
/// Healthy. A store that implements <see cref="IHealthCheck"/> (PostgreSQL) answers itself, bounded by a short timeout:
/// Unhealthy with the store and the error while its database is unreachable, Healthy again by itself once it is back.</item>
/// <item><c>mcpgen-backplane</c>: the same for the backplane (<see cref="IMcpBackplane"/>).</item>
/// </list>
/// Serve them as readiness: <c>app.MapHealthChecks("/healthz/ready", new HealthCheckOptions { Predicate = r =&gt; r.Tags.Contains(McpHealthChecks.ReadyTag) })</c>.
/// </summary>
public static class McpHealthChecks
{
    /// <summary>The tag of readiness checks: a replica that fails one should get no new requests.</summary>
    public const string ReadyTag = "ready";

    /// <summary>The tag of every McpGen check.</summary>
    public const string Tag = "mcpgen";

    /// <summary>The name of the drain check.</summary>
    public const string Drain = "mcpgen-drain";

    /// <summary>The name of the session store check.</summary>
    public const string SessionStore = "mcpgen-session-store";

    /// <summary>The name of the backplane check.</summary>
    public const string Backplane = "mcpgen-backplane";

    /// <summary>How long the store and backplane checks may take before they report Unhealthy.</summary>
    public static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Adds McpGen's checks (idempotent: once per service collection, whoever calls it first).</summary>
    public static IHealthChecksBuilder AddMcpGenChecks(this IHealthChecksBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.Services.Any(d => d.ServiceType == typeof(Marker)))
        {
            return builder;
        }

        builder.Services.AddSingleton<Marker>();
        builder.Services.AddOptions();
        builder.Services.TryAddSingleton<McpServerDrain>();
        string[] tags = [ReadyTag, Tag];
        builder.Add(new HealthCheckRegistration(Drain, sp => new McpDrainHealthCheck(sp.GetRequiredService<McpServerDrain>()), HealthStatus.Unhealthy, tags));
        builder.Add(new HealthCheckRegistration(SessionStore, sp => new DelegatingCheck(sp.GetRequiredService<IMcpSessionStore>(), "session store"), HealthStatus.Unhealthy, tags, CheckTimeout));
        builder.Add(new HealthCheckRegistration(Backplane, sp => new DelegatingCheck(sp.GetRequiredService<IMcpBackplane>(), "backplane"), HealthStatus.Unhealthy, tags, CheckTimeout));
        return builder;
    }

    /// <summary>The drain and the checks, for <c>AddMcpServerCore</c> and the store packages.</summary>
    internal static void AddDrainAndChecks(IServiceCollection services)
    {
        services.TryAddSingleton<McpServerDrain>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, McpServerDrainService>());

        // The drain runs inside the host's shutdown: keep HostOptions.ShutdownTimeout above DrainTimeout, with room for
        // the web server to finish after it (raised only when it is too short).
        services.AddOptions<HostOptions>().PostConfigure<IOptionsMonitor<McpServerOptions>, IEnumerable<McpServerRegistration>>((host, mcp, servers) =>
        {
            TimeSpan needed = McpServerDrain.LongestTimeout(mcp, servers) + ShutdownMargin;
            if (host.ShutdownTimeout < needed)
            {
                host.ShutdownTimeout = needed;
            }
        });
        services.AddHealthChecks().AddMcpGenChecks();
    }

    /// <summary>What <see cref="HostOptions.ShutdownTimeout"/> keeps beyond <see cref="McpServerOptions.DrainTimeout"/>.</summary>
    internal static readonly TimeSpan ShutdownMargin = TimeSpan.FromSeconds(5);

    private sealed class Marker;

    /// <summary>Asks the store or backplane itself when it can tell (implements <see cref="IHealthCheck"/>); in-process ones are Healthy.</summary>
    private sealed class DelegatingCheck(object component, string what) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
            => component is IHealthCheck probe
                ? probe.CheckHealthAsync(context, cancellationToken)
                : Task.FromResult(HealthCheckResult.Healthy($"{component.GetType().Name}: in-process {what}, nothing to reach."));
    }
}
