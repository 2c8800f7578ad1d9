using System;
using System.Text.Json;

namespace McpGen.Protocol;

/// <summary>What a POST body holds.</summary>
internal enum JsonRpcMessageKind
{
    /// <summary>A request: has <c>method</c> and an <c>id</c>; gets a response.</summary>
    Request,

    /// <summary>A notification: has <c>method</c>, no <c>id</c>; gets 202.</summary>
    Notification,

    /// <summary>A response from the client (<c>result</c> or <c>error</c>, no <c>method</c>); gets 202.</summary>
    Response,
}

/// <summary>
/// Where one JSON value sits in the request body: its raw token(s), quotes included for strings. Absent when
/// <see cref="Type"/> is <see cref="JsonTokenType.None"/>. For objects and arrays, <see cref="Type"/> is the start token.
/// </summary>
internal readonly record struct JsonSlice(int Start, int Length, JsonTokenType Type)
{
    public bool IsPresent => Type != JsonTokenType.None;

    public bool IsString => Type == JsonTokenType.String;

    public bool IsObject => Type == JsonTokenType.StartObject;

    public bool IsNull => Type == JsonTokenType.Null;
}

/// <summary>
/// One JSON-RPC message, read without building a DOM: every member the endpoint needs is a <see cref="JsonSlice"/> into
/// the request body (valid while the body buffer is, that is for the duration of the HTTP request).
/// </summary>
internal struct JsonRpcMessage
{
    public ReadOnlyMemory<byte> Body;
    public JsonRpcMessageKind Kind;

    /// <summary>The raw <c>id</c> (a string or integer token), echoed verbatim in the response.</summary>
    public JsonSlice Id;

    public McpMethod Method;
    public JsonSlice MethodName;
    public JsonSlice Params;

    // params._meta
    public JsonSlice Meta;
    public JsonSlice MetaProtocolVersion;
    public JsonSlice MetaClientCapabilities;
    public JsonSlice MetaClientInfo;
    public JsonSlice ProgressToken;
    public JsonSlice MetaLogLevel;

    // params members used by the methods served here
    public JsonSlice Name;
    public JsonSlice Uri;
    public JsonSlice Arguments;
    public JsonSlice Cursor;
    public JsonSlice ProtocolVersion;
    public JsonSlice Level;
    public JsonSlice Ref;
    public JsonSlice Argument;
    public JsonSlice Context;
    public JsonSlice Capabilities;
    public JsonSlice ClientInfo;
    public JsonSlice RequestId;
    public JsonSlice Notifications;

    // multi round-trip requests (2026-07-28): the retry of tools/call, prompts/get or resources/read
    public JsonSlice InputResponses;
    public JsonSlice RequestState;

    // the Tasks extension (2026-07-28): tasks/get, tasks/update, tasks/cancel
    public JsonSlice TaskId;

    public readonly ReadOnlySpan<byte> Raw(JsonSlice slice) => Body.Span.Slice(slice.Start, slice.Length);

    public readonly ReadOnlyMemory<byte> RawMemory(JsonSlice slice) => Body.Slice(slice.Start, slice.Length);

    /// <summary>The raw id, or <c>null</c> when the message has none.</summary>
    public readonly ReadOnlySpan<byte> IdOrNull => Id.IsPresent ? Raw(Id) : "null"u8;

    /// <summary>The unescaped value of a string slice (allocates; for error messages and rare paths).</summary>
    public readonly string? GetString(JsonSlice slice)
    {
        if (!slice.IsString)
        {
            return null;
        }

        var reader = new Utf8JsonReader(Raw(slice), McpGen.Protocol.JsonRpcMessageReader.SliceOptions);
        reader.Read();
        return reader.GetString();
    }

    /// <summary>Whether a string slice's unescaped value equals <paramref name="text"/>.</summary>
    public readonly bool StringEquals(JsonSlice slice, ReadOnlySpan<char> text)
    {
        if (!slice.IsString)
        {
            return false;
        }

        var reader = new Utf8JsonReader(Raw(slice), McpGen.Protocol.JsonRpcMessageReader.SliceOptions);
        reader.Read();
        return reader.ValueTextEquals(text);
    }

    /// <summary>Whether a string slice's unescaped value equals the UTF-8 <paramref name="utf8"/>.</summary>
    public readonly bool StringEquals(JsonSlice slice, ReadOnlySpan<byte> utf8)
    {
        if (!slice.IsString)
        {
            return false;
        }

        var reader = new Utf8JsonReader(Raw(slice), McpGen.Protocol.JsonRpcMessageReader.SliceOptions);
        reader.Read();
        return reader.ValueTextEquals(utf8);
    }

    /// <summary>Copies a string slice's unescaped value into <paramref name="destination"/>; -1 if it does not fit.</summary>
    public readonly int CopyString(JsonSlice slice, Span<char> destination)
    {
        var reader = new Utf8JsonReader(Raw(slice), McpGen.Protocol.JsonRpcMessageReader.SliceOptions);
        reader.Read();

        // An unescaped value never has more UTF-16 units than its raw UTF-8 bytes.
        if (reader.ValueSpan.Length <= destination.Length)
        {
            return reader.CopyString(destination);
        }

        string value = reader.GetString()!;
        if (value.Length > destination.Length)
        {
            return -1;
        }

        value.CopyTo(destination);
        return value.Length;
    }

    /// <summary>The method name for messages, or a description of its absence.</summary>
    public readonly string MethodText => McpMethods.NameOf(Method) ?? GetString(MethodName) ?? "(none)";
}
