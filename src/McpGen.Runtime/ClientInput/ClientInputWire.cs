using System;
using System.Buffers;
using System.Collections.Generic;
using System.Text.Encodings.Web;
using System.Text.Json;
using McpGen.ClientInput;
using McpGen.Dispatch;
using McpGen.Http;
using McpGen.Streaming;

namespace McpGen.ClientInput;

/// <summary>
/// The JSON of server-to-client input requests (the <c>params</c> of <c>elicitation/create</c>,
/// <c>sampling/createMessage</c> and <c>roots/list</c>) and the readers of the client's results. The same bytes travel
/// as MRTR <c>inputRequests</c> (2026-07-28) and as JSON-RPC requests on a session's SSE stream (legacy).
/// </summary>
internal static class ClientInputWire
{
    public const string ElicitationCreate = "elicitation/create";
    public const string SamplingCreateMessage = "sampling/createMessage";
    public const string RootsList = "roots/list";

    private static readonly JsonWriterOptions s_writerOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary><c>{"message":..,"requestedSchema":..}</c> (form mode; <c>mode</c> is optional for forms and omitted so 2025-06-18 clients accept it).</summary>
    public static byte[] FormElicitation(string message, ReadOnlySpan<byte> requestedSchema)
    {
        var buffer = new ArrayBufferWriter<byte>(256 + requestedSchema.Length);
        using (var json = new Utf8JsonWriter(buffer, s_writerOptions))
        {
            json.WriteStartObject();
            json.WriteString("message"u8, message);
            json.WritePropertyName("requestedSchema"u8);
            json.WriteRawValue(requestedSchema, skipInputValidation: true);
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// <c>{"mode":"url","message":..,"url":..}</c>; legacy (2025-11-25) requests also carry the <c>elicitationId</c> that
    /// version requires.
    /// </summary>
    public static byte[] UrlElicitation(string message, Uri url, string? elicitationId)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer, s_writerOptions))
        {
            json.WriteStartObject();
            json.WriteString("mode"u8, "url"u8);
            json.WriteString("message"u8, message);
            json.WriteString("url"u8, url.AbsoluteUri);
            if (elicitationId is not null)
            {
                json.WriteString("elicitationId"u8, elicitationId);
            }

            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The <c>CreateMessageRequestParams</c> of a request.</summary>
    public static byte[] Sampling(CreateMessageRequest request)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var json = new Utf8JsonWriter(buffer, s_writerOptions))
        {
            json.WriteStartObject();
            json.WriteStartArray("messages"u8);
            foreach (SamplingMessage message in request.Messages)
            {
                json.WriteStartObject();
                json.WriteString("role"u8, message.Role == McpRole.User ? "user"u8 : "assistant"u8);
                json.WritePropertyName("content"u8);
                message.Content.WriteTo(json);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteNumber("maxTokens"u8, request.MaxTokens);
            if (request.SystemPrompt is { } systemPrompt)
            {
                json.WriteString("systemPrompt"u8, systemPrompt);
            }

            if (request.Temperature is { } temperature)
            {
                json.WriteNumber("temperature"u8, temperature);
            }

            if (request.StopSequences is { Count: > 0 } stops)
            {
                json.WriteStartArray("stopSequences"u8);
                foreach (string stop in stops)
                {
                    json.WriteStringValue(stop);
                }

                json.WriteEndArray();
            }

            if (request.ModelPreferences is { } preferences)
            {
                WritePreferences(json, preferences);
            }

            if (request.IncludeContext != SamplingContext.None)
            {
                json.WriteString("includeContext"u8, request.IncludeContext == SamplingContext.ThisServer ? "thisServer"u8 : "allServers"u8);
            }

            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The (empty) params of <c>roots/list</c>.</summary>
    public static byte[] ListRoots() => "{}"u8.ToArray();

    private static void WritePreferences(Utf8JsonWriter json, ModelPreferences preferences)
    {
        json.WriteStartObject("modelPreferences"u8);
        if (preferences.Hints is { Count: > 0 } hints)
        {
            json.WriteStartArray("hints"u8);
            foreach (string hint in hints)
            {
                json.WriteStartObject();
                json.WriteString("name"u8, hint);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        if (preferences.CostPriority is { } cost)
        {
            json.WriteNumber("costPriority"u8, cost);
        }

        if (preferences.SpeedPriority is { } speed)
        {
            json.WriteNumber("speedPriority"u8, speed);
        }

        if (preferences.IntelligencePriority is { } intelligence)
        {
            json.WriteNumber("intelligencePriority"u8, intelligence);
        }

        json.WriteEndObject();
    }

    /// <summary>Reads an <c>ElicitResult</c>: the action and, when present, the raw <c>content</c> object.</summary>
    /// <param name="json">The result object.</param>
    /// <param name="where">Names the answer in error messages.</param>
    /// <param name="content">The raw <c>content</c> object, or empty.</param>
    public static ElicitAction ReadElicitResult(ReadOnlySpan<byte> json, string where, out ReadOnlySpan<byte> content)
    {
        content = default;
        ElicitAction? action = null;
        try
        {
            var reader = new Utf8JsonReader(json, McpGen.Protocol.JsonRpcMessageReader.SliceOptions);
            ExpectObject(ref reader, where, "ElicitResult");
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("action"u8))
                {
                    reader.Read();
                    action = reader.TokenType != JsonTokenType.String ? null
                        : reader.ValueTextEquals("accept"u8) ? ElicitAction.Accept
                        : reader.ValueTextEquals("decline"u8) ? ElicitAction.Decline
                        : reader.ValueTextEquals("cancel"u8) ? ElicitAction.Cancel
                        : null;
                    if (action is null)
                    {
                        throw Invalid(where, "ElicitResult", "action must be \"accept\", \"decline\" or \"cancel\"");
                    }
                }
                else if (reader.ValueTextEquals("content"u8))
                {
                    reader.Read();
                    int start = (int)reader.TokenStartIndex;
                    if (reader.TokenType == JsonTokenType.StartObject)
                    {
                        reader.Skip();
                        content = json[start..(int)reader.BytesConsumed];
                    }
                    else if (reader.TokenType != JsonTokenType.Null)
                    {
                        throw Invalid(where, "ElicitResult", "content must be an object");
                    }
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
        }
        catch (JsonException)
        {
            throw Invalid(where, "ElicitResult", "it is not valid JSON");
        }

        return action ?? throw Invalid(where, "ElicitResult", "action is missing");
    }

    /// <summary>Reads a <c>CreateMessageResult</c>.</summary>
    public static CreateMessageResult ReadCreateMessageResult(ReadOnlySpan<byte> json, string where)
    {
        const string Type = "CreateMessageResult";
        McpRole? role = null;
        ContentBlock? content = null;
        string? model = null, stopReason = null;
        try
        {
            var reader = new Utf8JsonReader(json, McpGen.Protocol.JsonRpcMessageReader.SliceOptions);
            ExpectObject(ref reader, where, Type);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("role"u8))
                {
                    reader.Read();
                    role = reader.TokenType != JsonTokenType.String ? null
                        : reader.ValueTextEquals("assistant"u8) ? McpRole.Assistant
                        : reader.ValueTextEquals("user"u8) ? McpRole.User
                        : null;
                    if (role is null)
                    {
                        throw Invalid(where, Type, "role must be \"assistant\" or \"user\"");
                    }
                }
                else if (reader.ValueTextEquals("content"u8))
                {
                    reader.Read();
                    content = ReadContent(ref reader, where);
                }
                else if (reader.ValueTextEquals("model"u8))
                {
                    reader.Read();
                    model = reader.TokenType == JsonTokenType.String ? reader.GetString() : throw Invalid(where, Type, "model must be a string");
                }
                else if (reader.ValueTextEquals("stopReason"u8))
                {
                    reader.Read();
                    stopReason = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                    reader.Skip();
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
        }
        catch (JsonException)
        {
            throw Invalid(where, Type, "it is not valid JSON");
        }

        if (role is null || content is null || model is null)
        {
            throw Invalid(where, Type, "role, content and model are required");
        }

        return new CreateMessageResult(role.Value, content, model, stopReason);
    }

    /// <summary>Reads a <c>ListRootsResult</c>.</summary>
    public static IReadOnlyList<McpRoot> ReadRoots(ReadOnlySpan<byte> json, string where)
    {
        const string Type = "ListRootsResult";
        List<McpRoot>? roots = null;
        try
        {
            var reader = new Utf8JsonReader(json, McpGen.Protocol.JsonRpcMessageReader.SliceOptions);
            ExpectObject(ref reader, where, Type);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                bool isRoots = reader.ValueTextEquals("roots"u8);
                reader.Read();
                if (!isRoots)
                {
                    reader.Skip();
                    continue;
                }

                if (reader.TokenType != JsonTokenType.StartArray)
                {
                    throw Invalid(where, Type, "roots must be an array");
                }

                roots = [];
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    roots.Add(ReadRoot(ref reader, where));
                }
            }
        }
        catch (JsonException)
        {
            throw Invalid(where, Type, "it is not valid JSON");
        }

        return roots ?? throw Invalid(where, Type, "roots is missing");
    }

    private static McpRoot ReadRoot(ref Utf8JsonReader reader, string where)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw Invalid(where, "ListRootsResult", "each root must be an object with uri");
        }

        string? uri = null, name = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            bool isUri = reader.ValueTextEquals("uri"u8);
            bool isName = !isUri && reader.ValueTextEquals("name"u8);
            reader.Read();
            if ((isUri || isName) && reader.TokenType == JsonTokenType.String)
            {
                if (isUri)
                {
                    uri = reader.GetString();
                }
                else
                {
                    name = reader.GetString();
                }
            }
            else
            {
                reader.Skip();
            }
        }

