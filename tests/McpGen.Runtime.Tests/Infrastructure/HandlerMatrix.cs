using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using McpGen;

namespace McpGen.Runtime.Tests.Infrastructure;

/// <summary>The handler kinds of an MCP server: each one a request method that runs user code.</summary>
public enum HandlerKind
{
    /// <summary><c>tools/call</c>.</summary>
    Tool,

    /// <summary><c>resources/read</c>.</summary>
    Resource,

    /// <summary><c>prompts/get</c>.</summary>
    Prompt,

    /// <summary><c>completion/complete</c>.</summary>
    Completion,
}

/// <summary>What one probe handler call saw and signals, looked up by the JSON-RPC id of its request.</summary>
internal sealed class ProbeCall
{
    /// <summary>The handler started (it is now waiting).</summary>
    public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The handler's token fired; the value says whether <see cref="McpRequestContext.RequestAborted"/> fired too.</summary>
    public TaskCompletionSource<bool> Cancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Lets the "steps" probe go on after its first event.</summary>
    public TaskCompletionSource FirstGate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Lets the "steps" probe go on after its second event.</summary>
    public TaskCompletionSource SecondGate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>
/// The handler matrix server: the same probes (plain C# over <see cref="McpRequestContext"/>) behind a tool, a resource, a
/// prompt and a completion, so every kind can be driven alike. Probe names: session, change, stream, ask, wait, steps.
/// </summary>
internal static class HandlerMatrix
{
    public const string Modern = McpTestHost.Modern;
    public const string Legacy = "2025-11-25";
    public const string Legacy0618 = "2025-06-18";

    /// <summary>How long a case waits for something that should happen at once (well above any real latency).</summary>
    public static readonly TimeSpan Soon = TimeSpan.FromSeconds(5);

    public static readonly string[] Eras = [Modern, Legacy, Legacy0618];
    public static readonly McpSessionMode[] Modes = [McpSessionMode.Stateless, McpSessionMode.Sticky, McpSessionMode.Store];
    public static readonly HandlerKind[] Kinds = [HandlerKind.Tool, HandlerKind.Resource, HandlerKind.Prompt, HandlerKind.Completion];

    private static readonly string[] ProbeNames = ["session", "change", "stream", "ask", "wait", "steps"];
    private static readonly ConcurrentDictionary<string, ProbeCall> Calls = new();
    private static int _nextId = 1000;

    private delegate Task<string> Probe(McpRequestContext request, IProgress<McpProgress> progress, CancellationToken cancellationToken);

    /// <summary>Every (kind, era, mode) cell whose kind, era and mode pass the filters.</summary>
    public static TheoryData<HandlerKind, string, McpSessionMode> Cells(
        Func<HandlerKind, bool>? kinds = null, Func<string, bool>? eras = null, Func<McpSessionMode, bool>? modes = null)
    {
        var data = new TheoryData<HandlerKind, string, McpSessionMode>();
        foreach (HandlerKind kind in Kinds.Where(k => kinds?.Invoke(k) ?? true))
        {
            foreach (string era in Eras.Where(e => eras?.Invoke(e) ?? true))
            {
                foreach (McpSessionMode mode in Modes.Where(m => modes?.Invoke(m) ?? true))
                {
                    data.Add(kind, era, mode);
                }
            }
        }

        return data;
    }

    /// <summary>A new, unique request id and the probe call registered under it.</summary>
    public static (string Id, ProbeCall Call) NewCall()
    {
        string id = Interlocked.Increment(ref _nextId).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return (id, Calls.GetOrAdd(id, _ => new ProbeCall()));
    }

    /// <summary>A new, unique request id.</summary>
    public static string NewId() => NewCall().Id;

    private static ProbeCall CallOf(McpRequestContext request) => Calls.GetOrAdd(request.RequestId, _ => new ProbeCall());

