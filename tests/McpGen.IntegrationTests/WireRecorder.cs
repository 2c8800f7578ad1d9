using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;

namespace McpGen.IntegrationTests;

/// <summary>
/// An <see cref="HttpClient"/> handler that records, per MCP session, what crossed the wire for the official C# client:
/// the replica of every response (<c>X-McpGen-Replica</c>), statuses, the JSON-RPC requests sent, and every SSE event and
/// JSON response received (the event bodies are read through a tap as the client reads them). The C# client's twin of
/// the Wire class of tests/clients/ts/client.mjs; <see cref="SessionWire.Problems"/> makes the same checks. Everything
/// passes through a <see cref="SchemaValidatingHandler"/> on the way (every server message checked against its schema).
/// </summary>
internal sealed class WireRecorder() : DelegatingHandler(new SchemaValidatingHandler())
{
    private readonly ConcurrentDictionary<string, SessionWire> _sessions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _replicas = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<int, int> _statuses = new();
    private int _initializes;

    /// <summary>The wire record of a session (created on first use).</summary>
    public SessionWire this[string sessionId] => _sessions.GetOrAdd(sessionId, static _ => new SessionWire());

    /// <summary>Responses per replica so far, every session.</summary>
    public IReadOnlyDictionary<string, int> Replicas() => new Dictionary<string, int>(_replicas, StringComparer.Ordinal);

    /// <summary>initialize requests sent so far, every client.</summary>
    public int Initializes => Volatile.Read(ref _initializes);

    /// <summary>Responses per HTTP status so far, every session.</summary>
    public IReadOnlyDictionary<int, int> Statuses() => new Dictionary<int, int>(_statuses);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        string? body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        if (body is not null && body.Contains("\"initialize\"", StringComparison.Ordinal) && SessionWire.MethodOf(body) == "initialize")
        {
            Interlocked.Increment(ref _initializes);
        }

        HttpResponseMessage response = await base.SendAsync(request, cancellationToken);
        string replica = response.Headers.TryGetValues("X-McpGen-Replica", out IEnumerable<string>? values) ? values.First() : "?";
        _replicas.AddOrUpdate(replica, 1, static (_, n) => n + 1);
        _statuses.AddOrUpdate((int)response.StatusCode, 1, static (_, n) => n + 1);
        string? sessionId = Header(request.Headers, "Mcp-Session-Id") ?? Header(response.Headers, "Mcp-Session-Id");
        if (sessionId is null)
        {
            return response; // no session (yet): an initialize that failed
        }

        SessionWire wire = this[sessionId];
        if (body is not null)
        {
            wire.Request(body);
        }

        return await wire.ResponseAsync(request, response, replica, cancellationToken);
    }

    private static string? Header(System.Net.Http.Headers.HttpHeaders headers, string name)
        => headers.TryGetValues(name, out IEnumerable<string>? values) ? values.FirstOrDefault() : null;
}

/// <summary>
/// What one session's HTTP exchanges carried (see <see cref="WireRecorder"/>). SSE event ids of McpGen sessions are
/// <c>{session digest}:{stream}:{sequence}</c>; the standalone GET stream is <c>g</c>.
/// </summary>
internal sealed class SessionWire
{
    private readonly object _gate = new();
    private readonly Dictionary<string, int> _replicas = new(StringComparer.Ordinal);
    private readonly Dictionary<int, int> _statuses = [];
    private readonly Dictionary<string, (string Method, string? Name, string? ProgressToken)> _requests = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _responses = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<long>> _streams = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _streamReplica = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _streamOf = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, int>> _streamMethods = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _progress = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _notifications = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<(long Start, long End)>> _marks = new(StringComparer.Ordinal);
    private readonly List<int> _deletes = [];
    private readonly TaskCompletionSource _getOpen = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _gets, _resumed, _resumedElsewhere, _initializes, _events;

    /// <summary>Completes when the session's standalone GET stream answered 200.</summary>
    public Task GetOpen => _getOpen.Task;

    public int Resumed { get { lock (_gate) { return _resumed; } } }

    public int ResumedElsewhere { get { lock (_gate) { return _resumedElsewhere; } } }

    public int Events { get { lock (_gate) { return _events; } } }

    public int Initializes { get { lock (_gate) { return _initializes; } } }

    public IReadOnlyList<int> Deletes { get { lock (_gate) { return [.. _deletes]; } } }

    public IReadOnlyDictionary<string, int> Replicas { get { lock (_gate) { return new Dictionary<string, int>(_replicas, StringComparer.Ordinal); } } }

