namespace McpGen.Protocol;

/// <summary>The JSON-RPC error codes the endpoint emits, with where each one is used.</summary>
internal static class JsonRpcErrorCodes
{
    /// <summary>The body is not valid JSON (HTTP 400).</summary>
    public const int ParseError = -32700;

    /// <summary>The body is JSON but not one valid JSON-RPC message, or a batch (HTTP 400).</summary>
    public const int InvalidRequest = -32600;

    /// <summary>The method does not exist here (modern: HTTP 404; legacy: HTTP 200).</summary>
    public const int MethodNotFound = -32601;

    /// <summary>Bad parameters: unknown tool, bad cursor, missing required <c>_meta</c> (the last one HTTP 400).</summary>
    public const int InvalidParams = -32602;

    /// <summary>
    /// <c>resources/read</c> of an unknown URI, for <c>initialize</c>-era requests (2025-11-25 "Resource not found", with
    /// <c>data: {uri}</c>). 2026-07-28 retired it (SEP-2164): modern requests get <see cref="InvalidParams"/> with the same data.
    /// </summary>
    public const int ResourceNotFound = -32002;

    /// <summary>An unexpected server failure (a resource, prompt or completion handler threw; tools use <c>isError</c>).</summary>
    public const int InternalError = -32603;

    /// <summary>
    /// A transport-level rejection that happens before a JSON-RPC message is read (403, 405, 406, 413, 415). From the
    /// implementation-defined range, as the official SDKs use it.
    /// </summary>
    public const int TransportError = -32000;

    /// <summary>2026-07-28 <c>HeaderMismatch</c>: a mirrored header is missing, malformed or differs from the body (HTTP 400).</summary>
    public const int HeaderMismatch = -32020;

    /// <summary>2026-07-28 <c>MissingRequiredClientCapability</c> (HTTP 400).</summary>
    public const int MissingRequiredClientCapability = -32021;

    /// <summary>2026-07-28 <c>UnsupportedProtocolVersion</c>, with <c>data: {supported, requested}</c> (HTTP 400).</summary>
    public const int UnsupportedProtocolVersion = -32022;
}