    /// <summary>The matrix server in <paramref name="mode"/>.</summary>
    public static FeatureServerDefinition Server(McpSessionMode mode)
    {
        const McpHandlerFeatures features = McpHandlerFeatures.RequestContext | McpHandlerFeatures.Progress;
        var completions = new Dictionary<(bool, string, string), McpCompletionHandler>();
        foreach (string name in ProbeNames)
        {
            Probe probe = ProbeFor(name);
            completions[(true, name, "a")] = async (context, _, cancellationToken) =>
                [await probe(context.Request, new RequestProgress(context.Request), cancellationToken)];
        }

        return new FeatureServerDefinition(
            [.. ProbeNames.Select(name => TestTools.Tool(name, async ctx => ctx.WriteText(await ProbeFor(name)(ctx.Request, ctx.Progress, ctx.CancellationToken)), features))],
            [.. ProbeNames.Select(name => FeatureServers.Resource(ResourceUri(name),
                async ctx => ctx.WriteResourceText(await ProbeFor(name)(ctx.Request, ctx.Progress, ctx.CancellationToken), "text/plain"), features: features))],
            [.. ProbeNames.Select(name => FeatureServers.Prompt(name,
                async ctx => ctx.WritePromptText(await ProbeFor(name)(ctx.Request, ctx.Progress, ctx.CancellationToken)), features: features))],
            completions,
            mode);
    }

    /// <summary>Three hosts of the matrix server on real Kestrel sockets: stateless, sticky, store (in-memory store).</summary>
    public static async Task<Dictionary<McpSessionMode, McpTestHost>> StartHostsAsync()
    {
        var hosts = new Dictionary<McpSessionMode, McpTestHost>();
        foreach (McpSessionMode mode in Modes)
        {
            hosts[mode] = await McpTestHost.StartAsync(Server(mode), kestrel: true);
        }

        return hosts;
    }

    public static string ResourceUri(string probe) => "test://matrix/" + probe;

    private static Probe ProbeFor(string name) => name switch
    {
        "session" => (request, _, _) => Task.FromResult("session=" + (request.SessionId ?? "null")),
        "change" => Change,
        "stream" => Stream,
        "ask" => Ask,
        "wait" => Wait,
        "steps" => Steps,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Unknown probe."),
    };

    private static async Task<string> Change(McpRequestContext request, IProgress<McpProgress> progress, CancellationToken cancellationToken)
    {
        try
        {
            await request.Changes.NotifyToolsListChangedAsync(cancellationToken);
            return "changed";
        }
        catch (InvalidOperationException ex)
        {
            return "Changes failed: " + ex.Message;
        }
    }

    /// <summary>Progress 1, a debug and an info message, progress 2 (a completion reports through its request context).</summary>
    private static async Task<string> Stream(McpRequestContext request, IProgress<McpProgress> progress, CancellationToken cancellationToken)
    {
        progress.Report(new McpProgress(1, 2, "one"));
        request.Log(McpLogLevel.Debug, "debug-line");
        request.Log(McpLogLevel.Info, "info-line", "matrix");
        await Task.Yield();
        progress.Report(new McpProgress(2, 2, "two"));
        return "streamed";
    }

    /// <summary>Elicitation, sampling and roots, asked together under the keys who, llm and roots.</summary>
    private static async Task<string> Ask(McpRequestContext request, IProgress<McpProgress> progress, CancellationToken cancellationToken)
    {
        Task<ElicitResult<NameForm>> name = request.ElicitAsync<NameForm>("Who?", "who", cancellationToken);
        Task<CreateMessageResult> sample = request.SampleAsync(CreateMessageRequest.FromPrompt("Say hi", 10), "llm", cancellationToken);
        Task<IReadOnlyList<McpRoot>> roots = request.ListRootsAsync("roots", cancellationToken);
        await Task.WhenAll(name, sample, roots);
        return $"{(await name).Content?.Name}|{(await sample).Text}|{(await roots)[0].Uri}";
    }

