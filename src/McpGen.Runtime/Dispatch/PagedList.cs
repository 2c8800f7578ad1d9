using System;
using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using McpGen.Protocol;
using McpGen.ClientInput;
using McpGen.Dispatch;
using McpGen.Http;
using McpGen.Streaming;

namespace McpGen.Dispatch;

/// <summary>
/// One paginated list result (<c>tools/list</c>, <c>resources/list</c>, <c>resources/templates/list</c>,
/// <c>prompts/list</c>), every page prebuilt per era as UTF-8 bytes: <c>{"&lt;member&gt;":[...],"nextCursor"?}</c>, plus
/// <c>resultType</c>, <c>ttlMs</c>, <c>cacheScope</c> and <c>_meta</c> for 2026-07-28. Cursors are <see cref="ListCursor"/>s.
/// </summary>
internal sealed class PagedList
{
    private static readonly JsonWriterOptions s_writerOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly string _member;
    private readonly ReadOnlyMemory<byte>[] _items;
    private readonly int _pageSize;
    private readonly long _ttlMs;
    private readonly byte[] _modernMeta;
    private readonly byte[][] _legacyPages;
    private readonly byte[][] _modernPages;
    private readonly string _cacheScope;

    /// <param name="method">The list method, for error messages.</param>
    /// <param name="member">The result's array member (also the cursor's kind).</param>
    /// <param name="items">The UTF-8 JSON of every item, in list order.</param>
    /// <param name="pageSize">Items per page (≤ 0: one page).</param>
    /// <param name="ttlMs">The 2026-07-28 <c>ttlMs</c>.</param>
    /// <param name="modernMeta">The 2026-07-28 result <c>_meta</c> object.</param>
    /// <param name="privateScope">Whether the list depends on the caller (<c>cacheScope: "private"</c>, per-handler authorization).</param>
    public PagedList(string method, string member, ReadOnlyMemory<byte>[] items, int pageSize, long ttlMs, byte[] modernMeta, bool privateScope = false)
    {
        _cacheScope = privateScope ? "private" : "public";
        Method = method;
        _member = member;
        _items = items;
        _pageSize = pageSize > 0 ? pageSize : int.MaxValue;
        _ttlMs = ttlMs;
        _modernMeta = modernMeta;
        Cursor = new ListCursor(member, items);
        int pages = Math.Max(1, (int)((items.Length + (long)_pageSize - 1) / _pageSize));
        _legacyPages = new byte[pages][];
        _modernPages = new byte[pages][];
        for (int page = 0; page < pages; page++)
        {
            int offset = (int)Math.Min((long)page * _pageSize, items.Length);
            _legacyPages[page] = BuildPage(offset, modern: false);
            _modernPages[page] = BuildPage(offset, modern: true);
        }
    }

    /// <summary>The list method (<c>tools/list</c>...).</summary>
    public string Method { get; }

    /// <summary>How many items the list holds.</summary>
    public int Count => _items.Length;

    public ListCursor Cursor { get; }

    /// <summary>
    /// Reads <c>params.cursor</c>: absent or <c>null</c> is the first page. Returns the error to send for an invalid one.
    /// </summary>
    public McpError? TryReadCursor(in JsonRpcMessage message, out int offset)
    {
        offset = 0;
        if (!message.Cursor.IsPresent || message.Cursor.IsNull)
        {
            return null;
        }

        if (message.GetString(message.Cursor) is { } cursor && Cursor.TryDecode(cursor, out offset))
        {
            return null;
        }

        return new McpError(200, JsonRpcErrorCodes.InvalidParams,
            $"Invalid cursor: pass the nextCursor of the previous {Method} result unchanged, or call {Method} without a cursor to start over.");
    }

    /// <summary>The result starting at <paramref name="offset"/> (cached when on a page boundary).</summary>
    public byte[] GetPage(bool modern, int offset)
    {
        if (offset % _pageSize == 0)
        {
            return (modern ? _modernPages : _legacyPages)[offset / _pageSize];
        }

        return BuildPage(offset, modern); // a cursor from a replica configured with another page size
    }

    private byte[] BuildPage(int offset, bool modern)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var w = new Utf8JsonWriter(buffer, s_writerOptions))
        {
            int end = (int)Math.Min(_items.Length, (long)offset + _pageSize);
            w.WriteStartObject();
            if (modern)
            {
                w.WriteString("resultType"u8, "complete"u8);
            }

            w.WriteStartArray(_member);
            for (int i = offset; i < end; i++)
            {
                w.WriteRawValue(_items[i].Span);
            }

            w.WriteEndArray();
            if (end < _items.Length)
            {
                w.WriteString("nextCursor"u8, Cursor.Encode(end));
            }

            if (modern)
            {
                w.WriteNumber("ttlMs"u8, _ttlMs);
                w.WriteString("cacheScope"u8, _cacheScope);
                w.WritePropertyName("_meta"u8);
                w.WriteRawValue(_modernMeta, skipInputValidation: true);
            }

            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
