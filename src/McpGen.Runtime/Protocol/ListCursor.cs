using System;
using System.Buffers.Text;
using System.Collections.Generic;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace McpGen.Protocol;

/// <summary>
/// The opaque cursor of one paginated list (<c>tools/list</c>, <c>resources/list</c>, <c>resources/templates/list</c>,
/// <c>prompts/list</c>): the offset of the next page plus a fingerprint of the list (its kind and every item's JSON),
/// base64url-encoded. Any replica serving the same items can continue a listing; a cursor from another list (another
/// kind, an older deployment, a different server) or a tampered one fails the fingerprint and gets <c>-32602 Invalid cursor</c>.
/// </summary>
internal sealed class ListCursor
{
    private const string Prefix = "mcpgen1:";
    private readonly string _fingerprint;
    private readonly int _count;

    /// <param name="kind">The list's name (the array member: <c>tools</c>, <c>resources</c>...), part of the fingerprint.</param>
    /// <param name="items">The UTF-8 JSON of every item, in list order.</param>
    public ListCursor(string kind, IReadOnlyList<ReadOnlyMemory<byte>> items)
    {
        _count = items.Count;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        if (kind != "tools")
        {
            // tools keeps its original fingerprint, so cursors issued before other lists existed stay valid.
            hash.AppendData(Encoding.UTF8.GetBytes(kind));
            hash.AppendData([0]);
        }

        foreach (ReadOnlyMemory<byte> item in items)
        {
            hash.AppendData(item.Span);
            hash.AppendData([0]);
        }

        Span<byte> digest = stackalloc byte[32];
        hash.GetHashAndReset(digest);
        _fingerprint = Convert.ToHexStringLower(digest[..8]);
    }

    /// <summary>The cursor that continues at <paramref name="offset"/>.</summary>
    public string Encode(int offset)
        => Base64Url.EncodeToString(Encoding.ASCII.GetBytes(Prefix + offset.ToString(CultureInfo.InvariantCulture) + ":" + _fingerprint));

    /// <summary>Decodes a cursor into the offset of the page it continues at.</summary>
    public bool TryDecode(string cursor, out int offset)
    {
        offset = 0;
        if (cursor.Length is 0 or > 128)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[96];
        if (!Base64Url.IsValid(cursor) || Base64Url.GetMaxDecodedLength(cursor.Length) > bytes.Length)
        {
            return false;
        }

        if (Base64Url.DecodeFromChars(cursor, bytes, out _, out int written) != System.Buffers.OperationStatus.Done)
        {
            return false;
        }

        string text = Encoding.ASCII.GetString(bytes[..written]);
        if (!text.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        int colon = text.IndexOf(':', Prefix.Length);
        return colon > Prefix.Length
            && text.AsSpan(colon + 1).SequenceEqual(_fingerprint)
            && int.TryParse(text.AsSpan(Prefix.Length, colon - Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out offset)
            && offset > 0
            && offset < _count;
    }
}
