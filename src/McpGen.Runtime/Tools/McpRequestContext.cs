using System.Security.Claims;
using System.Threading;
using Microsoft.AspNetCore.Http;

namespace McpGen;

/// <summary>Name and version of an MCP client, as it reported them.</summary>
/// <param name="Name">The client's name.</param>
/// <param name="Version">The client's version.</param>
/// <param name="Title">The client's human-readable title, if it sent one.</param>
public sealed record McpClientInfo(string Name, string Version, string? Title = null);

/// <summary>
/// What a tool can know about the request that called it. Take a parameter of this type in a tool method to get it;
/// it never appears in the tool's input schema.
/// </summary>
public sealed class McpRequestContext
{
    internal McpRequestContext(HttpContext httpContext, string protocolVersion, bool isModern, string requestId, McpClientInfo? clientInfo, IProgressSink? progress)
    {
        HttpContext = httpContext;
        ProtocolVersion = protocolVersion;
        IsModern = isModern;
        RequestId = requestId;
        ClientInfo = clientInfo;
        ProgressSink = progress;
    }

    /// <summary>The HTTP request that carries the MCP request.</summary>
    public HttpContext HttpContext { get; }

    /// <summary>The authenticated caller (<see cref="HttpContext.User"/>).</summary>
    public ClaimsPrincipal User => HttpContext.User;

    /// <summary>The protocol version of this request: negotiated by <c>initialize</c>, or carried by a 2026-07-28 request.</summary>
    public string ProtocolVersion { get; }

    /// <summary><see langword="true"/> for a 2026-07-28 (stateless, per-request metadata) request.</summary>
    public bool IsModern { get; }

    /// <summary>The JSON-RPC id of the request, as its JSON text (<c>1</c> or <c>"abc"</c>).</summary>
    public string RequestId { get; }

    /// <summary>The client's name and version, when known (always for modern requests that send <c>clientInfo</c>).</summary>
    public McpClientInfo? ClientInfo { get; }

    /// <summary>Signals when the client goes away or cancels the request.</summary>
    public CancellationToken RequestAborted => HttpContext.RequestAborted;

    internal IProgressSink? ProgressSink { get; }

    /// <summary>
    /// Reports progress to the client, when it asked for progress (sent a progress token); otherwise does nothing.
    /// </summary>
    public void ReportProgress(McpProgress progress) => ProgressSink?.Report(progress);
}

/// <summary>Where a request's progress notifications go (the request's SSE stream). Implemented by the transport.</summary>
internal interface IProgressSink
{
    void Report(McpProgress progress);
}
