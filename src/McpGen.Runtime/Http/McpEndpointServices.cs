using System;
using System.Text.Json;
using McpGen.Sessions;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using McpGen.ClientInput;
using McpGen.Dispatch;
using McpGen.Http;
using McpGen.Streaming;

namespace McpGen.Http;

/// <summary>
/// What every McpGen endpoint of the application shares: options, serializer options, logging, the session store and
/// backplane, and client input (sealed <c>requestState</c>, pending server-to-client requests).
/// </summary>
internal sealed class McpEndpointServices(
    IOptions<McpServerOptions> options,
    IOptions<JsonOptions> httpJsonOptions,
    ILoggerFactory loggerFactory,
    IMcpSessionStore store,
    IMcpBackplane backplane,
    IDataProtectionProvider dataProtection,
    TimeProvider time,
    PendingClientRequests pendingClientRequests,
    McpServerDrain drain)
{
    /// <summary>The graceful drain of this replica (shutdown): new sessions refused, streams ended, in-flight requests counted.</summary>
    public McpServerDrain Drain { get; } = drain;

    public McpServerOptions Options { get; } = options.Value;

    public JsonSerializerOptions SerializerOptions { get; } = options.Value.SerializerOptions ?? httpJsonOptions.Value.SerializerOptions;

    public ILoggerFactory LoggerFactory { get; } = loggerFactory;

    /// <summary>The application's session store (store-backed servers; in-memory unless replaced, e.g. by PostgreSQL).</summary>
    public IMcpSessionStore Store { get; } = store;

    /// <summary>The application's backplane (change feed of every server; sessions of store-backed servers).</summary>
    public IMcpBackplane Backplane { get; } = backplane;

    /// <summary>Sealing of <c>requestState</c>, server-to-client requests and their pending answers.</summary>
    public ClientInputServices ClientInput { get; } = new(dataProtection, time, pendingClientRequests, options.Value);
}
