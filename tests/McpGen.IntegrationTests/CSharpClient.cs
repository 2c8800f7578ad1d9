using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpGen.IntegrationTests;

using CallToolResult = ModelContextProtocol.Protocol.CallToolResult;

/// <summary>Connects the official C# client (ModelContextProtocol.Core) to an endpoint.</summary>
internal static class CSharpClient
{
    /// <summary>
    /// Connects with the given protocol version: "2026-07-28" takes the modern (stateless, per-request metadata) path,
    /// an older version the <c>initialize</c> path.
    /// </summary>
    public static Task<McpClient> ConnectAsync(Uri endpoint, string protocolVersion, CancellationToken cancellationToken = default, McpClientHandlers? handlers = null, HttpTransportMode mode = HttpTransportMode.StreamableHttp)
    {
        var transport = new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = endpoint,
            TransportMode = mode,
            Name = "mcpgen-tests",
        });
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
