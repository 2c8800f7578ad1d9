using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;

namespace McpGen.IntegrationTests;

/// <summary>
/// A message the server sent that fails the official schema of its revision or the tool's own <c>outputSchema</c>:
/// names the revision, the definition, where (instance location and schema path) and the message itself.
/// </summary>
internal sealed class WireSchemaException(string revision, string definition, string problem, string message)
    : Exception($"The server sent a message that fails the {revision} schema ({definition}): {problem}\nmessage: {Preview(message)}")
{
    public string Revision { get; } = revision;

    public string Definition { get; } = definition;

    public string Problem { get; } = problem;

    internal static string Preview(string text) => text.Length > 600 ? text[..600] + "…" : text;
}

/// <summary>
/// The integration tests' wire validation: an <see cref="HttpClient"/> handler through which the C# client's traffic
/// passes. It parses every JSON response body and every SSE <c>data</c> line and evaluates each JSON-RPC message
/// against the official schema of the revision that applies to it (the <c>_meta</c> protocol version of a modern
/// request, else the <c>MCP-Protocol-Version</c> header, else what <c>initialize</c> negotiated for the session, else
/// 2025-03-26): the envelope (<c>JSONRPCResultResponse</c>/<c>JSONRPCErrorResponse</c>, <c>JSONRPCNotification</c>,
/// <c>JSONRPCRequest</c>, or their draft-07 names), the server message union (<c>ServerNotification</c>,
/// <c>ServerRequest</c>) and the result definition of the method answered (<c>CallToolResult</c>, <c>ListToolsResult</c>,
/// ...). Every <c>tools/call</c> <c>structuredContent</c> is evaluated against that tool's <c>outputSchema</c> from
/// <c>tools/list</c> (formats asserted). The first invalid message fails the exchange that carried it (a
/// <see cref="WireSchemaException"/> from <c>SendAsync</c> or from reading the event stream) and every later request
/// through the handler, so a test cannot pass over it. <see cref="CSharpClient.ConnectAsync"/> and
/// <see cref="WireRecorder"/> send through one.
/// </summary>
internal sealed class SchemaValidatingHandler : DelegatingHandler
{
    private const string Oldest = "2025-03-26"; // Streamable HTTP without MCP-Protocol-Version
    private const string MetaVersion = "io.modelcontextprotocol/protocolVersion";

    private static readonly Dictionary<string, string> s_resultOf = new(StringComparer.Ordinal)
    {
        ["initialize"] = "InitializeResult",
        ["server/discover"] = "DiscoverResult",
        ["tools/list"] = "ListToolsResult",
        ["tools/call"] = "CallToolResult",
        ["resources/list"] = "ListResourcesResult",
        ["resources/templates/list"] = "ListResourceTemplatesResult",
        ["resources/read"] = "ReadResourceResult",
        ["prompts/list"] = "ListPromptsResult",
        ["prompts/get"] = "GetPromptResult",
        ["completion/complete"] = "CompleteResult",
        ["subscriptions/listen"] = "SubscriptionsListenResult",
        ["ping"] = "EmptyResult",
        ["logging/setLevel"] = "EmptyResult",
        ["resources/subscribe"] = "EmptyResult",
        ["resources/unsubscribe"] = "EmptyResult",
    };