    public IReadOnlyDictionary<int, int> Statuses { get { lock (_gate) { return new Dictionary<int, int>(_statuses); } } }

    /// <summary>How many notifications of <paramref name="method"/> arrived on any stream of the session.</summary>
    public int Notifications(string method) { lock (_gate) { return _notifications.GetValueOrDefault(method); } }

    /// <summary>Start and end (Unix ms) of every step marked <paramref name="name"/>.</summary>
    public IReadOnlyList<(long Start, long End)> Marks(string name) { lock (_gate) { return _marks.TryGetValue(name, out var m) ? [.. m] : []; } }

    /// <summary>Runs <paramref name="step"/> and records its start and end (Unix ms) under <paramref name="name"/>.</summary>
    public async Task<T> MarkAsync<T>(string name, Func<Task<T>> step)
    {
        long start = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        T result = await step();
        long end = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        lock (_gate)
        {
            (_marks.TryGetValue(name, out var list) ? list : _marks[name] = []).Add((start, end));
        }

        return result;
    }

    /// <summary>The notifications/progress and notifications/message the wire carried for the last call of <paramref name="tool"/>.</summary>
    public (int Progress, int Logs) ForCall(string tool)
    {
        lock (_gate)
        {
            string? key = _requests.LastOrDefault(r => r.Value.Method == "tools/call" && r.Value.Name == tool).Key;
            if (key is null)
            {
                return (-1, -1);
            }

            (_, _, string? token) = _requests[key];
            int progress = token is null ? 0 : _progress.GetValueOrDefault(token);
            int logs = _streamOf.TryGetValue(key, out string? stream) && _streamMethods.TryGetValue(stream, out var methods) ? methods.GetValueOrDefault("notifications/message") : 0;
            return (progress, logs);
        }
    }

    /// <summary>
    /// Why the wire shows a lost or duplicated event (a stream's sequence numbers skip or repeat one), a request answered
    /// other than exactly once, a 5xx, or more or fewer replicas than the bounds; <see langword="null"/> when none of that.
    /// </summary>
    public string? Problems(int minReplicas = 1, int maxReplicas = int.MaxValue, int minResumed = 0)
    {
        var found = new List<string>();
        lock (_gate)
        {
            foreach ((string stream, List<long> seqs) in _streams)
            {
                if (seqs[0] is not (0 or 1))
                {
                    found.Add($"stream {stream} began at event {seqs[0]}");
                }

                for (int i = 1; i < seqs.Count; i++)
                {
                    if (seqs[i] != seqs[i - 1] + 1)
                    {
                        found.Add($"stream {stream}: event {seqs[i]} after {seqs[i - 1]}");
                    }
                }
            }

            foreach ((string id, (string method, string? name, _)) in _requests)
            {
                int answered = _responses.GetValueOrDefault(id);
                if (answered != 1)
                {
                    found.Add($"{method}{(name is null ? "" : " " + name)} (id {id}) answered {answered} times");
                }
            }

            found.AddRange(_statuses.Where(s => s.Key >= 500).Select(s => $"{s.Value} responses with status {s.Key}"));
            if (_replicas.Count < minReplicas || _replicas.Count > maxReplicas)
            {
                found.Add($"served by {_replicas.Count} replica(s) ({string.Join(", ", _replicas.Keys)}), expected {minReplicas} to {maxReplicas}");
            }

            if (_resumed < minResumed)
            {
                found.Add($"{_resumed} request streams resumed with Last-Event-ID, expected at least {minResumed}");
            }
        }

        return found.Count == 0 ? null : string.Join("; ", found);
    }

    /// <summary>The method of a JSON-RPC message, or <see langword="null"/>.</summary>
    internal static string? MethodOf(string body)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("method", out JsonElement m) ? m.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    internal void Request(string body)
    {
        JsonElement message;
        try
        {
            message = JsonDocument.Parse(body).RootElement;
        }
        catch (JsonException)
        {
            return;
        }

        if (message.ValueKind != JsonValueKind.Object || !message.TryGetProperty("method", out JsonElement method))
        {
            return;
        }

        lock (_gate)
        {
            if (method.GetString() == "initialize")
            {
                _initializes++;
            }

            if (message.TryGetProperty("id", out JsonElement id))
            {
                message.TryGetProperty("params", out JsonElement parameters);
                string? name = parameters.ValueKind == JsonValueKind.Object && parameters.TryGetProperty("name", out JsonElement n) ? n.GetString() : null;
                string? token = parameters.ValueKind == JsonValueKind.Object && parameters.TryGetProperty("_meta", out JsonElement meta)
                    && meta.TryGetProperty("progressToken", out JsonElement t) ? t.GetRawText() : null;
                _requests[id.GetRawText()] = (method.GetString()!, name, token);
            }
        }
    }

