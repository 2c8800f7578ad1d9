using System;
using System.Buffers.Text;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using McpGen.ClientInput;
using McpGen.Dispatch;
using McpGen.Http;
using McpGen.Streaming;

namespace McpGen.Sessions;

/// <summary>Session ids, replica route keys, principal digests and SSE event ids.</summary>
internal static class McpSessionIds
{
    /// <summary>The longest <c>Mcp-Session-Id</c> accepted (ids we issue are about 50 characters).</summary>
    public const int MaxLength = 128;

    private const int MaxReplicaIdLength = 32;

    /// <summary>
    /// The replica id: the configured one, else <c>MCPGEN_REPLICA_ID</c>, else the machine name; reduced to ASCII letters,
    /// digits and <c>-</c> (other characters become <c>-</c>) and at most 32 characters.
    /// </summary>
    public static string ResolveReplicaId(string? configured)
    {
        string raw = !string.IsNullOrWhiteSpace(configured) ? configured
            : Environment.GetEnvironmentVariable("MCPGEN_REPLICA_ID") is { Length: > 0 } fromEnvironment ? fromEnvironment
            : Environment.MachineName;
        var builder = new StringBuilder(Math.Min(raw.Length, MaxReplicaIdLength));
        foreach (char c in raw)
        {
            if (builder.Length == MaxReplicaIdLength)
            {
                break;
            }

            builder.Append(char.IsAsciiLetterOrDigit(c) ? c : '-');
        }

        return builder.Length == 0 ? "replica" : builder.ToString();
    }

    /// <summary>A new session id: <c>{routeKey}.{32 random bytes, base64url}</c>, visible ASCII only.</summary>
    public static string New(string routeKey)
    {
        Span<byte> random = stackalloc byte[32];
        RandomNumberGenerator.Fill(random);
        return routeKey + "." + Base64Url.EncodeToString(random);
    }

    /// <summary>The route key (replica id) of a session id, or empty when the id has none.</summary>
    public static ReadOnlySpan<char> RouteKeyOf(ReadOnlySpan<char> sessionId)
    {
        int dot = sessionId.IndexOf('.');
        return dot <= 0 ? default : sessionId[..dot];
    }

    /// <summary>Whether a header value can be a session id: 1 to <see cref="MaxLength"/> visible ASCII characters (0x21-0x7E).</summary>
    public static bool IsWellFormed(ReadOnlySpan<char> value)
    {
        if (value.IsEmpty || value.Length > MaxLength)
        {
            return false;
        }

        foreach (char c in value)
        {
            if (c < '\x21' || c > '\x7E')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// A stable digest of the authenticated identity of <paramref name="user"/>: authentication type plus the first of
    /// <c>sub</c>, name identifier or name claims. Empty for anonymous callers (sessions of anonymous callers bind to nobody).
    /// </summary>
    public static string PrincipalKey(ClaimsPrincipal? user)
    {
        if (user?.Identity is not { IsAuthenticated: true } identity)
        {
            return "";
        }

        string subject = user.FindFirst("sub")?.Value
            ?? user.FindFirst(ClaimTypes.NameIdentifier)?.Value
            ?? identity.Name
            ?? "";
        string issuer = user.FindFirst("sub")?.Issuer ?? user.FindFirst(ClaimTypes.NameIdentifier)?.Issuer ?? "";
        byte[] digest = SHA256.HashData(Encoding.UTF8.GetBytes(identity.AuthenticationType + "\n" + issuer + "\n" + subject));
        return Base64Url.EncodeToString(digest.AsSpan(0, 18));
    }

    /// <summary>A short digest of a session id, the first part of its SSE event ids (so an event id names its session).</summary>
    public static string StreamDigest(string sessionId)
    {
        byte[] digest = SHA256.HashData(Encoding.UTF8.GetBytes(sessionId));
        return Base64Url.EncodeToString(digest.AsSpan(0, 9));
    }

    /// <summary>An SSE event id: <c>{session digest}:{stream id}:{sequence}</c>.</summary>
    public static string EventId(string sessionDigest, string streamId, long sequence)
        => sessionDigest + ":" + streamId + ":" + sequence.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Splits an event id made by <see cref="EventId"/>; <see langword="false"/> when it is not one.</summary>
    public static bool TryParseEventId(string? eventId, out string sessionDigest, out string streamId, out long sequence)
    {
        sessionDigest = streamId = "";
        sequence = 0;
        if (string.IsNullOrEmpty(eventId) || eventId.Length > 200)
        {
            return false;
        }

        int last = eventId.LastIndexOf(':');
        int first = eventId.IndexOf(':');
        if (first <= 0 || last <= first + 1 || last == eventId.Length - 1
            || !long.TryParse(eventId.AsSpan(last + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out sequence))
        {
            return false;
        }

        sessionDigest = eventId[..first];
        streamId = eventId[(first + 1)..last];
        return true;
    }
}
