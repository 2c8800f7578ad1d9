using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace McpGen.Fuzz;

/// <summary>What to fuzz and for how long.</summary>
public sealed class FuzzOptions
{
    /// <summary>The MCP endpoint (http://127.0.0.1:PORT/mcp). Leave null to start samples/Everything (<see cref="Everything"/>).</summary>
    public Uri? Url { get; set; }

    public string Mode { get; set; } = "stateless";

    public long Requests { get; set; } = 2000;

    public int Seed { get; set; } = 1;

    public int Concurrency { get; set; } = 4;

    /// <summary>The longest a request may take to be answered (stalled bodies get twice as long: the server must time them out).</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long an open event stream (GET, subscriptions/listen) is read before the fuzzer hangs up.</summary>
    public TimeSpan StreamRead { get; set; } = TimeSpan.FromMilliseconds(600);

    /// <summary>Stop after this long even if fewer requests were sent.</summary>
    public TimeSpan? Duration { get; set; }

    /// <summary>Everything.dll to start when <see cref="Url"/> is null (default: found above the current directory).</summary>
    public string? Everything { get; set; }

    /// <summary>For store mode: the PostgreSQL connection string (else the store is in memory).</summary>
    public string? Postgres { get; set; }

    public string? PostgresSchema { get; set; }

    /// <summary>../shared/spec (default: found above the current directory).</summary>
    public string? SpecDirectory { get; set; }

    /// <summary>Minimize one example per class at the end.</summary>
    public bool Minimize { get; set; } = true;

    /// <summary>Progress lines go here (null: quiet).</summary>
    public Action<string>? Progress { get; set; }
}

/// <summary>The findings of one class: how often, and the smallest example (minimized when asked).</summary>
public sealed class FindingClass(string name)
{
    public string Name { get; } = name;

    public long Count;

    public string Example { get; set; } = "";

    public string Detail { get; set; } = "";

    public int ExampleSize { get; set; } = int.MaxValue;

    internal CaseRecipe? Recipe { get; set; }
}

/// <summary>How to rebuild a case: the base, the session slot and the mutations (replayed for minimization).</summary>
internal sealed record CaseRecipe(CorpusEntry Entry, int SessionSlot, long Index, List<AppliedMutation> Mutations, int BaseSeed);

/// <summary>The outcome of a run.</summary>
public sealed class FuzzReport
{
    public required string Mode { get; init; }

    public long Requests { get; set; }

    public TimeSpan Elapsed { get; set; }

    public List<FindingClass> Classes { get; } = [];

    public long Findings => Classes.Sum(c => c.Count);

    public long? ResidentStartBytes { get; set; }

    public long? ResidentEndBytes { get; set; }

    public Dictionary<int, long> Statuses { get; } = [];

    public string Summary
        => $"fuzz {Mode}: {Requests} requests in {Elapsed.TotalSeconds:F1} s, {Findings} findings in {Classes.Count} classes"
           + (ResidentStartBytes is { } s && ResidentEndBytes is { } e ? $", server RSS {s / 1048576} MB -> {e / 1048576} MB" : "")
           + $"; statuses {string.Join(" ", Statuses.OrderBy(p => p.Key).Select(p => $"{p.Key}:{p.Value}"))}";

    public string Describe()
    {
        var text = new StringBuilder();
        foreach (FindingClass finding in Classes.OrderByDescending(c => c.Count))
        {
            text.AppendLine($"== {finding.Count} x {finding.Name}");
            text.AppendLine($"   {finding.Detail}");
            text.AppendLine("   " + finding.Example.Replace("\n", "\n   ", StringComparison.Ordinal));
        }

        text.AppendLine(Summary);
        return text.ToString();
    }
}

/// <summary>
/// The fuzzer: a seeded stream of cases (valid corpus requests of every era plus one to four mutations), sent over raw
/// sockets by a few workers to one endpoint, each answer judged by the <see cref="Oracle"/>, the server's Error/Critical
/// log attributed to the request it belongs to, findings grouped by class with the smallest example of each (then
/// minimized by dropping mutations while the class still reproduces). Case <c>i</c> depends only on the seed and
/// <c>i</c>, so a run is reproducible.
/// </summary>
public sealed partial class Fuzzer
{
    private readonly FuzzOptions _options;
    private readonly ConcurrentDictionary<string, FindingClass> _classes = new();
    private readonly ConcurrentDictionary<long, (CaseRecipe Recipe, string Text)> _recent = new();
    private readonly ConcurrentDictionary<int, long> _statuses = new();
    private Oracle _oracle = null!;
    private EverythingProcess? _server;
    private int _port;
    private List<FuzzSession> _sessions = [];

