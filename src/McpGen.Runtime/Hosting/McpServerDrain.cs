using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace McpGen;

/// <summary>
/// The graceful drain of this replica, shared by every McpGen endpoint of the application. It starts when the host
/// stops (<see cref="IHostApplicationLifetime.ApplicationStopping"/>, e.g. SIGTERM): from then on <c>initialize</c> gets
/// 503 with <c>Retry-After</c> (a load balancer or the client sends it to another replica), the readiness check
/// <c>mcpgen-drain</c> is Unhealthy, and open SSE streams end with a <c>retry</c> hint (store-backed: the client resumes
/// them with <c>Last-Event-ID</c> on another replica; sticky: its session ends with this replica). The host then waits,
/// bounded by <see cref="McpServerOptions.DrainTimeout"/>, until no POST is in flight, before the server stops.
/// </summary>
internal sealed class McpServerDrain
{
    private readonly CancellationTokenSource _draining = new();
    private readonly TaskCompletionSource _idle = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ILogger _logger;
    private int _inFlight;
    private int _started;

    public McpServerDrain(IOptionsMonitor<McpServerOptions> options, IEnumerable<McpServerRegistration> servers, ILoggerFactory loggerFactory, IHostApplicationLifetime? lifetime = null)
    {
        DrainTimeout = LongestTimeout(options, servers);
        _logger = loggerFactory.CreateLogger("McpGen.Hosting.Drain");
        lifetime?.ApplicationStopping.Register(static state => ((McpServerDrain)state!).Begin(), this);
    }

    /// <summary>
    /// How long the drain waits for in-flight requests: the longest <see cref="McpServerOptions.DrainTimeout"/> of the
    /// servers of the application (the drain is one per replica; each server's options may set it).
    /// </summary>
    public TimeSpan DrainTimeout { get; }

    /// <summary>
    /// The longest drain timeout among the registered servers' options (and the options every server shares). Options
    /// that fail validation are skipped here: MapMcp and ValidateOnStart report them, this runs while the host is built.
    /// </summary>
    internal static TimeSpan LongestTimeout(IOptionsMonitor<McpServerOptions> options, IEnumerable<McpServerRegistration> servers)
    {
        TimeSpan longest = Timeout(options, Options.DefaultName) ?? TimeSpan.Zero;
        foreach (McpServerRegistration server in servers)
        {
            if (Timeout(options, server.Name) is { } timeout && timeout > longest)
            {
                longest = timeout;
            }
        }

        return longest;

        static TimeSpan? Timeout(IOptionsMonitor<McpServerOptions> options, string name)
        {
            try
            {
                return options.Get(name).DrainTimeout;
            }
            catch (OptionsValidationException)
            {
                return null;
            }
        }
    }

    /// <summary>Whether the drain has started.</summary>
    public bool IsDraining => Volatile.Read(ref _started) != 0;

    /// <summary>Cancelled when the drain starts: streams end on it.</summary>
    public CancellationToken Draining => _draining.Token;

    /// <summary>POST requests being served now.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Starts the drain (idempotent).</summary>
    public void Begin()
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            return;
        }

        DrainLog.Started(_logger, InFlight, DrainTimeout.TotalSeconds);
        if (InFlight == 0)
        {
            _idle.TrySetResult();
        }

        try
        {
            _draining.Cancel();
        }
        catch (AggregateException ex)
        {
            DrainLog.CallbackFailed(_logger, ex);
        }
    }

    /// <summary>Counts a request in; pair with <see cref="Exit"/>.</summary>
    public void Enter() => Interlocked.Increment(ref _inFlight);

    public void Exit()
    {
        if (Interlocked.Decrement(ref _inFlight) == 0 && IsDraining)
        {
            _idle.TrySetResult();
        }
    }

    /// <summary>
    /// Waits until no request is in flight, <see cref="DrainTimeout"/> has passed or <paramref name="cancellationToken"/>
    /// (the host's shutdown timeout) fires; returns the requests still in flight.
    /// </summary>
    public async Task<int> WaitAsync(CancellationToken cancellationToken)
    {
        Begin();
        if (InFlight == 0)
        {
            _idle.TrySetResult();
        }

        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            await _idle.Task.WaitAsync(DrainTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
        }

        int left = InFlight;
        DrainLog.Finished(_logger, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds, left);
        return left;
    }
}

/// <summary>
/// Runs the drain's wait when the host stops, while the web server still serves: <see cref="IHostedLifecycleService.StoppingAsync"/>
/// runs for every hosted service before any <see cref="IHostedService.StopAsync"/>, and the web server (registered after
/// the application's hosted services, so it starts last) stops first.
/// </summary>
internal sealed class McpServerDrainService(McpServerDrain drain) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => drain.WaitAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>The readiness check <c>mcpgen-drain</c>: Unhealthy ("draining") from the start of the drain.</summary>
internal sealed class McpDrainHealthCheck(McpServerDrain drain) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        => Task.FromResult(drain.IsDraining
            ? new HealthCheckResult(context.Registration.FailureStatus,
                $"draining: this replica is shutting down ({drain.InFlight} requests in flight, up to {drain.DrainTimeout.TotalSeconds:0.#} s); route new requests to another replica.")
            : HealthCheckResult.Healthy("accepting sessions"));
}

internal static partial class DrainLog
{
    [LoggerMessage(901, LogLevel.Information, "MCP drain started: new sessions get 503, open streams end with a retry hint; waiting up to {TimeoutSeconds} s for {InFlight} requests in flight.")]
    public static partial void Started(ILogger logger, int inFlight, double timeoutSeconds);

    [LoggerMessage(902, LogLevel.Information, "MCP drain finished after {ElapsedMs:0} ms; {Left} requests still in flight.")]
    public static partial void Finished(ILogger logger, double elapsedMs, int left);

    [LoggerMessage(903, LogLevel.Warning, "An SSE stream failed to end when the drain started.")]
    public static partial void CallbackFailed(ILogger logger, Exception exception);

    [LoggerMessage(904, LogLevel.Debug, "MCP initialize refused with 503: this replica is draining.")]
    public static partial void Refused(ILogger logger);

    [LoggerMessage(905, LogLevel.Debug, "MCP session {SessionId}: stream '{StreamId}' ended by the drain; the client resumes it with Last-Event-ID on another replica.")]
    public static partial void StreamEnded(ILogger logger, string sessionId, string streamId);
}

/// <summary>One per <c>AddMcpServer&lt;T&gt;()</c>: the name of a server's options, for what is shared by every server (the drain).</summary>
internal sealed record McpServerRegistration(string Name);