    private readonly SpecSchemas _schemas = SpecSchemas.Shared();
    private readonly ConcurrentDictionary<string, string> _negotiated = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Session, string Id), (string Method, string? Tool)> _pending = new();
    private readonly ConcurrentDictionary<string, JsonElement> _outputSchemas = new(StringComparer.Ordinal);
    private WireSchemaException? _first;
    private int _validated;
    private int _structured;

    public SchemaValidatingHandler()
        : this(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(1) })
    {
    }

    public SchemaValidatingHandler(HttpMessageHandler inner)
        : base(inner)
    {
    }

    /// <summary>JSON-RPC messages from the server validated so far.</summary>
    public int Validated => Volatile.Read(ref _validated);

    /// <summary><c>structuredContent</c> values validated against their tool's <c>outputSchema</c> so far.</summary>
    public int StructuredValidated => Volatile.Read(ref _structured);

    /// <summary>The first invalid message seen, or <see langword="null"/>.</summary>
    public WireSchemaException? FirstViolation => Volatile.Read(ref _first);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (FirstViolation is { } earlier)
        {
            throw earlier;
        }

        string? body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        string session = Header(request.Headers, "Mcp-Session-Id") ?? "";
        string? revision = RequestRevision(request, body, session, out bool initialize);
        if (body is not null)
        {
            Register(body, session);
        }

        HttpResponseMessage response = await base.SendAsync(request, cancellationToken);
        string? assigned = Header(response.Headers, "Mcp-Session-Id");
        string? type = response.Content.Headers.ContentType?.MediaType;
        var context = new Exchange(session, assigned, revision, initialize);
        if (type == "application/json")
        {
            await response.Content.LoadIntoBufferAsync(cancellationToken);
            string text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (text.Length > 0)
            {
                Judge(text, context); // throws on the first invalid message
            }
        }
        else if (type == "text/event-stream")
        {
            Stream inner = await response.Content.ReadAsStreamAsync(cancellationToken);
            var tapped = new StreamContent(new SseTap(inner, (_, eventType, data) =>
            {
                // The legacy HTTP+SSE "endpoint" event carries a URL; an empty data line primes a stream.
                if (eventType != "endpoint" && data.Length > 0)
                {
                    Judge(data, context);
                }
            }));
            foreach (KeyValuePair<string, IEnumerable<string>> header in response.Content.Headers)
            {
                tapped.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }

            response.Content = tapped;
        }

        return response;
    }

    /// <summary>What a response is judged with: the session of the request, the one the response assigned, the revision.</summary>
    private sealed record Exchange(string Session, string? Assigned, string? Revision, bool Initialize);

    private string? RequestRevision(HttpRequestMessage request, string? body, string session, out bool initialize)
    {
        initialize = false;
        string? requested = null;
        if (body is not null)
        {
            try
            {
                using JsonDocument document = JsonDocument.Parse(body);
                JsonElement root = document.RootElement;
                if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("params", out JsonElement parameters) && parameters.ValueKind == JsonValueKind.Object)
                {
                    if (parameters.TryGetProperty("_meta", out JsonElement meta) && meta.ValueKind == JsonValueKind.Object
                        && meta.TryGetProperty(MetaVersion, out JsonElement version) && version.ValueKind == JsonValueKind.String)
                    {
                        return version.GetString();
                    }

                    initialize = root.TryGetProperty("method", out JsonElement method) && method.ValueEquals("initialize");
                    if (initialize && parameters.TryGetProperty("protocolVersion", out JsonElement asked) && asked.ValueKind == JsonValueKind.String)
                    {
                        requested = asked.GetString();
                    }
                }
            }
            catch (JsonException)
            {
            }
        }

        return Header(request.Headers, "MCP-Protocol-Version")
               ?? (initialize ? requested : null)
               ?? (_negotiated.TryGetValue(session, out string? negotiated) ? negotiated : null);
    }

    private void Register(string body, string session)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(body);
            JsonElement root = document.RootElement;
            foreach (JsonElement message in root.ValueKind == JsonValueKind.Array ? root.EnumerateArray() : Enumerable.Repeat(root, 1))
            {
                if (message.ValueKind == JsonValueKind.Object && message.TryGetProperty("method", out JsonElement method) && method.ValueKind == JsonValueKind.String
                    && message.TryGetProperty("id", out JsonElement id))
                {
                    string? tool = message.TryGetProperty("params", out JsonElement p) && p.ValueKind == JsonValueKind.Object
                        && p.TryGetProperty("name", out JsonElement n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
                    _pending[(session, id.GetRawText())] = (method.GetString()!, tool);
                }
            }
        }
        catch (JsonException)
        {
        }
    }

    private void Judge(string text, Exchange exchange)
    {
        JsonElement root;
        try
        {
            using JsonDocument document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 512 });
            root = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            Fail(new WireSchemaException(exchange.Revision ?? Oldest, "JSON", "not JSON: " + e.Message, text));
            return;
        }

        foreach (JsonElement message in root.ValueKind == JsonValueKind.Array ? root.EnumerateArray() : Enumerable.Repeat(root, 1))
        {
            JudgeMessage(message, exchange);
        }
    }

    private void JudgeMessage(JsonElement message, Exchange exchange)
    {
        string text = message.GetRawText();
        string revision = exchange.Revision ?? (_negotiated.TryGetValue(exchange.Session, out string? n) ? n : Oldest);
        if (message.ValueKind != JsonValueKind.Object)
        {
            Fail(new WireSchemaException(revision, "JSONRPCMessage", $"a {message.ValueKind}, not a JSON-RPC object", text));
            return;
        }

        if (message.TryGetProperty("method", out _))
        {
            bool isRequest = message.TryGetProperty("id", out _);
            Check(revision, isRequest ? "JSONRPCRequest" : "JSONRPCNotification", message, text);
            Check(revision, isRequest ? "ServerRequest" : "ServerNotification", message, text);
            Interlocked.Increment(ref _validated);
            return;
        }

        bool isError = message.TryGetProperty("error", out _);
        (string Method, string? Tool) answered = ("", null);
        bool known = message.TryGetProperty("id", out JsonElement id) && _pending.TryRemove((exchange.Session, id.GetRawText()), out answered);
        JsonElement result = default;
        bool hasResult = !isError && message.TryGetProperty("result", out result) && result.ValueKind == JsonValueKind.Object;
        if (known && answered.Method == "initialize" && hasResult && result.TryGetProperty("protocolVersion", out JsonElement negotiated) && negotiated.ValueKind == JsonValueKind.String)
        {
            revision = negotiated.GetString()!;
            _negotiated[exchange.Assigned ?? exchange.Session] = revision;
        }

        if (!_schemas.HasRevision(revision))
        {
            Fail(new WireSchemaException(revision, "(none)", $"there is no schema for revision '{revision}' in shared/spec", text));
            return;
        }

        if (isError && id.ValueKind == JsonValueKind.Null)
        {
            // JSON-RPC answers an undetectable id with null; only 2025-11-25 and later let the id be absent: judge the rest there.
            var copy = System.Text.Json.Nodes.JsonNode.Parse(text)!.AsObject();
            copy.Remove("id");
            Check("2025-11-25", "JSONRPCErrorResponse", JsonDocument.Parse(copy.ToJsonString()).RootElement, text);
        }
        else if (_schemas.Has(revision, "JSONRPCErrorResponse"))
        {
            Check(revision, isError ? "JSONRPCErrorResponse" : "JSONRPCResultResponse", message, text);
        }
        else
        {
            Check(revision, isError ? "JSONRPCError" : "JSONRPCResponse", message, text);
        }

        if (hasResult && known)
        {
            JudgeResult(revision, answered.Method, answered.Tool, result, text);
        }

        Interlocked.Increment(ref _validated);
    }

    private void JudgeResult(string revision, string method, string? tool, JsonElement result, string text)
    {
        string? definition = result.TryGetProperty("resultType", out JsonElement resultType) && resultType.ValueEquals("input_required") && _schemas.Has(revision, "InputRequiredResult")
            ? "InputRequiredResult"
            : method == "tools/call" && result.TryGetProperty("task", out _) && _schemas.Has(revision, "CreateTaskResult") ? "CreateTaskResult"
            : s_resultOf.GetValueOrDefault(method);
        if (definition is not null && _schemas.Has(revision, definition))
        {
            Check(revision, definition, result, text);
        }

        if (method == "tools/list" && result.TryGetProperty("tools", out JsonElement tools) && tools.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement listed in tools.EnumerateArray())
            {
                if (listed.TryGetProperty("name", out JsonElement name) && name.ValueKind == JsonValueKind.String)
                {
                    if (listed.TryGetProperty("outputSchema", out JsonElement schema) && schema.ValueKind == JsonValueKind.Object)
                    {
                        _outputSchemas[name.GetString()!] = schema.Clone();
                    }
                    else
                    {
                        _outputSchemas.TryRemove(name.GetString()!, out _);
                    }
                }
            }
        }

        if (method == "tools/call" && definition == "CallToolResult" && tool is not null && _outputSchemas.TryGetValue(tool, out JsonElement output)
            && !(result.TryGetProperty("isError", out JsonElement isError) && isError.ValueKind == JsonValueKind.True))
        {
            if (!result.TryGetProperty("structuredContent", out JsonElement structured))
            {
                Fail(new WireSchemaException(revision, $"outputSchema of {tool}", "a successful result of a tool with an outputSchema has no structuredContent (servers MUST provide it)", text));
                return;
            }

            if (_schemas.CheckAgainst(output, structured) is { } problem)
            {
                Fail(new WireSchemaException(revision, $"outputSchema of {tool}", "structuredContent " + problem, text));
                return;
            }

            Interlocked.Increment(ref _structured);
        }
    }

    private void Check(string revision, string definition, JsonElement instance, string text)
    {
        if (_schemas.Has(revision, definition) && _schemas.Check(revision, definition, instance) is { } problem)
        {
            Fail(new WireSchemaException(revision, definition, problem, text));
        }
    }

    private void Fail(WireSchemaException violation)
    {
        Interlocked.CompareExchange(ref _first, violation, null);
        throw violation;
    }

    private static string? Header(System.Net.Http.Headers.HttpHeaders headers, string name)
        => headers.TryGetValues(name, out IEnumerable<string>? values) ? values.FirstOrDefault() : null;
}

