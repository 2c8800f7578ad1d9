using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpGen.IntegrationTests;

using CallToolResult = ModelContextProtocol.Protocol.CallToolResult;

/// <summary>Connects the official C# client (ModelContextProtocol.Core) to an endpoint.</summary>
internal static class CSharpClient
{
    /// <summary>
    /// Connects with the given protocol version: "2026-07-28" takes the modern (stateless, per-request metadata) path,
    /// an older version the <c>initialize</c> path. With <paramref name="httpClient"/> the transport sends through it
    /// (not disposing it): many sessions can share one connection pool and one counting handler. Without it the client
    /// sends through a new <see cref="SchemaValidatingHandler"/> (<paramref name="validator"/> when given): every message
    /// the server sends is checked against its revision's schema, every structuredContent against its outputSchema.
    /// </summary>
    public static Task<McpClient> ConnectAsync(Uri endpoint, string protocolVersion, CancellationToken cancellationToken = default, McpClientHandlers? handlers = null, HttpClient? httpClient = null, HttpTransportMode mode = HttpTransportMode.StreamableHttp, SchemaValidatingHandler? validator = null)
    {
        var options = new HttpClientTransportOptions
        {
            Endpoint = endpoint,
            TransportMode = mode,
            Name = "mcpgen-tests",
        };
        HttpClientTransport transport = httpClient is null
            ? new HttpClientTransport(options, new HttpClient(validator ?? new SchemaValidatingHandler()), ownsHttpClient: true)
            : new HttpClientTransport(options, httpClient, ownsHttpClient: false);
        return McpClient.CreateAsync(
            transport,
            new McpClientOptions
            {
                ClientInfo = new Implementation { Name = "mcpgen-tests", Version = "1.0.0" },
                ProtocolVersion = protocolVersion,
                Handlers = handlers ?? new McpClientHandlers(),
            },
            cancellationToken: cancellationToken);
    }

    public static string SingleText(this CallToolResult result)
        => Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text;
}
