using System;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Unicode;

namespace McpGen.Protocol;

/// <summary>
/// Reads exactly one JSON-RPC message from a request body with <see cref="Utf8JsonReader"/>: no DOM, no copies. It
/// records where the members the endpoint needs sit (<see cref="JsonRpcMessage"/>) and rejects what is not one valid
/// message: invalid JSON or a body that is not UTF-8 (-32700), batches, non-objects, a wrong <c>jsonrpc</c>, a bad <c>id</c>, a
/// missing <c>method</c> (-32600), and text no string can hold: an escaped lone surrogate (<c>"\ud800"</c>) in the envelope
/// (-32600) or in <c>params</c> outside the handler's <c>arguments</c> (-32602). A <c>progressToken</c> that is neither a
/// string nor an integer is dropped (no progress is sent). Strings inside <c>params.arguments</c> are judged per argument by the binders
/// (<see cref="McpArgumentReader"/>), which name the argument.
/// </summary>
internal static class JsonRpcMessageReader
{
    /// <summary>
    /// The deepest nesting a message may have, and the highest <see cref="McpServerOptions.MaxJsonDepth"/>; argument readers
    /// allow the same, so what is read here reads there.
    /// </summary>
    public const int MaxDepth = 128;

    private static readonly JsonReaderOptions s_options = new() { MaxDepth = MaxDepth, CommentHandling = JsonCommentHandling.Disallow };

    /// <summary>
    /// For every later read of JSON that came through this reader (a slice of a message, a value stored in a session or
    /// an event log): the same depth, since the default (64) is lower and would fail on what the message admitted.
    /// </summary>
    public static readonly JsonReaderOptions SliceOptions = new() { MaxDepth = MaxDepth };

    /// <summary>Reads <paramref name="body"/>; returns <see langword="null"/> on success, else the error to send.</summary>
    public static McpError? TryRead(ReadOnlyMemory<byte> body, out JsonRpcMessage message)
        => TryRead(body, out message, MaxDepth, int.MaxValue);

    /// <summary>
    /// Reads <paramref name="body"/> within limits: nesting deeper than <paramref name="maxDepth"/> is 400 with -32600, a
    /// string (or member name) longer than <paramref name="maxStringLength"/> UTF-8 bytes as sent (escapes counted as
    /// written) is 400 with -32602. Returns <see langword="null"/> on success, else the error to send.
    /// </summary>
    public static McpError? TryRead(ReadOnlyMemory<byte> body, out JsonRpcMessage message, int maxDepth, int maxStringLength)
    {
        McpError? error = Read(body, out message, Math.Clamp(maxDepth, 1, MaxDepth));
        if (error is null && body.Length > maxStringLength && FindLongString(body.Span, maxStringLength) is { } tooLong)
        {
            return tooLong;
        }

        return error;
    }

    /// <summary>The first string longer than <paramref name="limit"/> bytes, as an invalid-params error.</summary>
    private static McpError? FindLongString(ReadOnlySpan<byte> body, int limit)
    {
        var reader = new Utf8JsonReader(body, s_options);
        while (reader.Read())
        {
            if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName)
            {
                long length = reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length;
                if (length > limit)
                {
                    return new McpError(400, JsonRpcErrorCodes.InvalidParams,
                        $"Invalid params: a string of {length} bytes is longer than this server accepts ({limit} bytes, McpServerOptions.MaxStringLength). "
                        + "Send large content by reference (a resource URI) or in smaller pieces.");
                }
            }
        }