    public Fuzzer(FuzzOptions options) => _options = options;

    public static async Task<FuzzReport> RunAsync(FuzzOptions options, CancellationToken cancel = default)
        => await new Fuzzer(options).RunCoreAsync(cancel);

    private async Task<FuzzReport> RunCoreAsync(CancellationToken cancel)
    {
        SpecSchemas schemas = SpecSchemas.Shared(_options.SpecDirectory);
        _oracle = new Oracle(schemas, _options.Mode);
        if (_options.Url is null)
        {
            _server = await EverythingProcess.StartAsync(EverythingProcess.FindDll(_options.Everything), _options.Mode, _options.Postgres, _options.PostgresSchema, TimeSpan.FromSeconds(60));
            _port = _server.Port;
        }
        else
        {
            _port = _options.Url.Port;
        }

        var report = new FuzzReport { Mode = _options.Mode };
        try
        {
            _sessions = await CreateSessionsAsync(cancel);
            var clock = Stopwatch.StartNew();
            long next = -1;
            long done = 0;
            bool baselineTaken = false;
            async Task Worker()
            {
                while (!cancel.IsCancellationRequested)
                {
                    long index = Interlocked.Increment(ref next);
                    if (index >= _options.Requests || (_options.Duration is { } d && clock.Elapsed > d))
                    {
                        return;
                    }

                    await RunCaseAsync(index, cancel);
                    long count = Interlocked.Increment(ref done);
                    if (count == Math.Min(200, _options.Requests / 2) && _server is not null && !baselineTaken)
                    {
                        baselineTaken = true;
                        report.ResidentStartBytes = _server.ResidentBytes;
                    }

                    if (count % 5000 == 0)
                    {
                        _options.Progress?.Invoke($"{count} requests, {_classes.Count} classes, {_classes.Values.Sum(c => c.Count)} findings, {clock.Elapsed.TotalSeconds:F0} s");
                        AttributeLogs();
                    }

                    if (_server is { HasExited: true })
                    {
                        return;
                    }
                }
            }

            await Task.WhenAll(Enumerable.Range(0, Math.Max(1, _options.Concurrency)).Select(_ => Task.Run(Worker, cancel)));
            report.Requests = Math.Min(Interlocked.Read(ref done), _options.Requests);

            // The process stays up and healthy, and every log line has arrived.
            if (_server is not null)
            {
                if (_server.HasExited)
                {
                    Record("server process exited", $"exit code {_server.ExitCode}", _server.Tail, 0, null);
                }
                else if (!await _server.IsHealthyAsync())
                {
                    Record("server stopped answering /healthz", "", _server.Tail, 0, null);
                }

                await Task.Delay(500, cancel);
                AttributeLogs();
                await Task.Delay(1500, cancel);
                report.ResidentEndBytes = _server.ResidentBytes;
                if (report.ResidentStartBytes is { } start && report.ResidentEndBytes is { } end && end > Math.Max(start * 3, start + (512L << 20)))
                {
                    Record("server memory does not return to baseline", $"RSS {start >> 20} MB after warm-up, {end >> 20} MB after the run", "", 0, null);
                }
            }

            report.Elapsed = clock.Elapsed;
            if (_options.Minimize)
            {
                await MinimizeAsync(cancel);
            }

            report.Classes.AddRange(_classes.Values);
            foreach ((int status, long count) in _statuses)
            {
                report.Statuses[status] = count;
            }

            return report;
        }
        finally
        {
            if (_server is not null)
            {
                await _server.DisposeAsync();
            }
        }
    }

    private async Task<List<FuzzSession>> CreateSessionsAsync(CancellationToken cancel)
    {
        var sessions = new List<FuzzSession>();
        foreach (string version in Corpus.LegacyVersions)
        {
            for (int i = 0; i < 2; i++)
            {
                sessions.Add(await InitializeAsync(version, cancel));
            }
        }

        return sessions;
    }

