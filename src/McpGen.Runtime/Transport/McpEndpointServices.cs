using System;
using System.Text.Json;
using McpGen.Push;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace McpGen.Transport;

/// <summary>What every McpGen endpoint of the application shares: options, serializer options, logging, client input.</summary>
internal sealed class McpEndpointServices(
    IOptions<McpServerOptions> options,
    IOptions<JsonOptions> httpJsonOptions,
    ILoggerFactory loggerFactory,
    IDataProtectionProvider dataProtection,
    TimeProvider time,
    PendingClientRequests pendingClientRequests)
{
    public McpServerOptions Options { get; } = options.Value;

    public JsonSerializerOptions SerializerOptions { get; } = options.Value.SerializerOptions ?? httpJsonOptions.Value.SerializerOptions;

    public ILoggerFactory LoggerFactory { get; } = loggerFactory;

    /// <summary>Sealing of <c>requestState</c>, server-to-client requests and their pending answers.</summary>
    public ClientInputServices ClientInput { get; } = new(dataProtection, time, pendingClientRequests, options.Value);
}
