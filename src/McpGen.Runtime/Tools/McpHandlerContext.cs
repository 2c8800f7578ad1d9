using System;
using System.Buffers;
using System.Collections.Generic;
using System.ComponentModel;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading;

namespace McpGen;

/// <summary>
/// One tool call as the generated invoker sees it: the raw arguments, the services, the request and the result
/// writer. Generated code uses it; user code takes <see cref="McpRequestContext"/> instead.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class McpHandlerContext
{
    private readonly Utf8JsonWriter _writer;
    private List<ArgumentError>? _argumentErrors;

    internal McpHandlerContext(
        McpRequestContext request,
        IServiceProvider? services,
        JsonSerializerOptions serializerOptions,
        ReadOnlyMemory<byte> arguments,
        Utf8JsonWriter resultWriter,
        CancellationToken cancellationToken)
    {
        Request = request;
        _services = services;
        SerializerOptions = serializerOptions;
        Arguments = arguments;
        _writer = resultWriter;
        CancellationToken = cancellationToken;
    }

    /// <summary>The request that carries the call.</summary>
    public McpRequestContext Request { get; }

    /// <summary>The request's service scope.</summary>
    /// <remarks>
    /// Resolved on first use: reading <see cref="Microsoft.AspNetCore.Http.HttpContext.RequestServices"/> creates the
    /// request's DI scope, which a static tool without services never needs.
    /// </remarks>
    public IServiceProvider Services => _services ??= Request.HttpContext.RequestServices;

    private IServiceProvider? _services;

    /// <summary>The options whose resolver chain supplies <see cref="JsonTypeInfo"/> for complex argument and result types.</summary>
    public JsonSerializerOptions SerializerOptions { get; }

    /// <summary>The UTF-8 JSON of the <c>arguments</c> object, or empty when the client sent none.</summary>
    public ReadOnlyMemory<byte> Arguments { get; }

    /// <summary>Signals when the client goes away or cancels the call.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>Progress reporter for <c>IProgress&lt;McpProgress&gt;</c> parameters; drops reports when the client asked for none.</summary>
    public IProgress<McpProgress> Progress => _progress ??= new ProgressAdapter(Request);

    private IProgress<McpProgress>? _progress;

    /// <summary>Whether a result has been written.</summary>
    public bool ResultWritten { get; private set; }

    /// <summary>Whether argument binding found errors.</summary>
    public bool HasArgumentErrors => _argumentErrors is { Count: > 0 };

    internal IReadOnlyList<ArgumentError> ArgumentErrors => (IReadOnlyList<ArgumentError>?)_argumentErrors ?? [];

    /// <summary>Returns the type information for <typeparamref name="T"/> from <see cref="SerializerOptions"/>.</summary>
    /// <exception cref="InvalidOperationException">No registered <c>JsonSerializerContext</c> knows the type.</exception>
    public JsonTypeInfo<T> GetTypeInfo<T>() => McpJson.GetTypeInfo<T>(SerializerOptions);

    /// <summary>Records that a required argument is missing.</summary>
    public void ReportMissingArgument(string name, string expected)
        => (_argumentErrors ??= []).Add(new ArgumentError(name, expected, null));

    /// <summary>Records that an argument has the wrong type or an invalid value.</summary>
    public void ReportInvalidArgument(string name, string expected, string received)
        => (_argumentErrors ??= []).Add(new ArgumentError(name, expected, received));

    /// <summary>Records that a value inside a complex argument is invalid: where (<c>box.value</c>, or null for the whole argument) and why.</summary>
    internal void ReportInvalidValue(string name, string? path, string problem)
        => (_argumentErrors ??= []).Add(new ArgumentError(name, string.Empty, string.Empty, path, problem));

    /// <summary>Writes a result with one text block (nothing for a <see langword="null"/> string: an empty content array).</summary>
    public void WriteText(string? text)
    {
        BeginResult();
        _writer.WriteStartArray("content");
        if (text is not null)
        {
            WriteTextBlock(text);
        }

        _writer.WriteEndArray();
    }

    /// <summary>The URI of a <c>resources/read</c> call (template reads extract their variables from it).</summary>
    public string ResourceUri { get; internal set; } = "";

    /// <summary>Writes a <c>resources/read</c> result with one text entry.</summary>
    public void WriteResourceText(string text, string? mimeType)
        => WriteResourceContents(new TextResourceContents(ResourceUri, text ?? string.Empty, mimeType));

    /// <summary>Writes a <c>resources/read</c> result with one blob entry.</summary>
    public void WriteResourceBlob(ReadOnlyMemory<byte> blob, string? mimeType)
        => WriteResourceContents(new BlobResourceContents(ResourceUri, blob, mimeType));

    /// <summary>Writes a <c>resources/read</c> result with one entry.</summary>
    public void WriteResourceContents(ResourceContents? contents)
        => WriteResourceContents(contents is null ? [] : [contents]);

    /// <summary>Writes a <c>resources/read</c> result (<c>contents</c>).</summary>
    public void WriteResourceContents(IEnumerable<ResourceContents?>? contents)
    {
        BeginResult();
        _writer.WriteStartArray("contents");
        if (contents is not null)
        {
            foreach (ResourceContents? item in contents)
            {
                item?.WriteTo(_writer);
            }
        }

        _writer.WriteEndArray();
    }

    /// <summary>Writes a <c>prompts/get</c> result with one user text message.</summary>
    public void WritePromptText(string? text)
        => WritePromptMessages(text is null ? [] : [PromptMessage.User(text)], description: null);

    /// <summary>Writes a <c>prompts/get</c> result with one message.</summary>
    public void WritePromptMessage(PromptMessage? message)
        => WritePromptMessages(message is null ? [] : [message], description: null);

    /// <summary>Writes a complete <c>prompts/get</c> result.</summary>
    public void WritePromptResult(GetPromptResult? result)
        => WritePromptMessages(result?.Messages, result?.Description);

    /// <summary>Writes a <c>prompts/get</c> result (<c>description</c>, <c>messages</c>).</summary>
    public void WritePromptMessages(IEnumerable<PromptMessage?>? messages, string? description = null)
    {
        BeginResult();
        if (description is not null)
        {
            _writer.WriteString("description", description);
        }

        _writer.WriteStartArray("messages");
        if (messages is not null)
        {
            foreach (PromptMessage? message in messages)
            {
                message?.WriteTo(_writer);
            }
        }

        _writer.WriteEndArray();
    }

    /// <summary>Writes a result with an empty content array (for <see langword="void"/> tools).</summary>
    public void WriteEmpty()
    {
        BeginResult();
        _writer.WriteStartArray("content");
        _writer.WriteEndArray();
    }

    /// <summary>Writes a result with one content block.</summary>
    public void WriteContent(ContentBlock? block)
    {
        BeginResult();
        _writer.WriteStartArray("content");
        block?.WriteTo(_writer);
        _writer.WriteEndArray();
    }

    /// <summary>Writes a result with several content blocks.</summary>
    public void WriteContent(IEnumerable<ContentBlock?>? blocks)
    {
        BeginResult();
        _writer.WriteStartArray("content");
        if (blocks is not null)
        {
            foreach (ContentBlock? block in blocks)
            {
                block?.WriteTo(_writer);
            }
        }

        _writer.WriteEndArray();
    }

    /// <summary>Writes a complete result.</summary>
    public void WriteResult(CallToolResult? result)
    {
        if (result is null)
        {
            WriteEmpty();
            return;
        }

        BeginResult();
        result.WriteMembers(_writer);
    }

    /// <summary>
    /// Writes a typed result: <c>structuredContent</c> plus the same JSON as a text block. When <paramref name="wrapped"/>
    /// is set (the value is not a JSON object), <c>structuredContent</c> is <c>{"result": value}</c>, matching the
    /// generated output schema.
    /// </summary>
    public void WriteStructured<T>(T value, JsonTypeInfo<T> typeInfo, bool wrapped)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = SerializerOptions.Encoder, SkipValidation = true }))
        {
            JsonSerializer.Serialize(json, value, typeInfo);
        }

        ReadOnlySpan<byte> utf8 = buffer.WrittenSpan;
        BeginResult();
        _writer.WriteStartArray("content");
        _writer.WriteStartObject();
        _writer.WriteString("type", "text");
        _writer.WriteString("text", utf8);
        _writer.WriteEndObject();
        _writer.WriteEndArray();
        _writer.WritePropertyName("structuredContent");
        if (wrapped)
        {
            _writer.WriteStartObject();
            _writer.WritePropertyName("result");
            _writer.WriteRawValue(utf8, skipInputValidation: true);
            _writer.WriteEndObject();
        }
        else
        {
            _writer.WriteRawValue(utf8, skipInputValidation: true);
        }
    }

    /// <summary>Writes an error result (<c>isError: true</c>) with one text block.</summary>
    internal void WriteError(string message)
    {
        BeginResult();
        _writer.WriteStartArray("content");
        WriteTextBlock(message);
        _writer.WriteEndArray();
        _writer.WriteBoolean("isError", true);
    }

    /// <summary>Describes the argument errors for the model, one line per argument.</summary>
    /// <summary>The most values one <c>completion/complete</c> result carries (schema: <c>maxItems: 100</c>).</summary>
    internal const int MaxCompletionValues = 100;

    /// <summary>How many completion values are counted for <c>total</c>; beyond, <c>total</c> is omitted.</summary>
    private const int MaxCountedCompletionValues = 100_000;

    /// <summary>
    /// Writes a <c>completion/complete</c> result: at most <see cref="MaxCompletionValues"/> values (nulls skipped),
    /// <c>total</c> while the values can be counted, and <c>hasMore</c>.
    /// </summary>
    internal void WriteCompletion(IEnumerable<string?>? values)
    {
        BeginResult();
        Utf8JsonWriter json = _writer;
        json.WriteStartObject("completion"u8);
        json.WriteStartArray("values"u8);
        int count = 0;
        bool counted = true;
        if (values is not null)
        {
            foreach (string? item in values)
            {
                if (item is null)
                {
                    continue;
                }

                if (count < MaxCompletionValues)
                {
                    json.WriteStringValue(item);
                }
                else if (count >= MaxCountedCompletionValues)
                {
                    counted = false;
                    break;
                }

                count++;
            }
        }

        json.WriteEndArray();
        if (counted)
        {
            json.WriteNumber("total"u8, count);
        }

        json.WriteBoolean("hasMore"u8, count > MaxCompletionValues);
        json.WriteEndObject();
    }

    /// <summary>Describes the argument errors under <paramref name="heading"/>: what each argument needed and what came.</summary>
    internal string DescribeArgumentErrors(string heading, string nextStep)
    {
        var text = new StringBuilder();
        text.Append(heading);
        foreach (ArgumentError error in ArgumentErrors)
        {
            text.Append("\n- '").Append(error.Name).Append("': ");
            if (error.Problem is not null)
            {
                text.Append("invalid value");
                if (error.Path is not null)
                {
                    text.Append(" at ").Append(error.Path);
                }

                text.Append(": ").Append(error.Problem);
            }
            else if (error.Received is null)
            {
                text.Append("missing (required ").Append(error.Expected).Append(')');
            }
            else
            {
                text.Append("expected ").Append(error.Expected).Append(", received ").Append(error.Received);
            }
        }

        text.Append('\n').Append(nextStep);
        return text.ToString();
    }

    private void BeginResult()
    {
        if (ResultWritten)
        {
            throw new InvalidOperationException("A tool result has already been written for this call.");
        }

        ResultWritten = true;
    }

    private void WriteTextBlock(string text)
    {
        _writer.WriteStartObject();
        _writer.WriteString("type", "text");
        _writer.WriteString("text", text);
        _writer.WriteEndObject();
    }

    /// <summary>One argument error: missing (no <paramref name="Received"/>), of the wrong shape, or (<paramref name="Problem"/>) invalid inside.</summary>
    internal readonly record struct ArgumentError(string Name, string Expected, string? Received, string? Path = null, string? Problem = null);

    private sealed class ProgressAdapter(McpRequestContext request) : IProgress<McpProgress>
    {
        public void Report(McpProgress value) => request.ReportProgress(value);
    }
}