    /// <summary>An initialize handshake (and notifications/initialized) at <paramref name="version"/>; stateless servers give no id.</summary>
    private async Task<FuzzSession> InitializeAsync(string version, CancellationToken cancel)
    {
        string body = $$$$"""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"{{{{version}}}}","capabilities":{"elicitation":{},"sampling":{},"roots":{}},"clientInfo":{"name":"fuzz","version":"1.0"}}}""";
        byte[] head = Encoding.ASCII.GetBytes($"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:{_port}\r\nAccept: application/json, text/event-stream\r\nContent-Type: application/json\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\nConnection: close\r\n\r\n");
        RawResponse response = await RawHttp.SendAsync(_port, head, Encoding.UTF8.GetBytes(body), Framing.Normal, _options.RequestTimeout, _options.RequestTimeout, cancel);
        if (response.Status != 200)
        {
            throw new InvalidOperationException($"initialize at {version} answered {response.StatusLine}: {Oracle.Preview(response.Body)}");
        }

        string negotiated = NegotiatedVersion().Match(Encoding.UTF8.GetString(response.Body)) is { Success: true } m ? m.Groups[1].Value : version;
        string? id = response.Header("Mcp-Session-Id");
        if (id is not null)
        {
            string initialized = """{"jsonrpc":"2.0","method":"notifications/initialized"}""";
            byte[] head2 = Encoding.ASCII.GetBytes($"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:{_port}\r\nAccept: application/json, text/event-stream\r\nContent-Type: application/json\r\nMcp-Session-Id: {id}\r\nMCP-Protocol-Version: {negotiated}\r\nContent-Length: {initialized.Length}\r\nConnection: close\r\n\r\n");
            await RawHttp.SendAsync(_port, head2, Encoding.ASCII.GetBytes(initialized), Framing.Normal, _options.RequestTimeout, _options.RequestTimeout, cancel);
        }

        return new FuzzSession(id, negotiated);
    }

    [GeneratedRegex("\"protocolVersion\":\"([0-9-]+)\"")]
    private static partial Regex NegotiatedVersion();

    private CaseRecipe Plan(long index)
    {
        int baseSeed = HashCode.Combine(_options.Seed, index);
        var random = new Random(baseSeed);
        CorpusEntry entry = Corpus.Pick(random);

        // One case in ten goes unmutated: the valid requests themselves must pass the oracle.
        List<AppliedMutation> mutations = random.Next(10) == 0 ? [] : Mutators.Choose(random);
        return new CaseRecipe(entry, random.Next(_sessions.Count), index, mutations, baseSeed);
    }

    private FuzzCase Build(CaseRecipe recipe, IEnumerable<AppliedMutation> mutations)
    {
        var random = new Random(recipe.BaseSeed ^ 0x5bd1e995);
        FuzzCase fuzzCase = Corpus.Create(recipe.Entry, _sessions[recipe.SessionSlot], _port, recipe.Index, random);
        Mutators.Apply(fuzzCase, mutations);
        return fuzzCase;
    }

    private async Task RunCaseAsync(long index, CancellationToken cancel)
    {
        CaseRecipe recipe = Plan(index);
        if (recipe.Entry.HttpMethod == "DELETE" && recipe.Mutations.Count == 0)
        {
            // An unmutated DELETE would end a shared session: end a session of its own instead.
            return;
        }

        (FuzzCase fuzzCase, RawResponse response, List<Violation> violations) = await ExecuteAsync(recipe, recipe.Mutations, cancel);
        _statuses.AddOrUpdate(response.TimedOut ? -2 : response.NoAnswer ? -1 : response.Status, 1, (_, n) => n + 1);
        string text = fuzzCase.Describe(_port);
        _recent[index] = (recipe, text);
        if (index >= 20_000)
        {
            _recent.TryRemove(index - 20_000, out _);
        }

        foreach (Violation violation in violations)
        {
            Record(violation.Class, violation.Detail, text, text.Length, recipe);
        }

        // A session ended by a mutated DELETE (or lost) is replaced, so later cases keep reaching a live session.
        if (fuzzCase.HttpMethod == "DELETE" && response.Status is >= 200 and < 300 && fuzzCase.Session is { Id: not null } ended)
        {
            int slot = _sessions.IndexOf(ended);
            if (slot >= 0)
            {
                _sessions[slot] = await InitializeAsync(ended.Version, cancel);
            }
        }
    }