    internal async Task<HttpResponseMessage> ResponseAsync(HttpRequestMessage request, HttpResponseMessage response, string replica, CancellationToken cancellationToken)
    {
        string? lastEventId = request.Headers.TryGetValues("Last-Event-ID", out IEnumerable<string>? values) ? values.First() : null;
        lock (_gate)
        {
            _replicas[replica] = _replicas.GetValueOrDefault(replica) + 1;
            _statuses[(int)response.StatusCode] = _statuses.GetValueOrDefault((int)response.StatusCode) + 1;
            if (request.Method == HttpMethod.Delete)
            {
                _deletes.Add((int)response.StatusCode);
            }

            if (request.Method == HttpMethod.Get && response.IsSuccessStatusCode)
            {
                if (lastEventId is null)
                {
                    _gets++;
                    _getOpen.TrySetResult();
                }
                else if (TryParseEventId(lastEventId, out string stream, out _) && stream != "g")
                {
                    _resumed++;
                    if (_streamReplica.TryGetValue(stream, out string? began) && began != replica)
                    {
                        _resumedElsewhere++;
                    }
                }
            }
        }

        string? type = response.Content.Headers.ContentType?.MediaType;
        if (type == "application/json")
        {
            await response.Content.LoadIntoBufferAsync(cancellationToken);
            Message(await response.Content.ReadAsStringAsync(cancellationToken), null);
        }
        else if (type == "text/event-stream")
        {
            Stream inner = await response.Content.ReadAsStreamAsync(cancellationToken);
            var tapped = new StreamContent(new SseTap(inner, (id, _, data) => Event(id, data, replica)));
            foreach (KeyValuePair<string, IEnumerable<string>> header in response.Content.Headers)
            {
                tapped.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }

            response.Content = tapped;
        }

        return response;
    }

    private void Event(string? id, string data, string replica)
    {
        string? stream = null;
        lock (_gate)
        {
            _events++;
            if (id is not null && TryParseEventId(id, out string parsed, out long sequence))
            {
                stream = parsed;
                (_streams.TryGetValue(stream, out var seqs) ? seqs : _streams[stream] = []).Add(sequence);
                _streamReplica.TryAdd(stream, replica);
            }
        }

        if (data.Length > 0)
        {
            Message(data, stream);
        }
    }

    private void Message(string text, string? stream)
    {
        JsonElement message;
        try
        {
            message = JsonDocument.Parse(text).RootElement;
        }
        catch (JsonException)
        {
            return;
        }

        if (message.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        bool hasId = message.TryGetProperty("id", out JsonElement id);
        lock (_gate)
        {
            if (hasId && (message.TryGetProperty("result", out _) || message.TryGetProperty("error", out _)))
            {
                string key = id.GetRawText();
                _responses[key] = _responses.GetValueOrDefault(key) + 1;
                if (stream is not null)
                {
                    _streamOf[key] = stream;
                }
            }
            else if (!hasId && message.TryGetProperty("method", out JsonElement m) && m.GetString() is { } method)
            {
                _notifications[method] = _notifications.GetValueOrDefault(method) + 1;
                if (stream is not null)
                {
                    var counts = _streamMethods.TryGetValue(stream, out var c) ? c : _streamMethods[stream] = new(StringComparer.Ordinal);
                    counts[method] = counts.GetValueOrDefault(method) + 1;
                }

                if (method == "notifications/progress" && message.TryGetProperty("params", out JsonElement p) && p.TryGetProperty("progressToken", out JsonElement token))
                {
                    string key = token.GetRawText();
                    _progress[key] = _progress.GetValueOrDefault(key) + 1;
                }
            }
        }
    }

    /// <summary>Splits <c>{session digest}:{stream}:{sequence}</c>.</summary>
    private static bool TryParseEventId(string id, out string stream, out long sequence)
    {
        int first = id.IndexOf(':', StringComparison.Ordinal);
        int last = id.LastIndexOf(':');
        stream = first > 0 && last > first ? id[(first + 1)..last] : "";
        return long.TryParse(id.AsSpan(last + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out sequence) && stream.Length > 0;
    }
}
