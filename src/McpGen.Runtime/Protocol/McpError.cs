namespace McpGen.Protocol;

/// <summary>What goes into an error's <c>data</c> member.</summary>
internal enum McpErrorData
{
    None,

    /// <summary><c>{"supported": [every version served], "requested": "..."}</c> (<c>UnsupportedProtocolVersionError</c>).</summary>
    SupportedVersions,

    /// <summary><c>{"supported": [legacy versions], "requested": "..."}</c> (bad legacy <c>MCP-Protocol-Version</c> header).</summary>
    SupportedLegacyVersions,

    /// <summary><c>{"uri": "..."}</c> (resource not found; the URI is in <see cref="McpError.Requested"/>).</summary>
    ResourceUri,

    /// <summary>
    /// <c>{"requiredCapabilities": {...}}</c> (MissingRequiredClientCapability; the raw <c>ClientCapabilities</c> JSON is in
    /// <see cref="McpError.Requested"/>).
    /// </summary>
    RequiredCapabilities,
}

/// <summary>A JSON-RPC error response and the HTTP status that carries it. Built only on error paths.</summary>
/// <param name="HttpStatus">The HTTP status of the response.</param>
/// <param name="Code">The JSON-RPC error code (<see cref="JsonRpcErrorCodes"/>).</param>
/// <param name="Message">What went wrong and what to do next.</param>
/// <param name="Data">Which <c>data</c> member to write.</param>
/// <param name="Requested">The requested version for the version <c>data</c> kinds; the URI for <see cref="McpErrorData.ResourceUri"/>; the
/// capabilities JSON for <see cref="McpErrorData.RequiredCapabilities"/>.</param>
internal sealed record McpError(int HttpStatus, int Code, string Message, McpErrorData Data = McpErrorData.None, string? Requested = null)
{
    public static McpError Parse(string detail) => new(400, JsonRpcErrorCodes.ParseError,
        $"Parse error: the request body is not valid JSON ({detail}). Send one JSON-RPC message as a UTF-8 JSON object.");

    public static McpError InvalidRequest(string detail) => new(400, JsonRpcErrorCodes.InvalidRequest, "Invalid request: " + detail);
}
