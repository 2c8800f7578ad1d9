using System.Text.Json;
using McpGen.Sessions;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace McpGen.Transport;

/// <summary>What every McpGen endpoint of the application shares: options, serializer options, logging, session store and backplane.</summary>
internal sealed class McpEndpointServices(
    IOptions<McpServerOptions> options,
    IOptions<JsonOptions> httpJsonOptions,
    ILoggerFactory loggerFactory,
    IMcpSessionStore store,
    IMcpBackplane backplane)
{
    public McpServerOptions Options { get; } = options.Value;

    public JsonSerializerOptions SerializerOptions { get; } = options.Value.SerializerOptions ?? httpJsonOptions.Value.SerializerOptions;

    public ILoggerFactory LoggerFactory { get; } = loggerFactory;

    /// <summary>The application's session store (store-backed servers; in-memory unless replaced, e.g. by PostgreSQL).</summary>
    public IMcpSessionStore Store { get; } = store;

    /// <summary>The application's backplane (change feed of every server; sessions of store-backed servers).</summary>
    public IMcpBackplane Backplane { get; } = backplane;
}
