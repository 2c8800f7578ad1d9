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

    /// <summary>
    /// Splits an event id made by <see cref="EventId"/>; <see langword="false"/> when it is not one. Strict: exactly three
    /// parts; the digest 12 base64url characters; the stream id <c>g</c> (the standalone stream) or a request stream id
    /// (8 base64url characters and a decimal counter); the sequence a canonical decimal (no sign, no leading zero, at most
    /// 18 digits, so <c>sequence + 1</c> never overflows).
    /// </summary>
    public static bool TryParseEventId(string? eventId, out string sessionDigest, out string streamId, out long sequence)
    {
        sessionDigest = streamId = "";
        sequence = 0;
        if (string.IsNullOrEmpty(eventId) || eventId.Length > 64)
        {
            return false;
        }

        ReadOnlySpan<char> text = eventId;
        int first = text.IndexOf(':');
        int last = text.LastIndexOf(':');
        if (first != DigestLength || last <= first + 1 || text[(first + 1)..last].Contains(':'))
        {
            return false;
        }

        ReadOnlySpan<char> digest = text[..first];
        ReadOnlySpan<char> stream = text[(first + 1)..last];
        ReadOnlySpan<char> number = text[(last + 1)..];
        if (!IsBase64Url(digest) || !IsStreamId(stream) || !IsCanonicalNumber(number, 18))
        {
            return false;
        }

        sequence = long.Parse(number, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture);
        sessionDigest = digest.ToString();
        streamId = stream.ToString();
        return true;
    }

    /// <summary>The length of <see cref="StreamDigest"/> (9 bytes, base64url).</summary>
    private const int DigestLength = 12;

    /// <summary>The length of the random prefix of request stream ids (6 bytes, base64url).</summary>
    private const int StreamPrefixLength = 8;

    /// <summary>Whether <paramref name="stream"/> has the form of a stream id this server issues.</summary>
    public static bool IsStreamId(ReadOnlySpan<char> stream)
        => stream.SequenceEqual("g")
           || (stream.Length > StreamPrefixLength && IsBase64Url(stream[..StreamPrefixLength]) && IsCanonicalNumber(stream[StreamPrefixLength..], 19));

    private static bool IsBase64Url(ReadOnlySpan<char> text)
    {
        foreach (char c in text)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_'))
            {
                return false;
            }
        }

        return !text.IsEmpty;
    }

    private static bool IsCanonicalNumber(ReadOnlySpan<char> text, int maxDigits)
    {
        if (text.IsEmpty || text.Length > maxDigits || (text[0] == '0' && text.Length > 1))
        {
            return false;
        }

        foreach (char c in text)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