        return null;
    }

    private static McpError? Read(ReadOnlyMemory<byte> body, out JsonRpcMessage message, int maxDepth)
    {
        message = default;
        message.Body = body;
        if (body.IsEmpty)
        {
            return McpError.Parse("the body is empty");
        }

        // JSON text is UTF-8 (RFC 8259): anything else is not a message, and no byte of it may be echoed (the id).
        if (!Utf8.IsValid(body.Span))
        {
            return McpError.Parse("the body is not valid UTF-8. Send the JSON-RPC message as UTF-8 JSON text.");
        }

        if (body.Span.IndexOf("\\u"u8) >= 0 && FindInvalidText(body.Span) is { } textProblem)
        {
            return textProblem;
        }

        bool hasResultOrError = false;
        string? idProblem = null;
        string? versionProblem = "the \"jsonrpc\" member is missing; it must be \"2.0\"";
        string? methodProblem = null;
        var reader = new Utf8JsonReader(body.Span, maxDepth == MaxDepth ? s_options : new JsonReaderOptions { MaxDepth = maxDepth, CommentHandling = JsonCommentHandling.Disallow });
        try
        {
            if (!reader.Read())
            {
                return McpError.Parse("the body holds no JSON value");
            }

            if (reader.TokenType == JsonTokenType.StartArray)
            {
                return McpError.InvalidRequest(
                    "JSON-RPC batches (arrays) were removed in protocol revision 2025-06-18 and are not taken here. Send one JSON-RPC message per HTTP POST.");
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                EnsureEnd(ref reader);
                return McpError.InvalidRequest("the body must be one JSON-RPC message (a JSON object).");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("jsonrpc"u8))
                {
                    reader.Read();
                    versionProblem = reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("2.0"u8)
                        ? null
                        : "the \"jsonrpc\" member must be the string \"2.0\".";
                    reader.Skip();
                }
                else if (reader.ValueTextEquals("id"u8))
                {
                    reader.Read();
                    idProblem = null;
                    message.Id = default;
                    switch (reader.TokenType)
                    {
                        case JsonTokenType.String:
                            message.Id = Slice(ref reader);
                            break;
                        case JsonTokenType.Number when reader.TryGetInt64(out _):
                            message.Id = Slice(ref reader);
                            break;
                        case JsonTokenType.Null:
                            idProblem = "the \"id\" must be a string or an integer, never null.";
                            break;
                        default:
                            idProblem = "the \"id\" must be a string or an integer.";
                            reader.Skip();
                            break;
                    }
                }
                else if (reader.ValueTextEquals("method"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String)
                    {
                        message.MethodName = Slice(ref reader);
                        message.Method = McpMethods.Recognize(ref reader);
                        methodProblem = null;
                    }
                    else
                    {
                        methodProblem = "the \"method\" member must be a string.";
                        reader.Skip();
                    }
                }
                else if (reader.ValueTextEquals("params"u8))
                {
                    reader.Read();
                    int start = (int)reader.TokenStartIndex;
                    JsonTokenType type = reader.TokenType;
                    if (type == JsonTokenType.StartObject)
                    {
                        ReadParams(ref reader, ref message);
                    }
                    else
                    {
                        reader.Skip();
                    }

                    message.Params = new JsonSlice(start, (int)reader.BytesConsumed - start, type);
                }
                else if (reader.ValueTextEquals("result"u8) || reader.ValueTextEquals("error"u8))
                {
                    hasResultOrError = true;
                    reader.Read();
                    reader.Skip();
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            EnsureEnd(ref reader);
        }
        catch (JsonException ex)
        {
            bool tooDeep = reader.CurrentDepth >= maxDepth - 1 && ex.Message.Contains("depth", StringComparison.OrdinalIgnoreCase);
            message = default;
            return tooDeep
                ? McpError.InvalidRequest($"the message nests deeper than {maxDepth} levels (McpServerOptions.MaxJsonDepth). Send flatter arguments.")
                : McpError.Parse(DescribeJsonError(ex));
        }

        if (versionProblem is not null)
        {
            return McpError.InvalidRequest(versionProblem);
        }

        if (idProblem is not null)
        {
            message.Id = default;
            return McpError.InvalidRequest(idProblem);
        }

        if (methodProblem is not null)
        {
            return McpError.InvalidRequest(methodProblem);
        }

        if (!message.MethodName.IsPresent)
        {
            if (hasResultOrError && message.Id.IsPresent)
            {
                message.Kind = JsonRpcMessageKind.Response;
                return null;
            }

            return McpError.InvalidRequest("the \"method\" member is missing. A request needs \"jsonrpc\", \"id\" and \"method\".");
        }

        if (message.Params.IsPresent && !message.Params.IsObject)
        {
            return McpError.InvalidRequest("\"params\" must be a JSON object.");
        }

        if (message.ProgressToken.IsPresent && !IsStringOrInteger(message, message.ProgressToken))
        {
            // A token that is neither a string nor an integer (1.5, an object) is ignored, as if absent: echoing it would
            // make every notifications/progress fail the schema.
            message.ProgressToken = default;
        }

        message.Kind = message.Id.IsPresent ? JsonRpcMessageKind.Request : JsonRpcMessageKind.Notification;
        return null;
    }

    private static bool IsStringOrInteger(in JsonRpcMessage message, JsonSlice slice)
    {
        if (slice.IsString)
        {
            return true;
        }

        if (slice.Type != JsonTokenType.Number)
        {
            return false;
        }

        var reader = new Utf8JsonReader(message.Raw(slice), McpGen.Protocol.JsonRpcMessageReader.SliceOptions);
        reader.Read();
        return reader.TryGetInt64(out _);
    }

    /// <summary>
    /// Finds an escaped string that decodes to no valid text (a lone or reversed surrogate) anywhere in the message but
    /// inside <c>params.arguments</c>; <see langword="null"/> when there is none, or when the body is not JSON (the main
    /// read reports that).
    /// </summary>
    private static McpError? FindInvalidText(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body, s_options);
        string? member = null;
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1)
                {
                    member = IsValidText(ref reader) ? reader.GetString() : null;
                }

                if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName && !IsValidText(ref reader))
                {
                    return member is "id" or "method" or "jsonrpc" or null && reader.CurrentDepth <= 1
                        ? McpError.InvalidRequest($"the {(member is null ? "member name" : $"\"{member}\" member")} holds an escaped lone surrogate (such as \\ud800), which is no valid text. Send valid Unicode (surrogates only in pairs).")
                        : new McpError(400, JsonRpcErrorCodes.InvalidParams,
                            $"Invalid params: a string in \"{member}\" holds an escaped lone surrogate (such as \\ud800), which is no valid text. Send valid Unicode (surrogates only in pairs).");
                }

                if (member == "params" && reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 2 && reader.ValueTextEquals("arguments"u8))
                {
                    // Arguments are the handler's: its binder reports an invalid one by name.
                    reader.Read();
                    reader.Skip();
                }
            }
        }
        catch (JsonException)
        {
            return null;
        }

        return null;
    }

    private static bool IsValidText(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped)
        {
            return true; // the body is valid UTF-8
        }

        try
        {
            _ = reader.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static void ReadParams(ref Utf8JsonReader reader, ref JsonRpcMessage message)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("_meta"u8))
            {
                reader.Read();
                int start = (int)reader.TokenStartIndex;
                JsonTokenType type = reader.TokenType;
                if (type == JsonTokenType.StartObject)
                {
                    ReadMeta(ref reader, ref message);
                }
                else
                {
                    reader.Skip();
                }

                message.Meta = new JsonSlice(start, (int)reader.BytesConsumed - start, type);
                continue;
            }

            ReadMember(ref reader, ref ParamSlot(ref reader, ref message));
        }
    }

    private static void ReadMeta(ref Utf8JsonReader reader, ref JsonRpcMessage message)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            ReadMember(ref reader, ref MetaSlot(ref reader, ref message));
        }
    }

    /// <summary>
    /// Reads the value of the member whose name the reader is on into <paramref name="slot"/>, or skips it when the slot
    /// is a null reference (a member the endpoint does not use).
    /// </summary>
    private static void ReadMember(ref Utf8JsonReader reader, ref JsonSlice slot)
    {
        reader.Read();
        if (Unsafe.IsNullRef(ref slot))
        {
            reader.Skip();
        }
        else
        {
            slot = SliceAndSkip(ref reader);
        }
    }

    /// <summary>The field of <paramref name="message"/> a <c>params</c> member fills, or a null reference.</summary>
    private static ref JsonSlice ParamSlot(ref Utf8JsonReader reader, ref JsonRpcMessage message)
    {
        if (reader.ValueTextEquals("name"u8))
        {
            return ref message.Name;
        }

        if (reader.ValueTextEquals("arguments"u8))
        {
            return ref message.Arguments;
        }

        if (reader.ValueTextEquals("cursor"u8))
        {
            return ref message.Cursor;
        }

        if (reader.ValueTextEquals("uri"u8))
        {
            return ref message.Uri;
        }

        if (reader.ValueTextEquals("protocolVersion"u8))
        {
            return ref message.ProtocolVersion;
        }

        if (reader.ValueTextEquals("level"u8))
        {
            return ref message.Level;
        }

        if (reader.ValueTextEquals("ref"u8))
        {
            return ref message.Ref;
        }

        if (reader.ValueTextEquals("argument"u8))
        {
            return ref message.Argument;
        }

        if (reader.ValueTextEquals("context"u8))
        {
            return ref message.Context;
        }

        if (reader.ValueTextEquals("capabilities"u8))
        {
            return ref message.Capabilities;
        }

        if (reader.ValueTextEquals("clientInfo"u8))
        {
            return ref message.ClientInfo;
        }

        if (reader.ValueTextEquals("requestId"u8))
        {
            return ref message.RequestId;
        }

        if (reader.ValueTextEquals("notifications"u8))
        {
            return ref message.Notifications;
        }

        if (reader.ValueTextEquals("inputResponses"u8))
        {
            return ref message.InputResponses;
        }

        if (reader.ValueTextEquals("requestState"u8))
        {
            return ref message.RequestState;
        }

        if (reader.ValueTextEquals("taskId"u8))
        {
            return ref message.TaskId;
        }

        return ref Unsafe.NullRef<JsonSlice>();
    }

    /// <summary>The field of <paramref name="message"/> a <c>params._meta</c> member fills, or a null reference.</summary>
    private static ref JsonSlice MetaSlot(ref Utf8JsonReader reader, ref JsonRpcMessage message)
    {
        if (reader.ValueTextEquals("io.modelcontextprotocol/protocolVersion"u8))
        {
            return ref message.MetaProtocolVersion;
        }

        if (reader.ValueTextEquals("io.modelcontextprotocol/clientCapabilities"u8))
        {
            return ref message.MetaClientCapabilities;
        }

        if (reader.ValueTextEquals("io.modelcontextprotocol/clientInfo"u8))
        {
            return ref message.MetaClientInfo;
        }

        if (reader.ValueTextEquals("progressToken"u8))
        {
            return ref message.ProgressToken;
        }

        if (reader.ValueTextEquals("io.modelcontextprotocol/logLevel"u8))
        {
            return ref message.MetaLogLevel;
        }

        return ref Unsafe.NullRef<JsonSlice>();
    }

    private static JsonSlice Slice(ref Utf8JsonReader reader)
    {
        int start = (int)reader.TokenStartIndex;
        return new JsonSlice(start, (int)reader.BytesConsumed - start, reader.TokenType);
    }

    private static JsonSlice SliceAndSkip(ref Utf8JsonReader reader)
    {
        int start = (int)reader.TokenStartIndex;
        JsonTokenType type = reader.TokenType;
        reader.Skip();
        return new JsonSlice(start, (int)reader.BytesConsumed - start, type);
    }

    private static void EnsureEnd(ref Utf8JsonReader reader)
    {
        // Anything but whitespace after the message makes Read throw (one value per body).
        if (reader.Read())
        {
            throw new JsonException("Unexpected content after the JSON-RPC message.");
        }
    }

    private static string DescribeJsonError(JsonException ex)
    {
        // Utf8JsonReader messages carry line and byte position and never echo request content.
        string text = ex.Message;
        return text.Length > 200 ? text[..200] : text;
    }
}
