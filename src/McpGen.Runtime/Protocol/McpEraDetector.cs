using System;

namespace McpGen.Protocol;

/// <summary>Which protocol era a request belongs to, and at which version it is served.</summary>
/// <param name="IsModern"><see langword="true"/> for 2026-07-28 (per-request <c>_meta</c>) requests.</param>
/// <param name="Version">The version the request is served at.</param>
internal readonly record struct McpEra(bool IsModern, string Version);

/// <summary>
/// Era detection. A request whose <c>params._meta["io.modelcontextprotocol/protocolVersion"]</c> is 2026-07-28 is modern;
/// an unknown <c>_meta</c> version gets 400 + -32022. Anything else is legacy (2024-11-05 .. 2025-11-25): <c>initialize</c>
/// negotiates in its body; other requests are served at their <c>MCP-Protocol-Version</c> header (absent: 2025-03-26;
/// not a legacy version: 400).
/// </summary>
internal static class McpEraDetector
{
    /// <summary>Detects the era of a request; returns the error to send when the version cannot be served.</summary>
    /// <param name="message">The request.</param>
    /// <param name="headerVersion">The <c>MCP-Protocol-Version</c> header, or <see langword="null"/> when absent.</param>
    /// <param name="era">The detected era.</param>
    public static McpError? Detect(in JsonRpcMessage message, string? headerVersion, out McpEra era)
    {
        era = default;
        string? metaLegacy = null;
        if (message.MetaProtocolVersion.IsPresent)
        {
            if (!message.MetaProtocolVersion.IsString)
            {
                return new McpError(400, JsonRpcErrorCodes.InvalidParams,
                    "Invalid params: _meta[\"io.modelcontextprotocol/protocolVersion\"] must be a string such as \"2026-07-28\".");
            }

            // The header mirrors the body: a disagreement is reported as such before the version itself is judged.
            if (headerVersion is not null && !message.StringEquals(message.MetaProtocolVersion, headerVersion))
            {
                return new McpError(400, JsonRpcErrorCodes.HeaderMismatch,
                    $"Header mismatch: MCP-Protocol-Version header value '{headerVersion}' does not match body value '{message.GetString(message.MetaProtocolVersion)}' (params._meta[\"io.modelcontextprotocol/protocolVersion\"]). Send the same value in the header and the body.");
            }

            if (message.StringEquals(message.MetaProtocolVersion, McpProtocolVersions.Modern))
            {
                era = new McpEra(true, McpProtocolVersions.Modern);
                return null;
            }

            foreach (string version in McpProtocolVersions.Legacy)
            {
                if (message.StringEquals(message.MetaProtocolVersion, version))
                {
                    metaLegacy = version;
                    break;
                }
            }

            if (metaLegacy is null)
            {
                string requested = message.GetString(message.MetaProtocolVersion)!;
                return new McpError(400, JsonRpcErrorCodes.UnsupportedProtocolVersion,
                    $"Unsupported protocol version '{requested}'. This server supports {McpProtocolVersions.AllText}; retry with one of them.",
                    McpErrorData.SupportedVersions, requested);
            }
        }

        if (message.Method == McpMethod.Initialize)
        {
            // initialize negotiates in its body; the header (sent only after initialization) does not apply.
            era = new McpEra(false, McpProtocolVersions.Negotiate(message.GetString(message.ProtocolVersion)));
            return null;
        }

        if (headerVersion is null)
        {
            era = new McpEra(false, metaLegacy ?? McpProtocolVersions.LegacyDefault);
            return null;
        }

        if (McpProtocolVersions.FindLegacy(headerVersion) is { } legacy)
        {
            era = new McpEra(false, legacy);
            return null;
        }

        if (string.Equals(headerVersion, McpProtocolVersions.Modern, StringComparison.Ordinal))
        {
            return new McpError(400, JsonRpcErrorCodes.InvalidParams,
                "Invalid params: the MCP-Protocol-Version header is 2026-07-28 but params._meta has no \"io.modelcontextprotocol/protocolVersion\". "
                + "2026-07-28 requests carry _meta {\"io.modelcontextprotocol/protocolVersion\": \"2026-07-28\", \"io.modelcontextprotocol/clientCapabilities\": {}}.");
        }

        return new McpError(400, JsonRpcErrorCodes.InvalidRequest,
            $"Unsupported MCP-Protocol-Version header '{headerVersion}'. This server supports {McpProtocolVersions.LegacyText} after initialize, "
            + "and 2026-07-28 with per-request _meta. Send a supported version (the one initialize returned), or omit the header for 2025-03-26.",
            McpErrorData.SupportedVersions, headerVersion);
    }
}
