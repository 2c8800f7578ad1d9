using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace McpGen.Transport;

/// <summary>What every McpGen endpoint of the application shares: options, serializer options, logging.</summary>
internal sealed class McpEndpointServices(IOptions<McpServerOptions> options, IOptions<JsonOptions> httpJsonOptions, ILoggerFactory loggerFactory)
{
    public McpServerOptions Options { get; } = options.Value;

    public JsonSerializerOptions SerializerOptions { get; } = options.Value.SerializerOptions ?? httpJsonOptions.Value.SerializerOptions;

    public ILoggerFactory LoggerFactory { get; } = loggerFactory;
}