/// <summary>A read-through stream that parses the SSE events passing by (id, event and data lines) and reports each.</summary>
internal sealed class SseTap(Stream inner, Action<string?, string?, string> onEvent) : Stream
{
    private readonly List<byte> _line = [];
    private readonly StringBuilder _data = new();
    private string? _id;
    private string? _event;
    private bool _hasData;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count)
    {
        int read = inner.Read(buffer, offset, count);
        Feed(buffer.AsSpan(offset, read));
        return read;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int read = await inner.ReadAsync(buffer, cancellationToken);
        Feed(buffer.Span[..read]);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync();
        await base.DisposeAsync();
    }

    private void Feed(ReadOnlySpan<byte> bytes)
    {
        foreach (byte b in bytes)
        {
            if (b != (byte)'\n')
            {
                _line.Add(b);
                continue;
            }

            string line = Encoding.UTF8.GetString([.. _line]).TrimEnd('\r');
            _line.Clear();
            if (line.Length == 0)
            {
                string? id = _id, type = _event, data = _data.ToString();
                bool any = _id is not null || _hasData;
                _id = null;
                _event = null;
                _hasData = false;
                _data.Clear();
                if (any)
                {
                    onEvent(id, type, data);
                }
            }
            else if (line.StartsWith("id:", StringComparison.Ordinal))
            {
                _id = line[3..].TrimStart();
            }
            else if (line.StartsWith("event:", StringComparison.Ordinal))
            {
                _event = line[6..].TrimStart();
            }
            else if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                if (_hasData)
                {
                    _data.Append('\n');
                }

                _data.Append(line.AsSpan(line.Length > 5 && line[5] == ' ' ? 6 : 5));
                _hasData = true;
            }
        }
    }
}
