using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace McpGen.IntegrationTests;

/// <summary>
/// Raw Streamable HTTP for the session tests: builds requests with or without <c>Mcp-Session-Id</c>, initializes a
/// session, and reads JSON or SSE answers. One instance is one client (one optional authenticated user).
/// </summary>
internal sealed class RawSession : IDisposable
{
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);

    private readonly HttpClient _http;
    private int _nextId;

    public RawSession(Uri endpoint, string? user = null)
    {
        Endpoint = endpoint;
        // Streams are read with their own bounded waits (SseStream); the client-wide timeout only guards a hang.
        // A dropped stream must drop its connection at once (no draining of the rest for reuse): the tests kill
        // connections mid-stream on purpose.
        _http = new HttpClient(new SocketsHttpHandler { MaxResponseDrainSize = 0, ResponseDrainTimeout = TimeSpan.Zero }) { Timeout = TimeSpan.FromSeconds(30) };
        if (user is not null)
        {
            _http.DefaultRequestHeaders.Add(SessionHost.UserHeader, user);
        }
    }

    public Uri Endpoint { get; }

    public string? SessionId { get; set; }

    public string ProtocolVersion { get; private set; } = "2025-11-25";

    public int NextId() => Interlocked.Increment(ref _nextId);

    /// <summary>Runs <c>initialize</c> and <c>notifications/initialized</c>; returns the initialize result.</summary>
    public async Task<JsonElement> InitializeAsync(string version = "2025-11-25")
    {
        using HttpResponseMessage response = await SendAsync(Post(
            RequestJson(0, "initialize", new { protocolVersion = version, capabilities = new { }, clientInfo = new { name = "raw", version = "1" } }),
            withSession: false));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        SessionId = Assert.Single(response.Headers.GetValues("Mcp-Session-Id"));
        ProtocolVersion = version;
        JsonElement result = (await ReadResponseAsync(response)).GetProperty("result");
        Assert.Equal(version, result.GetProperty("protocolVersion").GetString());

        using HttpResponseMessage initialized = await SendAsync(Post("""{"jsonrpc":"2.0","method":"notifications/initialized"}"""));
        Assert.Equal(HttpStatusCode.Accepted, initialized.StatusCode);
        Assert.Empty(await initialized.Content.ReadAsByteArrayAsync());
        return result;
    }

    /// <summary>A POST of one JSON-RPC message, with the session id (unless told not to) and the negotiated version.</summary>
    public HttpRequestMessage Post(string json, bool withSession = true)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, Endpoint) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        AddSessionHeaders(request, withSession);
        return request;
    }

    /// <summary>A POST of a request with a fresh numeric id.</summary>
    public HttpRequestMessage Request(string method, object? parameters = null, bool withSession = true)
        => Post(RequestJson(NextId(), method, parameters), withSession);

    public static string RequestJson(object id, string method, object? parameters)
        => JsonSerializer.Serialize(new Dictionary<string, object?> { ["jsonrpc"] = "2.0", ["id"] = id, ["method"] = method, ["params"] = parameters ?? new { } });

    /// <summary>A GET for the session's stream (Accept: text/event-stream), optionally resuming after <paramref name="lastEventId"/>.</summary>
    public HttpRequestMessage Get(string? lastEventId = null, bool accept = true)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, Endpoint);
        if (accept)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        }

        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        AddSessionHeaders(request, withSession: true);
        return request;
    }

    public HttpRequestMessage Delete()
    {
        var request = new HttpRequestMessage(HttpMethod.Delete, Endpoint);
        AddSessionHeaders(request, withSession: true);
        return request;
    }

    /// <summary>Sends and returns as soon as the headers arrived (the body may be a stream still being written).</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken = default)
    {
        using (request)
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(Limit);
            return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, limit.Token);
        }
    }

    /// <summary>Sends a request and returns its JSON-RPC response (from JSON or the last event of an SSE stream) and the notifications before it.</summary>
    public async Task<(JsonElement Response, List<JsonElement> Notifications)> CallAsync(string method, object? parameters = null)
    {
        using HttpResponseMessage response = await SendAsync(Request(method, parameters));
        await AssertStatusAsync(response, HttpStatusCode.OK, method);
        if (response.Content.Headers.ContentType?.MediaType != "text/event-stream")
        {
            return (await ReadResponseAsync(response), []);
        }

        await using SseStream stream = await SseStream.OpenAsync(response);
        var notifications = new List<JsonElement>();
        while (await stream.NextMessageAsync() is { } message)
        {
            JsonElement json = message.Json;
            if (json.TryGetProperty("id", out _))
            {
                Assert.Null(await stream.NextAsync()); // the response ends the stream
                return (json, notifications);
            }

            notifications.Add(json);
        }

        throw new Xunit.Sdk.XunitException($"{method}: the SSE stream ended without a response after {notifications.Count} notifications.");
    }

    /// <summary>The result of a request that must succeed.</summary>
    public async Task<JsonElement> ResultAsync(string method, object? parameters = null)
    {
        (JsonElement response, _) = await CallAsync(method, parameters);
        Assert.True(response.TryGetProperty("result", out JsonElement result), response.ToString());
        return result;
    }

    public static async Task<JsonElement> ReadResponseAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    /// <summary>Asserts a status; only a failure reads the body (for the message), so a stream stays unread.</summary>
    public static async Task AssertStatusAsync(HttpResponseMessage response, HttpStatusCode status, string what)
    {
        if (response.StatusCode != status)
        {
            string body = await response.Content.ReadAsStringAsync().WaitAsync(Limit);
            Assert.Fail($"{what}: expected {(int)status}, got {(int)response.StatusCode}: {body}");
        }
    }

    /// <summary>Asserts an HTTP status with a JSON-RPC error body; returns the error's message.</summary>
    public static async Task<string> AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status, int code = -32600)
    {
        string body = await response.Content.ReadAsStringAsync().WaitAsync(Limit);
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        JsonElement error = JsonDocument.Parse(body).RootElement.GetProperty("error");
        Assert.Equal(code, error.GetProperty("code").GetInt32());
        return error.GetProperty("message").GetString()!;
    }

    private void AddSessionHeaders(HttpRequestMessage request, bool withSession)
    {
        if (withSession && SessionId is not null)
        {
            request.Headers.TryAddWithoutValidation("Mcp-Session-Id", SessionId);
            request.Headers.Add("MCP-Protocol-Version", ProtocolVersion);
        }
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>One server-sent event: its id, retry and data as received.</summary>
internal sealed record SseEvent(string? Id, string? Retry, string Data)
{
    public JsonElement Json => JsonDocument.Parse(Data).RootElement.Clone();

    /// <summary>The sequence number at the end of an event id <c>{digest}:{stream}:{seq}</c>.</summary>
    public long Sequence => long.Parse(Id![(Id!.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The stream part of the event id.</summary>
    public string Stream => Id!.Split(':')[1];

    public string? Method => Json.TryGetProperty("method", out JsonElement method) ? method.GetString() : null;
}

/// <summary>Reads an SSE response event by event, each read bounded in time; disposing it drops the connection.</summary>
internal sealed class SseStream : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;

    private SseStream(HttpResponseMessage response, Stream body)
    {
        _response = response;
        _reader = new StreamReader(body, Encoding.UTF8);
    }

    public HttpResponseMessage Response => _response;

    /// <summary>Every event read so far.</summary>
    public List<SseEvent> Events { get; } = [];

    public static async Task<SseStream> OpenAsync(HttpResponseMessage response)
    {
        await RawSession.AssertStatusAsync(response, HttpStatusCode.OK, "an event stream");
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        return new SseStream(response, await response.Content.ReadAsStreamAsync());
    }

    /// <summary>The next event (comments skipped), or <see langword="null"/> when the stream ended; fails after <paramref name="limit"/>.</summary>
    public async Task<SseEvent?> NextAsync(TimeSpan? limit = null)
    {
        using var timeout = new CancellationTokenSource(limit ?? RawSession.Limit);
        string? id = null, retry = null;
        var data = new StringBuilder();
        bool any = false;
        try
        {
            while (true)
            {
                string? line = await _reader.ReadLineAsync(timeout.Token);
                if (line is null)
                {
                    return null;
                }

                if (line.Length == 0)
                {
                    if (!any)
                    {
                        continue;
                    }

                    var item = new SseEvent(id, retry, data.ToString());
                    Events.Add(item);
                    return item;
                }

                if (line.StartsWith(':'))
                {
                    continue; // a comment (keep-alive)
                }

                any = true;
                int colon = line.IndexOf(':');
                string field = colon < 0 ? line : line[..colon];
                string value = colon < 0 ? "" : line[(colon + 1)..].TrimStart(' ');
                switch (field)
                {
                    case "id":
                        id = value;
                        break;
                    case "retry":
                        retry = value;
                        break;
                    case "data":
                        data.Append(data.Length > 0 ? "\n" : "").Append(value);
                        break;
                }
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new TimeoutException($"No complete SSE event within {limit ?? RawSession.Limit}; received so far: {string.Join(" | ", Events)}");
        }
    }

    /// <summary>The next event that carries a JSON-RPC message (priming events skipped), or <see langword="null"/> at the end.</summary>
    public async Task<SseEvent?> NextMessageAsync(TimeSpan? limit = null)
    {
        while (await NextAsync(limit) is { } item)
        {
            if (item.Data.Length > 0)
            {
                return item;
            }
        }

        return null;
    }

    /// <summary>
    /// Asserts that the stream ends (the server closed it) within <paramref name="limit"/> with no further message
    /// (a priming event, which carries no message, may come first).
    /// </summary>
    public async Task AssertEndsAsync(TimeSpan? limit = null)
    {
        SseEvent? next = await NextMessageAsync(limit);
        Assert.True(next is null, $"expected the stream to end, got {next}");
    }

    public ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _response.Dispose();
        return ValueTask.CompletedTask;
    }
}
