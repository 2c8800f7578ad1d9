using System.Collections.Concurrent;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace McpGen.IntegrationTests;

/// <summary>
/// A sticky-session server for the session tests: a tool that streams numbered progress slowly, one that logs at every
/// level, one that waits for its cancellation, one that closes its stream for polling mid-way, one that raises change
/// notifications through the injected <see cref="McpChangeNotifier{TServer}"/>, and two subscribable resources.
/// </summary>
[McpServer(Session = McpSessionMode.Sticky, Name = "session-tests")]
public partial class SessionServer(SessionProbe probe, McpChangeNotifier<SessionServer> notifier)
{
    public const string WatchedUri = "test://watched";
    public const string OtherUri = "test://other";

    /// <summary>Reports progress 1..<paramref name="count"/>, <paramref name="delay"/> ms apart, waits <paramref name="settle"/> ms, then answers.</summary>
    /// <param name="count">How many progress notifications to send.</param>
    /// <param name="delay">Milliseconds between two notifications.</param>
    /// <param name="settle">Milliseconds to wait after the last notification.</param>
    /// <param name="progress">Where progress goes.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    [McpTool]
    public static async Task<string> Count(int count, int delay, int settle, IProgress<McpProgress> progress, CancellationToken cancellationToken)
    {
        for (int i = 1; i <= count; i++)
        {
            progress.Report(new McpProgress(i, count, $"step {i}"));
            await Task.Delay(delay, cancellationToken);
        }

        await Task.Delay(settle, cancellationToken);
        return $"counted to {count}";
    }

    /// <summary>Logs one message per level, lowest first (the data is the level's name), waits <paramref name="settle"/> ms, and answers with the session id.</summary>
    /// <param name="settle">Milliseconds to wait after the last message.</param>
    /// <param name="context">The request.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    [McpTool]
    public static async Task<string> LogEveryLevel(int settle, McpRequestContext context, CancellationToken cancellationToken)
    {
        foreach (McpLogLevel level in Enum.GetValues<McpLogLevel>())
        {
            context.Log(level, level.ToString().ToLowerInvariant(), "session-tests");
        }

        await Task.Delay(settle, cancellationToken);
        return context.SessionId ?? "no session";
    }

    /// <summary>
    /// Signals that it started (and reports progress 0 when the client asked for progress, which starts the SSE
    /// response), then waits (at most 30 s) for its cancellation token, and signals that too.
    /// </summary>
    /// <param name="key">Names this call to the test.</param>
    /// <param name="progress">Where progress goes.</param>
    /// <param name="cancellationToken">Fires when the client cancels the call.</param>
    [McpTool]
    public async Task<string> Block(string key, IProgress<McpProgress> progress, CancellationToken cancellationToken)
    {
        progress.Report(new McpProgress(0));
        probe.Started(key, cancellationToken);
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(30), cancellationToken);
        }
        catch (OperationCanceledException)
        {
            probe.Cancelled(key);
            throw;
        }

        return "not cancelled";
    }

    /// <summary>
    /// Reports progress 1..<paramref name="count"/>, <paramref name="delay"/> ms apart; after <paramref name="closeAfter"/>
    /// reports it ends the HTTP response (SSE polling) so the client resumes the stream with Last-Event-ID.
    /// </summary>
    /// <param name="count">How many progress notifications to send.</param>
    /// <param name="closeAfter">After how many notifications the response ends.</param>
    /// <param name="delay">Milliseconds between two notifications.</param>
    /// <param name="context">The request.</param>
    /// <param name="progress">Where progress goes.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    [McpTool]
    public static async Task<string> Poll(int count, int closeAfter, int delay, McpRequestContext context, IProgress<McpProgress> progress, CancellationToken cancellationToken)
    {
        bool closed = false;
        for (int i = 1; i <= count; i++)
        {
            progress.Report(new McpProgress(i, count));
            if (i == closeAfter)
            {
                closed = context.CloseStreamForPolling();
            }

            await Task.Delay(delay, cancellationToken);
        }

        return closed ? $"polled to {count}" : "not closed";
    }

    /// <summary>Raises a change: <c>tools</c>, <c>prompts</c>, <c>resources</c> (list changed) or <c>updated</c> (of <paramref name="uri"/>).</summary>
    /// <param name="change">Which change.</param>
    /// <param name="uri">The updated resource.</param>
    [McpTool]
    public async Task<string> Notify(string change, string? uri = null)
    {
        switch (change)
        {
            case "tools":
                await notifier.NotifyToolsListChangedAsync();
                break;
            case "prompts":
                await notifier.NotifyPromptsListChangedAsync();
                break;
            case "resources":
                await notifier.NotifyResourcesListChangedAsync();
                break;
            case "updated":
                await notifier.NotifyResourceUpdatedAsync(uri ?? WatchedUri);
                break;
            default:
                throw new McpToolException($"Unknown change '{change}': use tools, prompts, resources or updated.");
        }

        return "notified " + change;
    }

    /// <summary>A resource clients subscribe to.</summary>
    [McpResource(WatchedUri, Name = "watched", MimeType = "text/plain", Subscribable = true)]
    public static ResourceContents Watched() => new TextResourceContents(WatchedUri, "watched content", "text/plain");

    /// <summary>Another subscribable resource.</summary>
    [McpResource(OtherUri, Name = "other", MimeType = "text/plain", Subscribable = true)]
    public static ResourceContents Other() => new TextResourceContents(OtherUri, "other content", "text/plain");

    /// <summary>A prompt, so the server offers prompts (and their list_changed).</summary>
    [McpPrompt]
    public static string Greeting() => "Hello from the session tests.";
}

