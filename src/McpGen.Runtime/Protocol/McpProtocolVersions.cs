using System;

namespace McpGen.Protocol;

/// <summary>The protocol versions an McpGen endpoint serves, and how a requested version maps onto them.</summary>
internal static class McpProtocolVersions
{
    /// <summary>The modern (stateless, per-request <c>_meta</c>) revision.</summary>
    public const string Modern = "2026-07-28";

    /// <summary>The newest <c>initialize</c>-era revision: the answer to an <c>initialize</c> asking for a version we do not know.</summary>
    public const string LegacyLatest = "2025-11-25";

    /// <summary>What a legacy request without an <c>MCP-Protocol-Version</c> header is assumed to speak (2025-06-18 transport rule).</summary>
    public const string LegacyDefault = "2025-03-26";

    /// <summary>Every version this endpoint serves, newest first (<c>server/discover</c> <c>supportedVersions</c>, <c>-32022</c> <c>data.supported</c>).</summary>
    public static readonly string[] All = [Modern, "2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"];

    /// <summary>The <c>initialize</c>-era versions, newest first.</summary>
    public static readonly string[] Legacy = ["2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"];

    /// <summary>The supported versions as one human-readable list, for error messages.</summary>
    public static readonly string AllText = string.Join(", ", All);

    /// <summary>The legacy versions as one human-readable list, for error messages.</summary>
    public static readonly string LegacyText = string.Join(", ", Legacy);

    /// <summary>Returns the interned legacy version equal to <paramref name="value"/>, or <see langword="null"/>.</summary>
    public static string? FindLegacy(ReadOnlySpan<char> value)
    {
        foreach (string version in Legacy)
        {
            if (value.SequenceEqual(version))
            {
                return version;
            }
        }

        return null;
    }

    /// <summary>The version an <c>initialize</c> request is answered with: the requested one when we serve it, else the newest legacy one.</summary>
    public static string Negotiate(string? requested)
        => requested is not null && FindLegacy(requested) is { } known ? known : LegacyLatest;

    /// <summary>
    /// Whether a negotiated version has SSE polling (SEP-1699: a priming event first, <c>retry</c> before the server closes
    /// a stream): 2025-11-25 and later. Older clients may not tolerate empty-data events, so they never get them.
    /// </summary>
    public static bool HasResumablePriming(string version) => string.CompareOrdinal(version, "2025-11-25") >= 0;
}
