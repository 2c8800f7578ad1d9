using System;
using System.Text.Json;
using McpGen.Sessions;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using McpGen.ClientInput;
using McpGen.Dispatch;
using McpGen.Http;
using McpGen.Streaming;

namespace McpGen.Http;

/// <summary>
/// What one McpGen endpoint works with: its server's options (named after the server), serializer options, logging, the
/// application's session store and backplane, and client input (sealed <c>requestState</c>, pending server-to-client
/// requests, shared by every endpoint).
/// </summary>
internal sealed class McpEndpointServices(
    McpServerOptions options,
    IOptions<JsonOptions> httpJsonOptions,
    ILoggerFactory loggerFactory,
    IMcpSessionStore store,
    IMcpBackplane backplane,
    IDataProtectionProvider dataProtection,
    TimeProvider time,
    PendingClientRequests pendingClientRequests,
    McpServerDrain drain,
    McpGen.Tasks.IMcpTaskStore taskStore)
{
    /// <summary>The services of the server named <paramref name="name"/>; <see langword="null"/> without <c>AddMcpServer</c>.</summary>
    /// <exception cref="InvalidOperationException">The server's options are out of range (each problem listed).</exception>
    public static McpEndpointServices? Create(IServiceProvider services, string name)
    {
        if (services.GetService<PendingClientRequests>() is not { } pending)
        {
            return null;
        }

        McpServerOptions options;
        try
        {
            options = services.GetRequiredService<IOptionsMonitor<McpServerOptions>>().Get(name);
        }
        catch (OptionsValidationException e)
        {
            throw new InvalidOperationException(e.Message, e); // the same exception MapMcp documents, whoever checks first
        }

        options.Validate(); // options built before the validator was registered, or changed after
        return new McpEndpointServices(
            options,
            services.GetRequiredService<IOptions<JsonOptions>>(),
            services.GetRequiredService<ILoggerFactory>(),
            services.GetRequiredService<IMcpSessionStore>(),
            services.GetRequiredService<IMcpBackplane>(),
            services.GetRequiredService<IDataProtectionProvider>(),
            services.GetRequiredService<TimeProvider>(),
            pending,
            services.GetRequiredService<McpServerDrain>(),
            services.GetService<McpGen.Tasks.IMcpTaskStore>() ?? new McpGen.Tasks.InMemoryMcpTaskStore());
    }

    /// <summary>The graceful drain of this replica (shutdown): new sessions refused, streams ended, in-flight requests counted.</summary>
    public McpServerDrain Drain { get; } = drain;

    public McpServerOptions Options { get; } = options;

    public JsonSerializerOptions SerializerOptions { get; } = options.SerializerOptions ?? httpJsonOptions.Value.SerializerOptions;

    public ILoggerFactory LoggerFactory { get; } = loggerFactory;

    /// <summary>The application's session store (store-backed servers; in-memory unless replaced, e.g. by PostgreSQL).</summary>
    public IMcpSessionStore Store { get; } = store;

    /// <summary>The application's backplane (change feed of every server; sessions of store-backed servers).</summary>
    public IMcpBackplane Backplane { get; } = backplane;

    /// <summary>The application's task store (servers with task tools; in-memory unless replaced, e.g. by PostgreSQL).</summary>
    public McpGen.Tasks.IMcpTaskStore TaskStore { get; } = taskStore;

    /// <summary>The clock of leases, sweeps and task timestamps.</summary>
    public TimeProvider Time { get; } = time;

    /// <summary>Sealing of <c>requestState</c>, server-to-client requests and their pending answers.</summary>
    public ClientInputServices ClientInput { get; } = new(dataProtection, time, pendingClientRequests, options);
}
