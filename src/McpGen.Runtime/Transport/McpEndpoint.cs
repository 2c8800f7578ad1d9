using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;

namespace McpGen.Transport;

/// <summary>The Streamable HTTP endpoint of one server. (Skeleton: the transport lands in the next commit.)</summary>
internal sealed class McpEndpoint(McpServerDefinition definition, McpEndpointServices services)
{
    public McpServerDefinition Definition { get; } = definition;

    public McpEndpointServices Services { get; } = services;

    public Task HandleAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status501NotImplemented;
        return Task.CompletedTask;
    }
}