    private async Task<(FuzzCase Case, RawResponse Response, List<Violation> Violations)> ExecuteAsync(CaseRecipe recipe, IEnumerable<AppliedMutation> mutations, CancellationToken cancel)
    {
        FuzzCase fuzzCase = Build(recipe, mutations);
        (byte[] head, byte[] body) = fuzzCase.Render(_port);
        bool openStream = fuzzCase.HttpMethod == "GET" || recipe.Entry.Name.Contains("subscriptions/listen", StringComparison.Ordinal);
        TimeSpan timeout = fuzzCase.Framing == Framing.StallMidBody || fuzzCase.BodyFraming is BodyFraming.LengthTooLarge or BodyFraming.ChunkedNoTerminator or BodyFraming.ChunkedSizeTooLarge
            ? _options.RequestTimeout * 2
            : _options.RequestTimeout;
        RawResponse response = await RawHttp.SendAsync(_port, head, body, fuzzCase.Framing, timeout, openStream ? _options.StreamRead : timeout, cancel);
        return (fuzzCase, response, _oracle.Judge(fuzzCase, response));
    }

    private void Record(string name, string detail, string example, int size, CaseRecipe? recipe)
    {
        FindingClass finding = _classes.GetOrAdd(name, n => new FindingClass(n));
        Interlocked.Increment(ref finding.Count);
        lock (finding)
        {
            if (size < finding.ExampleSize)
            {
                finding.ExampleSize = size;
                finding.Example = example;
                finding.Detail = detail;
                finding.Recipe = recipe;
            }
        }
    }

    /// <summary>Turns the server's Error/Critical lines into findings: client mistakes must never log an Error.</summary>
    private void AttributeLogs()
    {
        if (_server is null)
        {
            return;
        }

        foreach (ServerLogRecord record in _server.DrainErrors())
        {
            string name = $"server logged {record.Level} for client input: {LogClass(record)}";
            if (record.FuzzId is { } id && _recent.TryGetValue(id, out var known))
            {
                Record(name, Short(record.Message), known.Text, known.Text.Length, known.Recipe);
            }
            else
            {
                Record(name, Short(record.Message), "(no request attributed)", int.MaxValue - 1, null);
            }
        }
    }

    private static string LogClass(ServerLogRecord record)
    {
        string exception = record.Exception is { } e ? FirstFrames(e) : "";
        string message = Digits().Replace(record.Message.Split('\n')[0], "#");
        message = Quoted().Replace(message, "'…'");
        return $"{record.Category}: {(message.Length > 120 ? message[..120] : message)}{(exception.Length > 0 ? " | " + exception : "")}";
    }

    private static string FirstFrames(string exception)
    {
        string[] lines = exception.Split('\n');
        string type = lines[0].Split(':')[0].Trim();
        string? frame = lines.Skip(1).Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("at McpGen", StringComparison.Ordinal) || l.StartsWith("at Everything", StringComparison.Ordinal));
        if (frame is not null)
        {
            int paren = frame.IndexOf('(');
            frame = paren > 0 ? frame[..paren] : frame;
        }

        return type + (frame is null ? "" : " " + frame);
    }

    private static string Short(string text) => text.Length > 300 ? text[..300] + "…" : text;

    [GeneratedRegex("\\d+")]
    private static partial Regex Digits();

    [GeneratedRegex("'[^']*'|\"[^\"]*\"")]
    private static partial Regex Quoted();

    /// <summary>Drops mutations from each class's example one at a time while the class still reproduces.</summary>
    private async Task MinimizeAsync(CancellationToken cancel)
    {
        foreach (FindingClass finding in _classes.Values)
        {
            if (finding.Recipe is not { } recipe || finding.Name.StartsWith("server logged", StringComparison.Ordinal))
            {
                continue;
            }

            List<AppliedMutation> kept = [.. recipe.Mutations];
            for (int i = kept.Count - 1; i >= 0; i--)
            {
                List<AppliedMutation> fewer = [.. kept.Where((_, j) => j != i)];
                (FuzzCase fuzzCase, _, List<Violation> violations) = await ExecuteAsync(recipe, fewer, cancel);
                if (violations.Any(v => v.Class == finding.Name))
                {
                    kept = fewer;
                    finding.Example = fuzzCase.Describe(_port);
                }
            }
        }
    }
}
