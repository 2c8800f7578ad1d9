using System;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace McpGen.Security;

/// <summary>
/// Stable digests that bind server-issued state to who asked and what was asked: the authenticated principal, and JSON
/// values (arguments) independent of whitespace and string escaping.
/// </summary>
internal static class PrincipalKey
{
    /// <summary>The digest of an anonymous caller: all zeros.</summary>
    public static readonly byte[] Anonymous = new byte[SHA256.HashSizeInBytes];

    /// <summary>
    /// A SHA-256 digest of the caller's authenticated identities: each one's authentication type and subject (the
    /// <c>sub</c> or name-identifier claim, with its issuer; else the name; else every claim). <see cref="Anonymous"/> when
    /// no identity is authenticated.
    /// </summary>
    public static byte[] Digest(ClaimsPrincipal? user)
    {
        if (user is null)
        {
            return Anonymous;
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        bool any = false;
        foreach (ClaimsIdentity identity in user.Identities)
        {
            if (!identity.IsAuthenticated)
            {
                continue;
            }

            any = true;
            Append(hash, "identity");
            Append(hash, identity.AuthenticationType ?? string.Empty);
            Claim? subject = identity.FindFirst("sub") ?? identity.FindFirst(ClaimTypes.NameIdentifier);
            if (subject is not null)
            {
                Append(hash, subject.Issuer);
                Append(hash, subject.Value);
            }
            else if (identity.Name is { } name)
            {
                Append(hash, name);
            }
            else
            {
                foreach (Claim claim in identity.Claims)
                {
                    Append(hash, claim.Type);
                    Append(hash, claim.Issuer);
                    Append(hash, claim.Value);
                }
            }
        }

        return any ? hash.GetHashAndReset() : Anonymous;
    }

    /// <summary>
    /// Appends a JSON value to <paramref name="hash"/> token by token: whitespace and string escapes do not change the
    /// digest; member order and number spelling do. Empty input (no value) is hashed as such. It reads as deep as the
    /// message reader allows (<see cref="McpGen.Protocol.JsonRpcMessageReader.MaxDepth"/>), so whatever a request could carry
    /// digests; a string whose escapes decode to no valid text (a lone surrogate, <c>"\ud800"</c>) is digested by its raw
    /// escaped bytes under a marker of its own, never thrown on: it is the client's text, and the binders judge it.
    /// </summary>
    public static void AppendJson(IncrementalHash hash, ReadOnlySpan<byte> json)
    {
        if (json.IsEmpty)
        {
            hash.AppendData("\0none"u8);
            return;
        }

        Span<byte> scratch = stackalloc byte[256];
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = McpGen.Protocol.JsonRpcMessageReader.MaxDepth });
        while (reader.Read())
        {
            Span<byte> type = [(byte)reader.TokenType];
            hash.AppendData(type);
            switch (reader.TokenType)
            {
                case JsonTokenType.PropertyName:
                case JsonTokenType.String:
                    if (!reader.ValueIsEscaped)
                    {
                        AppendLengthPrefixed(hash, reader.ValueSpan);
                    }
                    else
                    {
                        AppendEscaped(hash, ref reader, scratch);
                    }

                    break;
                case JsonTokenType.Number:
                    AppendLengthPrefixed(hash, reader.ValueSpan);
                    break;
            }
        }
    }

    /// <summary>An escaped string, unescaped; one that decodes to no valid text by its raw bytes behind a marker.</summary>
    private static void AppendEscaped(IncrementalHash hash, ref Utf8JsonReader reader, scoped Span<byte> scratch)
    {
        try
        {
            if (reader.ValueSpan.Length <= scratch.Length)
            {
                int length = reader.CopyString(scratch);
                AppendLengthPrefixed(hash, scratch[..length]);
            }
            else
            {
                AppendLengthPrefixed(hash, Encoding.UTF8.GetBytes(reader.GetString()!));
            }
        }
        catch (InvalidOperationException)
        {
            // Utf8JsonReader cannot unescape a lone surrogate: the raw text still names the value, and the marker keeps it
            // apart from any decodable string.
            hash.AppendData("\0raw"u8);
            AppendLengthPrefixed(hash, reader.ValueSpan);
        }
    }

    /// <summary>Appends a string, length-prefixed (so "ab"+"c" and "a"+"bc" differ).</summary>
    public static void Append(IncrementalHash hash, string text) => AppendLengthPrefixed(hash, Encoding.UTF8.GetBytes(text));

    private static void AppendLengthPrefixed(IncrementalHash hash, ReadOnlySpan<byte> bytes)
    {
        Span<byte> length = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(length, bytes.Length);
        hash.AppendData(length);
        hash.AppendData(bytes);
    }
}