/// <summary>What the tools of <see cref="SessionServer"/> tell the tests: which calls started and whose token fired.</summary>
public sealed class SessionProbe
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _started = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _cancelled = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CancellationToken> _tokens = new(StringComparer.Ordinal);

    public void Started(string key, CancellationToken token)
    {
        _tokens[key] = token;
        Get(_started, key).TrySetResult();
    }

    /// <summary>The cancellation token the call named <paramref name="key"/> was given (its flag is set the moment it is cancelled).</summary>
    public CancellationToken TokenOf(string key) => _tokens[key];

    public void Cancelled(string key) => Get(_cancelled, key).TrySetResult();

    /// <summary>Completes when the call named <paramref name="key"/> started; throws after <paramref name="limit"/>.</summary>
    public Task WaitStartedAsync(string key, TimeSpan limit) => Get(_started, key).Task.WaitAsync(limit);

    /// <summary>Completes when the call named <paramref name="key"/> saw its token fire; throws after <paramref name="limit"/>.</summary>
    public Task WaitCancelledAsync(string key, TimeSpan limit) => Get(_cancelled, key).Task.WaitAsync(limit);

    private static TaskCompletionSource Get(ConcurrentDictionary<string, TaskCompletionSource> map, string key)
        => map.GetOrAdd(key, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}

/// <summary>
/// The <see cref="SessionServer"/> on a real Kestrel bound to 127.0.0.1, with a test authentication scheme: a request
/// with <c>X-Test-User: name</c> is authenticated as <c>name</c>, one without it is anonymous.
/// </summary>
public sealed class SessionHost : IAsyncLifetime
{
    public const string UserHeader = "X-Test-User";
    public const string ReplicaId = "replica-a";

    private readonly Action<McpServerOptions>? _configure;
    private WebApplication? _app;

    public SessionHost()
        : this(null)
    {
    }

    private SessionHost(Action<McpServerOptions>? configure) => _configure = configure;

    public Uri Endpoint { get; private set; } = null!;

    public IServiceProvider Services => _app!.Services;

    public SessionProbe Probe => Services.GetRequiredService<SessionProbe>();

    public McpChangeNotifier<SessionServer> Notifier => Services.GetRequiredService<McpChangeNotifier<SessionServer>>();

    /// <summary>Starts a host with its own options (the defaults of the fixture, then <paramref name="configure"/>).</summary>
    public static async Task<SessionHost> StartAsync(Action<McpServerOptions>? configure = null)
    {
        var host = new SessionHost(configure);
        await host.InitializeAsync();
        return host;
    }

    public async Task InitializeAsync()
        => (_app, Endpoint) = await KestrelHost.StartAsync(
            services =>
            {
                services.AddSingleton<SessionProbe>();
                services.AddAuthentication(TestUserHandler.SchemeName).AddScheme<AuthenticationSchemeOptions, TestUserHandler>(TestUserHandler.SchemeName, null);
                services.AddMcpServer<SessionServer>(o =>
                {
                    o.Sessions.ReplicaId = ReplicaId;
                    o.Sessions.StreamRetryInterval = TimeSpan.FromMilliseconds(100);
                    _configure?.Invoke(o);
                });
            },
            app =>
            {
                app.UseAuthentication();
                app.MapMcp<SessionServer>("/mcp");
            });

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    /// <summary>Authenticates <c>X-Test-User: name</c> as <c>name</c>; leaves requests without the header anonymous.</summary>
    private sealed class TestUserHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, System.Text.Encodings.Web.UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        public const string SchemeName = "Test";

        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            string? user = Request.Headers[UserHeader];
            if (string.IsNullOrEmpty(user))
            {
                return Task.FromResult(AuthenticateResult.NoResult());
            }

            var identity = new System.Security.Claims.ClaimsIdentity([new System.Security.Claims.Claim("sub", user)], SchemeName);
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new System.Security.Claims.ClaimsPrincipal(identity), SchemeName)));
        }
    }
}