    /// <summary>Signals <see cref="ProbeCall.Started"/>, then waits until its token fires.</summary>
    private static async Task<string> Wait(McpRequestContext request, IProgress<McpProgress> progress, CancellationToken cancellationToken)
    {
        ProbeCall call = CallOf(request);
        call.Started.TrySetResult();
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            call.Cancelled.TrySetResult(request.RequestAborted.IsCancellationRequested);
            throw;
        }

        return "not cancelled";
    }

    /// <summary>Progress 1, (first gate) progress 2, (second gate) progress 3 and 4: four events with pauses the test controls.</summary>
    private static async Task<string> Steps(McpRequestContext request, IProgress<McpProgress> progress, CancellationToken cancellationToken)
    {
        ProbeCall call = CallOf(request);
        progress.Report(new McpProgress(1, 4));
        await call.FirstGate.Task.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
        progress.Report(new McpProgress(2, 4));
        await call.SecondGate.Task.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
        progress.Report(new McpProgress(3, 4));
        progress.Report(new McpProgress(4, 4));
        return "stepped";
    }

    /// <summary>What a completion handler can do for progress: report through its request context.</summary>
    private sealed class RequestProgress(McpRequestContext request) : IProgress<McpProgress>
    {
        public void Report(McpProgress value) => request.ReportProgress(value);
    }

    /// <summary>The text a probe returned, from a response message (failing with the message when it is an error).</summary>
    public static string Text(HandlerKind kind, JsonElement message)
    {
        Assert.False(message.TryGetProperty("error", out _), "Expected a result, got: " + message.GetRawText());
        JsonElement result = message.GetProperty("result");
        return kind switch
        {
            HandlerKind.Tool => result.GetProperty("content")[0].GetProperty("text").GetString()!,
            HandlerKind.Resource => result.GetProperty("contents")[0].GetProperty("text").GetString()!,
            HandlerKind.Prompt => result.GetProperty("messages")[0].GetProperty("content").GetProperty("text").GetString()!,
            _ => result.GetProperty("completion").GetProperty("values")[0].GetString()!,
        };
    }
}

/// <summary>
/// One client of the matrix server in one era: 2026-07-28 (stateless, _meta on every request) or an initialize-era
/// client, with a session on sticky and store servers.
/// </summary>
internal sealed class MatrixClient
{
    private readonly McpTestHost _host;

    private MatrixClient(McpTestHost host, string era, McpSessionMode mode, string? sessionId)
    {
        _host = host;
        Era = era;
        Mode = mode;
        SessionId = sessionId;
    }

    public string Era { get; }

    public McpSessionMode Mode { get; }

    public bool IsModern => Era == HandlerMatrix.Modern;

    /// <summary>The session (initialize-era clients of sticky and store servers).</summary>
    public string? SessionId { get; }

    public bool HasSession => SessionId is not null;

    /// <summary>Connects: initialize (declaring elicitation, sampling and roots) for an initialize-era client of a server with sessions.</summary>
    public static async Task<MatrixClient> ConnectAsync(McpTestHost host, string era, McpSessionMode mode, CancellationToken cancellationToken)
    {
        if (era == HandlerMatrix.Modern || mode == McpSessionMode.Stateless)
        {
            return new MatrixClient(host, era, mode, null);
        }

        string initialize = "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"" + era
            + "\",\"capabilities\":" + ClientInputServers.AllCapabilities + ",\"clientInfo\":{\"name\":\"matrix\",\"version\":\"1\"}}}";
        using HttpResponseMessage initialized = await host.Client.SendAsync(McpTestHost.Post(initialize), cancellationToken);
        Assert.Equal(200, (int)initialized.StatusCode);
        var client = new MatrixClient(host, era, mode, initialized.Headers.GetValues("Mcp-Session-Id").Single());
        using HttpResponseMessage notified = await host.Client.SendAsync(client.Message("""{"jsonrpc":"2.0","method":"notifications/initialized"}"""), cancellationToken);
        Assert.Equal(202, (int)notified.StatusCode);
        return client;
    }

