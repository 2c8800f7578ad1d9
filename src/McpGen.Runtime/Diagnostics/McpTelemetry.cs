using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Reflection;

namespace McpGen;

/// <summary>
/// The names of McpGen's traces and metrics, for OpenTelemetry: <c>tracing.AddSource(McpTelemetry.SourceName)</c> and
/// <c>metrics.AddMeter(McpTelemetry.MeterName)</c>. Spans and metrics follow OpenTelemetry's semantic conventions for
/// MCP (a server span per JSON-RPC request, <c>mcp.server.operation.duration</c>, <c>mcp.server.session.duration</c>);
/// docs/observability.md lists every attribute. Nothing is created or recorded while nobody listens.
/// </summary>
public static class McpTelemetry
{
    /// <summary>The name of McpGen's <see cref="ActivitySource"/>: <c>McpGen</c>.</summary>
    public const string SourceName = "McpGen";

    /// <summary>The name of McpGen's <see cref="System.Diagnostics.Metrics.Meter"/>: <c>McpGen</c>.</summary>
    public const string MeterName = "McpGen";

    /// <summary>The bucket boundaries the conventions advise for MCP durations, in seconds.</summary>
    private static readonly double[] DurationBuckets = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 120, 300];

    /// <summary>Finer buckets for session store and backplane round trips (a cache miss is a millisecond or so).</summary>
    private static readonly double[] StoreBuckets = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5];

    internal static readonly string Version = ReadVersion();

    internal static readonly ActivitySource Source = new(SourceName, Version);

    internal static readonly Meter Meter = new(MeterName, Version);

    /// <summary><c>mcp.server.operation.duration</c>: from the request's arrival at dispatch until its answer was sent.</summary>
    internal static readonly Histogram<double> OperationDuration = Meter.CreateHistogram(
        "mcp.server.operation.duration", "s",
        "MCP request duration as observed on the receiver from the time it was received until the result or ack is sent.",
        tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });

    /// <summary><c>mcp.server.session.duration</c>: from <c>initialize</c> until the session ended (DELETE, HTTP+SSE disconnect).</summary>
    internal static readonly Histogram<double> SessionDuration = Meter.CreateHistogram(
        "mcp.server.session.duration", "s",
        "The duration of the MCP session as observed on the MCP server.",
        tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });

    /// <summary>Sessions started minus sessions ended or swept by this replica (summed over replicas: the fleet's sessions).</summary>
    internal static readonly UpDownCounter<long> ActiveSessions = Meter.CreateUpDownCounter<long>(
        "mcpgen.server.active_sessions", "{session}",
        "MCP sessions started minus those ended or expired, counted where that happened (sum over replicas for the fleet).");

    /// <summary>Long-lived event streams open on this replica: session GET streams and <c>subscriptions/listen</c>.</summary>
    internal static readonly UpDownCounter<long> OpenStreams = Meter.CreateUpDownCounter<long>(
        "mcpgen.server.open_streams", "{stream}",
        "Long-lived MCP event streams open on this replica (session GET streams, subscriptions/listen).");

    /// <summary>Latency of one session store or backplane call of a store-backed server.</summary>
    internal static readonly Histogram<double> StoreDuration = Meter.CreateHistogram(
        "mcpgen.store.operation.duration", "s",
        "Duration of one session store or backplane call of a store-backed MCP server.",
        tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = StoreBuckets });

    /// <summary>Whether anyone listens to request spans or request durations (the only check on the request path).</summary>
    internal static bool RequestsObserved => OperationDuration.Enabled || Source.HasListeners();

    /// <summary>Whether anyone listens to store and backplane spans or latencies.</summary>
    internal static bool StoreObserved => StoreDuration.Enabled || Source.HasListeners();

    /// <summary>Counts a started session.</summary>
    internal static void SessionStarted()
    {
        if (ActiveSessions.Enabled)
        {
            ActiveSessions.Add(1);
        }
    }

    /// <summary>Counts sessions that left the store without a DELETE (idle expiry sweeps).</summary>
    internal static void SessionsExpired(int count)
    {
        if (count > 0 && ActiveSessions.Enabled)
        {
            ActiveSessions.Add(-count);
        }
    }

    /// <summary>Counts an ended session and records how long it lived.</summary>
    internal static void SessionEnded(DateTimeOffset createdAt, string protocolVersion)
    {
        if (ActiveSessions.Enabled)
        {
            ActiveSessions.Add(-1);
        }

        if (SessionDuration.Enabled && createdAt != default)
        {
            double seconds = Math.Max(0, (DateTimeOffset.UtcNow - createdAt).TotalSeconds);
            SessionDuration.Record(seconds,
                new KeyValuePair<string, object?>(McpTelemetryTags.ProtocolVersion, protocolVersion),
                new KeyValuePair<string, object?>(McpTelemetryTags.NetworkTransport, "tcp"));
        }
    }

    /// <summary>Counts a long-lived stream opening (+1) or closing (-1).</summary>
    internal static void StreamChanged(int delta, string kind)
    {
        if (OpenStreams.Enabled)
        {
            OpenStreams.Add(delta, new KeyValuePair<string, object?>(McpTelemetryTags.StreamKind, kind));
        }
    }

    private static string ReadVersion()
    {
        string? version = typeof(McpTelemetry).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        if (string.IsNullOrEmpty(version))
        {
            return typeof(McpTelemetry).Assembly.GetName().Version?.ToString() ?? "0.0.0";
        }

        int plus = version.IndexOf('+', StringComparison.Ordinal);
        return plus > 0 ? version[..plus] : version;
    }
}

/// <summary>Attribute names, from OpenTelemetry's semantic conventions for MCP (<c>mcpgen.*</c>: McpGen's own).</summary>
internal static class McpTelemetryTags
{
    public const string MethodName = "mcp.method.name";
    public const string ProtocolVersion = "mcp.protocol.version";
    public const string SessionId = "mcp.session.id";
    public const string RequestId = "jsonrpc.request.id";
    public const string OperationName = "gen_ai.operation.name";
    public const string ToolName = "gen_ai.tool.name";
    public const string PromptName = "gen_ai.prompt.name";
    public const string ResourceUri = "mcp.resource.uri";
    public const string ErrorType = "error.type";
    public const string RpcStatusCode = "rpc.response.status_code";
    public const string NetworkTransport = "network.transport";
    public const string NetworkProtocolName = "network.protocol.name";
    public const string NetworkProtocolVersion = "network.protocol.version";
    public const string StreamKind = "mcpgen.stream.kind";
    public const string StoreOperation = "mcpgen.store.operation";
    public const string StoreSystem = "mcpgen.store.system";
    public const string BackplaneChannel = "mcpgen.backplane.channel";
    public const string InputMethod = "mcpgen.client_input.method";
    public const string InputCount = "mcpgen.client_input.count";
}
