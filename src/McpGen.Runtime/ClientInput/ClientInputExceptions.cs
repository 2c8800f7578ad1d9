using System;
using McpGen.ClientInput;
using McpGen.Dispatch;
using McpGen.Http;
using McpGen.Streaming;

namespace McpGen.ClientInput;

/// <summary>
/// A 2026-07-28 request asked the client for input it did not declare in <c>clientCapabilities</c>. The transport answers
/// MissingRequiredClientCapability (-32021, HTTP 400) with <c>data.requiredCapabilities</c>.
/// </summary>
internal sealed class MissingClientCapabilityException(McpClientCapability capability)
    : Exception($"The client did not declare the {ClientCapabilities.Describe(capability)} capability in _meta[\"io.modelcontextprotocol/clientCapabilities\"], "
        + "and this request needs it. Declare it (and handle the input request), or call something that does not ask for it.")
{
    /// <summary>The capability that is missing.</summary>
    public McpClientCapability Capability { get; } = capability;
}

/// <summary>
/// The client's answer to an input request is malformed (not an ElicitResult, CreateMessageResult or ListRootsResult, or
/// form content that does not match the schema). 2026-07-28 requests get -32602 (HTTP 400); legacy ones a tool error.
/// </summary>
internal sealed class InvalidClientInputException(string message) : Exception(message);

/// <summary>
/// A handler kind that MCP gives no way to ask the client for input (<c>completion/complete</c>) asked for it. The
/// request is answered with an internal error (-32603) carrying this message; the analyzers report the call at build time.
/// </summary>
internal sealed class ClientInputNotAllowedException(string message) : Exception(message);