    /// <summary>
    /// The request that runs <paramref name="probe"/> as <paramref name="kind"/>. <paramref name="progressToken"/> is raw JSON;
    /// <paramref name="logLevel"/> is the 2026-07-28 <c>_meta</c> log level.
    /// </summary>
    public HttpRequestMessage Request(HandlerKind kind, string probe, string id, string? progressToken = null, string? logLevel = null,
        string? inputResponses = null, string? requestState = null)
    {
        (string method, string members, string? name) = kind switch
        {
            HandlerKind.Tool => ("tools/call", $"\"name\":\"{probe}\",\"arguments\":{{}}", probe),
            HandlerKind.Resource => ("resources/read", $"\"uri\":\"{HandlerMatrix.ResourceUri(probe)}\"", HandlerMatrix.ResourceUri(probe)),
            HandlerKind.Prompt => ("prompts/get", $"\"name\":\"{probe}\"", probe),
            _ => ("completion/complete", $"\"ref\":{{\"type\":\"ref/prompt\",\"name\":\"{probe}\"}},\"argument\":{{\"name\":\"a\",\"value\":\"\"}}", (string?)null),
        };
        if (inputResponses is not null)
        {
            members += ",\"inputResponses\":" + inputResponses;
        }

        if (requestState is not null)
        {
            members += ",\"requestState\":" + JsonSerializer.Serialize(requestState);
        }

        var meta = new List<string>();
        if (IsModern)
        {
            meta.Add("\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\"");
            meta.Add("\"io.modelcontextprotocol/clientInfo\":{\"name\":\"matrix\",\"version\":\"1\"}");
            meta.Add("\"io.modelcontextprotocol/clientCapabilities\":" + ClientInputServers.AllCapabilities);
            if (logLevel is not null)
            {
                meta.Add($"\"io.modelcontextprotocol/logLevel\":\"{logLevel}\"");
            }
        }

        if (progressToken is not null)
        {
            meta.Add("\"progressToken\":" + progressToken);
        }

        if (meta.Count > 0)
        {
            members += ",\"_meta\":{" + string.Join(",", meta) + "}";
        }

        string body = $"{{\"jsonrpc\":\"2.0\",\"id\":{id},\"method\":\"{method}\",\"params\":{{{members}}}}}";
        if (!IsModern)
        {
            return Message(body);
        }

        HttpRequestMessage request = McpTestHost.Post(body, ("MCP-Protocol-Version", HandlerMatrix.Modern), ("Mcp-Method", method));
        if (name is not null)
        {
            request.Headers.TryAddWithoutValidation("Mcp-Name", name);
        }

        return request;
    }

    /// <summary>An initialize-era POST of any message (a request, a notification, a response) with the era's headers and the session.</summary>
    public HttpRequestMessage Message(string json)
    {
        HttpRequestMessage request = McpTestHost.Post(json, ("MCP-Protocol-Version", Era));
        if (SessionId is not null)
        {
            request.Headers.TryAddWithoutValidation("Mcp-Session-Id", SessionId);
        }

        return request;
    }

    /// <summary>The session's GET stream, resumed after <paramref name="lastEventId"/> when given.</summary>
    public HttpRequestMessage Get(string? lastEventId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/mcp");
        request.Headers.TryAddWithoutValidation("Accept", "text/event-stream");
        request.Headers.TryAddWithoutValidation("MCP-Protocol-Version", Era);
        request.Headers.TryAddWithoutValidation("Mcp-Session-Id", SessionId);
        if (lastEventId is not null)
        {
            request.Headers.TryAddWithoutValidation("Last-Event-ID", lastEventId);
        }

        return request;
    }

