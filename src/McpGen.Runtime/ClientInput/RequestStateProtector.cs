using System;
using System.Buffers.Binary;
using System.Buffers.Text;
using System.Collections.Generic;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using McpGen.ClientInput;
using McpGen.Dispatch;
using McpGen.Http;
using McpGen.Streaming;

namespace McpGen.ClientInput;

/// <summary>What opening a <c>requestState</c> found.</summary>
internal enum RequestStateStatus
{
    /// <summary>Authentic, unexpired, and issued for this caller and this request.</summary>
    Valid,

    /// <summary>Not issued by a replica sharing this server's Data Protection keys, or modified.</summary>
    Tampered,

    /// <summary>Authentic but past its expiry.</summary>
    Expired,

    /// <summary>Issued to another principal.</summary>
    OtherPrincipal,

    /// <summary>Issued for another method, tool, prompt, resource or other arguments.</summary>
    OtherRequest,
}

/// <summary>
/// Seals and opens the <c>requestState</c> of multi round-trip requests with ASP.NET Core Data Protection
/// (authenticated encryption): the client can neither read nor change it, and any replica sharing the key ring opens it.
/// The payload binds the state to the principal, to the request (method, name and a digest of the arguments) and to an
/// expiry, and carries the answers of earlier rounds (input key to the client's raw result JSON).
/// </summary>
/// <remarks>
/// Layout before protection (little-endian): version byte (1), expiry as Unix milliseconds (8), principal digest (32),
/// request digest (32), answer count (4), then per answer the key length (2), key (UTF-8), value length (4), value.
/// </remarks>
internal sealed class RequestStateProtector
{
    private const byte Version = 1;
    private const int DigestSize = SHA256.HashSizeInBytes;
    private const int HeaderSize = 1 + 8 + DigestSize + DigestSize + 4;

    private readonly IDataProtector _protector;
    private readonly TimeProvider _time;

    public RequestStateProtector(IDataProtectionProvider provider, TimeProvider time, TimeSpan lifetime)
    {
        _protector = provider.CreateProtector("McpGen.RequestState", "v1");
        _time = time;
        Lifetime = lifetime;
    }

    /// <summary>How long a sealed state stays valid.</summary>
    public TimeSpan Lifetime { get; }

    /// <summary>The digest that binds a state to one request: method, name (tool, prompt or URI) and arguments.</summary>
    public static byte[] RequestDigest(string method, string name, ReadOnlySpan<byte> arguments)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Security.PrincipalKey.Append(hash, method);
        Security.PrincipalKey.Append(hash, name);
        Security.PrincipalKey.AppendJson(hash, arguments);
        return hash.GetHashAndReset();
    }

    /// <summary>Seals the answers, bound to <paramref name="principal"/> and <paramref name="request"/>, as a URL-safe string.</summary>
    public string Seal(ReadOnlySpan<byte> principal, ReadOnlySpan<byte> request, IReadOnlyList<KeyValuePair<string, byte[]>> answers)
    {
        int size = HeaderSize;
        foreach (KeyValuePair<string, byte[]> answer in answers)
        {
            size += 2 + Encoding.UTF8.GetByteCount(answer.Key) + 4 + answer.Value.Length;
        }

        byte[] payload = new byte[size];
        Span<byte> span = payload;
        span[0] = Version;
        BinaryPrimitives.WriteInt64LittleEndian(span[1..], (_time.GetUtcNow() + Lifetime).ToUnixTimeMilliseconds());
        principal.CopyTo(span[9..]);
        request.CopyTo(span[(9 + DigestSize)..]);
        BinaryPrimitives.WriteInt32LittleEndian(span[(9 + (2 * DigestSize))..], answers.Count);
        int at = HeaderSize;
        foreach (KeyValuePair<string, byte[]> answer in answers)
        {
            int keyLength = Encoding.UTF8.GetBytes(answer.Key, span[(at + 2)..]);
            BinaryPrimitives.WriteUInt16LittleEndian(span[at..], checked((ushort)keyLength));
            at += 2 + keyLength;
            BinaryPrimitives.WriteInt32LittleEndian(span[at..], answer.Value.Length);
            answer.Value.CopyTo(span[(at + 4)..]);
            at += 4 + answer.Value.Length;
        }

        return Base64Url.EncodeToString(_protector.Protect(payload));
    }

    /// <summary>Opens a state and checks its expiry and bindings; the answers are set only when it is valid.</summary>
    public RequestStateStatus Open(string state, ReadOnlySpan<byte> principal, ReadOnlySpan<byte> request, out Dictionary<string, byte[]>? answers)
    {
        answers = null;
        byte[] payload;
        try
        {
            payload = _protector.Unprotect(Base64Url.DecodeFromChars(state));
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException)
        {
            return RequestStateStatus.Tampered;
        }

        ReadOnlySpan<byte> span = payload;
        if (span.Length < HeaderSize || span[0] != Version)
        {
            return RequestStateStatus.Tampered;
        }

        if (_time.GetUtcNow().ToUnixTimeMilliseconds() > BinaryPrimitives.ReadInt64LittleEndian(span[1..]))
        {
            return RequestStateStatus.Expired;
        }

        if (!CryptographicOperations.FixedTimeEquals(span.Slice(9, DigestSize), principal))
        {
            return RequestStateStatus.OtherPrincipal;
        }

        if (!CryptographicOperations.FixedTimeEquals(span.Slice(9 + DigestSize, DigestSize), request))
        {
            return RequestStateStatus.OtherRequest;
        }

        int count = BinaryPrimitives.ReadInt32LittleEndian(span[(9 + (2 * DigestSize))..]);
        var result = new Dictionary<string, byte[]>(count, StringComparer.Ordinal);
        int at = HeaderSize;
        for (int i = 0; i < count; i++)
        {
            int keyLength = BinaryPrimitives.ReadUInt16LittleEndian(span[at..]);
            string key = Encoding.UTF8.GetString(span.Slice(at + 2, keyLength));
            at += 2 + keyLength;
            int valueLength = BinaryPrimitives.ReadInt32LittleEndian(span[at..]);
            result[key] = span.Slice(at + 4, valueLength).ToArray();
            at += 4 + valueLength;
        }

        answers = result;
        return RequestStateStatus.Valid;
    }
}