        return new McpRoot(uri ?? throw Invalid(where, "ListRootsResult", "each root needs uri, a string"), name);
    }

    /// <summary>A content block, or the first of an array of blocks: text, image or audio.</summary>
    private static ContentBlock ReadContent(ref Utf8JsonReader reader, string where)
    {
        if (reader.TokenType == JsonTokenType.StartArray)
        {
            ContentBlock? first = null;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                ContentBlock block = ReadContent(ref reader, where);
                first ??= block;
            }

            return first ?? throw Invalid(where, "CreateMessageResult", "content is an empty array");
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw Invalid(where, "CreateMessageResult", "content must be a content block");
        }

        string? type = null, text = null, mimeType = null;
        byte[]? data = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("type"u8))
            {
                reader.Read();
                type = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                reader.Skip();
            }
            else if (reader.ValueTextEquals("text"u8))
            {
                reader.Read();
                text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                reader.Skip();
            }
            else if (reader.ValueTextEquals("mimeType"u8))
            {
                reader.Read();
                mimeType = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                reader.Skip();
            }
            else if (reader.ValueTextEquals("data"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.String || !reader.TryGetBytesFromBase64(out data))
                {
                    throw Invalid(where, "CreateMessageResult", "content.data must be base64");
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return type switch
        {
            "text" when text is not null => new TextContent(text),
            "image" when data is not null && mimeType is not null => new ImageContent(data, mimeType),
            "audio" when data is not null && mimeType is not null => new AudioContent(data, mimeType),
            _ => throw Invalid(where, "CreateMessageResult",
                "content must be a text block (type, text) or an image or audio block (type, data, mimeType); tool use is not requested by this server"),
        };
    }

    private static void ExpectObject(ref Utf8JsonReader reader, string where, string type)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw Invalid(where, type, "it must be a JSON object");
        }
    }

    private static InvalidClientInputException Invalid(string where, string type, string problem)
        => new($"{where} is not a valid {type}: {problem}.");
}