    /// <summary>A 2026-07-28 subscriptions/listen stream for list changes, read up to its acknowledgement.</summary>
    public static async Task<(HttpResponseMessage Response, StreamReader Events)> ListenAsync(McpTestHost host, CancellationToken cancellationToken)
    {
        string body = McpTestHost.ModernBody("subscriptions/listen",
            "\"notifications\":{\"toolsListChanged\":true,\"promptsListChanged\":true,\"resourcesListChanged\":true}", id: "\"listen\"");
        HttpResponseMessage response = await host.Client.SendAsync(
            McpTestHost.Post(body, ("MCP-Protocol-Version", HandlerMatrix.Modern), ("Mcp-Method", "subscriptions/listen")),
            HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        Assert.Equal(200, (int)response.StatusCode);
        var events = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken), Encoding.UTF8);
        JsonElement ack = await SseReader.NextMessageAsync(events, cancellationToken);
        Assert.Equal("notifications/subscriptions/acknowledged", ack.GetProperty("method").GetString());
        return (response, events);
    }

    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        => _host.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);

    /// <summary>Sends and reads the whole response: its media type, its SSE events (none for JSON), and the JSON-RPC response.</summary>
    public async Task<MatrixResponse> CallAsync(HttpRequestMessage request, string id, CancellationToken cancellationToken)
    {
        using HttpResponseMessage response = await SendAsync(request, cancellationToken);
        return await MatrixResponse.ReadAsync(response, id, cancellationToken);
    }
}

/// <summary>A response read to its end; <paramref name="Id"/> is the raw JSON id of the request it answers.</summary>
internal sealed record MatrixResponse(int Status, string? MediaType, IReadOnlyList<SseEvent> Events, JsonElement? Final, string Id)
{
    /// <summary>The events before the response (notifications and requests), priming events excluded.</summary>
    public IEnumerable<SseEvent> Messages => Events.Where(e => !e.IsPriming && !IsFinal(e, Id));

    public JsonElement Response => Final ?? throw new Xunit.Sdk.XunitException(
        $"No JSON-RPC response: HTTP {Status} {MediaType}, events: {string.Join(" | ", Events.Select(e => e.Data))}");

    /// <summary>The response to request <paramref name="id"/>: a message with that id and a result or an error.</summary>
    public static bool IsFinal(SseEvent e, string id)
    {
        if (e.Data.Length == 0)
        {
            return false;
        }

        JsonElement json = e.Json;
        return json.TryGetProperty("id", out JsonElement value) && value.GetRawText() == id
            && (json.TryGetProperty("result", out _) || json.TryGetProperty("error", out _));
    }

    public static async Task<MatrixResponse> ReadAsync(HttpResponseMessage response, string id, CancellationToken cancellationToken)
    {
        string? mediaType = response.Content.Headers.ContentType?.MediaType;
        if (mediaType != "text/event-stream")
        {
            string text = await response.Content.ReadAsStringAsync(cancellationToken);
            JsonElement? json = text.Length == 0 ? null : JsonDocument.Parse(text).RootElement.Clone();
            return new MatrixResponse((int)response.StatusCode, mediaType, [], json, id);
        }

        var events = new List<SseEvent>();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken), Encoding.UTF8);
        while (await SseReader.NextEventAsync(reader, cancellationToken) is { } e)
        {
            events.Add(e);
        }

        SseEvent? final = events.Where(e => IsFinal(e, id)).Cast<SseEvent?>().LastOrDefault();
        return new MatrixResponse((int)response.StatusCode, mediaType, events, final?.Json, id);
    }
}

/// <summary>Cancels (then disposes) its source when disposed: a request still running when a case fails is aborted.</summary>
internal sealed class CallAbort : IDisposable
{
    public CancellationTokenSource Source { get; } = new();

    public CancellationToken Token => Source.Token;

    public void Dispose()
    {
        Source.Cancel();
        Source.Dispose();
    }
}
