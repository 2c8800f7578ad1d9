using System;
using System.Buffers;
using McpGen.Protocol;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace McpGen.Transport;

/// <summary>
/// The MCP request headers: where each one is read and checked. <c>MCP-Protocol-Version</c> selects the legacy version
/// (<see cref="McpEraDetector"/>); on 2026-07-28 requests <c>MCP-Protocol-Version</c>, <c>Mcp-Method</c> and
/// <c>Mcp-Name</c> must mirror the body (<see cref="ValidateModern"/>, 400 + -32020 otherwise). <c>Mcp-Session-Id</c>
/// and <c>Last-Event-ID</c> are never read: this endpoint is stateless.
/// </summary>
internal static class McpHeaders
{
    public const string ProtocolVersion = "MCP-Protocol-Version";
    public const string Method = "Mcp-Method";
    public const string Name = "Mcp-Name";

    private const string Base64Prefix = "=?base64?";
    private const string Base64Suffix = "?=";

    /// <summary>Reads one header: <see langword="null"/> when absent; several values are joined (and then fail to match).</summary>
    public static string? Get(IHeaderDictionary headers, string name)
        => headers.TryGetValue(name, out StringValues values) && values.Count > 0 ? (values.Count == 1 ? values[0] : values.ToString()) : null;

    /// <summary>
    /// Checks the mirrored headers of a 2026-07-28 request against its body. Call after the version is known to be
    /// supported. Returns <see langword="null"/> when they match.
    /// </summary>
    public static McpError? ValidateModern(IHeaderDictionary headers, in JsonRpcMessage message)
    {
        string? version = Get(headers, ProtocolVersion);
        if (version is null)
        {
            return Missing(ProtocolVersion, McpProtocolVersions.Modern, "params._meta[\"io.modelcontextprotocol/protocolVersion\"]");
        }

        if (!string.Equals(version, McpProtocolVersions.Modern, StringComparison.Ordinal))
        {
            return Mismatch(ProtocolVersion, version, McpProtocolVersions.Modern);
        }

        string? method = Get(headers, Method);
        if (method is null)
        {
            return Missing(Method, message.MethodText, "the request's \"method\"");
        }

        bool methodMatches = McpMethods.NameOf(message.Method) is { } known
            ? string.Equals(method, known, StringComparison.Ordinal)
            : message.StringEquals(message.MethodName, method);
        if (!methodMatches)
        {
            return Mismatch(Method, method, message.MethodText);
        }

        return null;
    }

    /// <summary>
    /// Checks <c>Mcp-Name</c> against <paramref name="bodyValue"/> (<c>params.name</c> or <c>params.uri</c>), decoding
    /// the <c>=?base64?...?=</c> form first. Nothing to check when the body has no string value (the method reports that).
    /// </summary>
    public static McpError? ValidateName(IHeaderDictionary headers, in JsonRpcMessage message, JsonSlice bodyValue, string bodyMember)
    {
        if (!bodyValue.IsString)
        {
            return null;
        }

        string? header = Get(headers, Name);
        if (header is null)
        {
            return Missing(Name, message.GetString(bodyValue)!, bodyMember);
        }

        if (header.StartsWith(Base64Prefix, StringComparison.Ordinal) && header.EndsWith(Base64Suffix, StringComparison.Ordinal)
            && header.Length >= Base64Prefix.Length + Base64Suffix.Length)
        {
            ReadOnlySpan<char> encoded = header.AsSpan(Base64Prefix.Length, header.Length - Base64Prefix.Length - Base64Suffix.Length);
            byte[] decoded = ArrayPool<byte>.Shared.Rent(Math.Max(1, encoded.Length));
            try
            {
                if (!Convert.TryFromBase64Chars(encoded, decoded, out int written))
                {
                    return new McpError(400, JsonRpcErrorCodes.HeaderMismatch,
                        $"Header mismatch: {Name} header value '{header}' is not valid base64 inside the =?base64?...?= form. Encode the UTF-8 bytes of {bodyMember} with standard base64.");
                }

                return message.StringEquals(bodyValue, decoded.AsSpan(0, written))
                    ? null
                    : Mismatch(Name, System.Text.Encoding.UTF8.GetString(decoded, 0, written), message.GetString(bodyValue)!);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(decoded);
            }
        }

        return message.StringEquals(bodyValue, header) ? null : Mismatch(Name, header, message.GetString(bodyValue)!);
    }

    private static McpError Missing(string header, string expected, string source)
        => new(400, JsonRpcErrorCodes.HeaderMismatch,
            $"Header mismatch: the required {header} header is missing. 2026-07-28 requests must send {header}: {expected} (the value of {source}).");

    private static McpError Mismatch(string header, string headerValue, string bodyValue)
        => new(400, JsonRpcErrorCodes.HeaderMismatch,
            $"Header mismatch: {header} header value '{headerValue}' does not match body value '{bodyValue}'. Send the same value in the header and the body.");
}
