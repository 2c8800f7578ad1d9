using System.Diagnostics;
using System.Net;
using McpGen.Diagnostics;
using McpGen.Runtime.Tests.Infrastructure;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace McpGen.Runtime.Tests;

/// <summary>
/// The McpGen ActivitySource and Meter are process-wide: these tests run alone (no other test class in parallel), so
/// every span and measurement they export comes from their own requests.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryCollection
{
    public const string Name = "telemetry";
}

/// <summary>
/// Spans and metrics of the McpGen ActivitySource and Meter, exported by OpenTelemetry's in-memory exporter from a
/// real Kestrel host: names and attributes of OpenTelemetry's semantic conventions for MCP.
/// </summary>
[Collection(TelemetryCollection.Name)]
public sealed class TelemetryTests : IDisposable
{
    private const string TraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    private const string ParentSpanId = "00f067aa0ba902b7";

    private readonly List<Activity> _spans = [];
    private readonly List<MetricSnapshot> _metrics = [];
    private readonly TracerProvider _tracing;
    private readonly MeterProvider _meters;

    public TelemetryTests()
    {
        _tracing = Sdk.CreateTracerProviderBuilder()
            .AddSource(McpTelemetry.SourceName, "Microsoft.AspNetCore")
            .AddInMemoryExporter(_spans)
            .Build()!;
        _meters = Sdk.CreateMeterProviderBuilder()
            .AddMeter(McpTelemetry.MeterName)
            .AddInMemoryExporter(_metrics)
            .Build()!;
    }

    public void Dispose()
    {
        _tracing.Dispose();
        _meters.Dispose();
    }

    [Fact]
    public async Task A_tools_call_is_a_server_span_named_after_method_and_tool_with_the_conventions_attributes()
    {
        await using McpTestHost host = await McpTestHost.StartAsync(kestrel: true);

        await McpTestHost.AssertResultAsync(await host.CallModernAsync("add", """{"a":2,"b":3}""", id: "7"), "7");

        Activity span = await SpanAsync("tools/call add");
        Assert.Equal(ActivityKind.Server, span.Kind);
        Assert.Equal(McpTelemetry.SourceName, span.Source.Name);
        Assert.Equal("tools/call", span.GetTagItem("mcp.method.name"));
        Assert.Equal("2026-07-28", span.GetTagItem("mcp.protocol.version"));
        Assert.Equal("7", span.GetTagItem("jsonrpc.request.id"));
        Assert.Equal("execute_tool", span.GetTagItem("gen_ai.operation.name"));
        Assert.Equal("add", span.GetTagItem("gen_ai.tool.name"));
        Assert.Equal("tcp", span.GetTagItem("network.transport"));
        Assert.Null(span.GetTagItem("mcp.session.id"));
        Assert.Null(span.GetTagItem("error.type"));
        Assert.Equal(ActivityStatusCode.Unset, span.Status);

        // Without _meta trace context the parent is the HTTP request's activity.
        Activity http = await WaitAsync(() => _spans.FirstOrDefault(s => s.Source.Name == "Microsoft.AspNetCore" && s.SpanId == span.ParentSpanId));
        Assert.Equal(http.TraceId, span.TraceId);
        Assert.False(span.HasRemoteParent);
    }

    [Fact]
    public async Task Traceparent_and_tracestate_in_params_meta_become_the_remote_parent()
    {
        await using McpTestHost host = await McpTestHost.StartAsync(kestrel: true);

        await McpTestHost.AssertResultAsync(await host.CallModernAsync("echo", """{"text":"hi"}""",
            extraMeta: $"\"traceparent\":\"00-{TraceId}-{ParentSpanId}-01\",\"tracestate\":\"vendor=abc\""));

        Activity span = await SpanAsync("tools/call echo");
        Assert.Equal(TraceId, span.TraceId.ToHexString());
        Assert.Equal(ParentSpanId, span.ParentSpanId.ToHexString());
        Assert.True(span.HasRemoteParent);
        Assert.Equal("vendor=abc", span.TraceStateString);
    }

    [Fact]
    public async Task A_malformed_traceparent_is_ignored_and_the_http_activity_stays_the_parent()
    {
        await using McpTestHost host = await McpTestHost.StartAsync(kestrel: true);

        await McpTestHost.AssertResultAsync(await host.CallModernAsync("echo", """{"text":"hi"}""", extraMeta: "\"traceparent\":\"not-a-traceparent\""));

        Activity span = await SpanAsync("tools/call echo");
        Assert.False(span.HasRemoteParent);
        Assert.Contains(_spans, s => s.Source.Name == "Microsoft.AspNetCore" && s.SpanId == span.ParentSpanId);
    }

    [Theory]
    [InlineData("fail_tool", "tool_error")]     // McpToolException: an isError result
    [InlineData("crash", "tool_error")]         // an unexpected exception: also an isError result, with an exception event
    public async Task A_tool_error_result_sets_error_type_tool_error_and_status_error(string tool, string errorType)
    {
        await using McpTestHost host = await McpTestHost.StartAsync(kestrel: true);

        await McpTestHost.AssertResultAsync(await host.CallModernAsync(tool));

        Activity span = await SpanAsync("tools/call " + tool);
        Assert.Equal(errorType, span.GetTagItem("error.type"));
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Contains(span.Events, e => e.Name == "exception");
    }

    [Fact]
    public async Task A_json_rpc_error_sets_error_type_to_its_code_and_status_error()
    {
        await using McpTestHost host = await McpTestHost.StartAsync(kestrel: true);

        await McpTestHost.AssertErrorAsync(await host.CallModernAsync("no_such_tool"), 200, -32602, "1");

        Activity span = await SpanAsync("tools/call no_such_tool");
        Assert.Equal("-32602", span.GetTagItem("error.type"));
        Assert.Equal("-32602", span.GetTagItem("rpc.response.status_code"));
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Contains("no_such_tool", span.StatusDescription, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_request_on_a_sticky_session_carries_the_session_id()
    {
        await using McpTestHost host = await McpTestHost.StartAsync(ClientInputServers.Create(McpSessionMode.Sticky), kestrel: true);
        string session = await InitializeAsync(host);

        HttpResponseMessage response = await host.Client.SendAsync(McpTestHost.Post(
            """{"jsonrpc":"2.0","id":"a-1","method":"tools/call","params":{"name":"no_context","arguments":{}}}""",
            ("Mcp-Session-Id", session), ("MCP-Protocol-Version", "2025-11-25")));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        Activity span = await SpanAsync("tools/call no_context");
        Assert.Equal(session, span.GetTagItem("mcp.session.id"));
        Assert.Equal("2025-11-25", span.GetTagItem("mcp.protocol.version"));
        Assert.Equal("a-1", span.GetTagItem("jsonrpc.request.id"));
    }

    [Fact]
    public async Task Operation_duration_is_recorded_in_seconds_with_method_tool_and_error_type()
    {
        await using McpTestHost host = await McpTestHost.StartAsync(kestrel: true);

        await McpTestHost.AssertResultAsync(await host.CallModernAsync("add", """{"a":1,"b":1}"""));
        await McpTestHost.AssertResultAsync(await host.CallModernAsync("add", """{"a":1,"b":2}"""));
        await McpTestHost.AssertResultAsync(await host.CallModernAsync("fail_tool"));

        MetricSnapshot duration = await MetricAsync("mcp.server.operation.duration",
            m => Count(m, ("gen_ai.tool.name", "add")) == 2 && Count(m, ("gen_ai.tool.name", "fail_tool")) == 1);
        Assert.Equal("s", duration.Unit);
        Assert.Equal(MetricType.Histogram, duration.MetricType);
        MetricPoint add = Point(duration, ("gen_ai.tool.name", "add"));
        Assert.Equal("tools/call", Tag(add, "mcp.method.name"));
        Assert.Equal("execute_tool", Tag(add, "gen_ai.operation.name"));
        Assert.Equal("2026-07-28", Tag(add, "mcp.protocol.version"));
        Assert.Null(Tag(add, "error.type"));
        Assert.Null(Tag(add, "jsonrpc.request.id")); // per request: never a metric dimension
        Assert.True(add.GetHistogramSum() > 0 && add.GetHistogramSum() < 10, $"sum {add.GetHistogramSum()} s");

        // The conventions' bucket advice: 0.01 .. 300 s.
        var bounds = new List<double>();
        foreach (HistogramBucket bucket in add.GetHistogramBuckets())
        {
            bounds.Add(bucket.ExplicitBound);
        }

        Assert.Equal(new double[] { 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, double.PositiveInfinity }, bounds);
        Assert.Equal("tool_error", Tag(Point(duration, ("gen_ai.tool.name", "fail_tool")), "error.type"));
    }

    [Fact]
    public async Task Session_duration_is_recorded_after_delete_and_active_sessions_go_up_and_down()
    {
        await using McpTestHost host = await McpTestHost.StartAsync(ClientInputServers.Create(McpSessionMode.Sticky), kestrel: true);
        string session = await InitializeAsync(host);
        Assert.Equal(1, await SumAsync("mcpgen.server.active_sessions"));
        await Task.Delay(50);

        var delete = new HttpRequestMessage(HttpMethod.Delete, "/mcp");
        delete.Headers.TryAddWithoutValidation("Mcp-Session-Id", session);
        delete.Headers.TryAddWithoutValidation("MCP-Protocol-Version", "2025-11-25");
        Assert.Equal(HttpStatusCode.OK, (await host.Client.SendAsync(delete)).StatusCode);

        MetricSnapshot lifetime = await MetricAsync("mcp.server.session.duration", m => Count(m, ("mcp.protocol.version", "2025-11-25")) == 1);
        Assert.Equal("s", lifetime.Unit);
        MetricPoint point = Point(lifetime, ("mcp.protocol.version", "2025-11-25"));
        Assert.InRange(point.GetHistogramSum(), 0.04, 30);
        Assert.Equal(0, await SumAsync("mcpgen.server.active_sessions"));
    }

    [Fact]
    public async Task Store_calls_inside_a_request_are_client_spans_under_its_span_and_are_timed()
    {
        await using McpTestHost host = await McpTestHost.StartAsync(ClientInputServers.Create(McpSessionMode.Store), kestrel: true);
        string session = await InitializeAsync(host);

        HttpResponseMessage response = await host.Client.SendAsync(McpTestHost.Post(
            """{"jsonrpc":"2.0","id":5,"method":"logging/setLevel","params":{"level":"debug"}}""",
            ("Mcp-Session-Id", session), ("MCP-Protocol-Version", "2025-11-25")));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        Activity request = await SpanAsync("logging/setLevel");
        Activity update = await WaitAsync(() => _spans.FirstOrDefault(s => s.DisplayName == "store update"));
        Assert.Equal(ActivityKind.Client, update.Kind);
        Assert.Equal(request.SpanId, update.ParentSpanId);
        Assert.Equal("update", update.GetTagItem("mcpgen.store.operation"));
        Assert.Equal(nameof(McpGen.Sessions.InMemoryMcpSessionStore), update.GetTagItem("mcpgen.store.system"));
        Assert.Contains(_spans, s => s.DisplayName == "store create");

        MetricSnapshot latency = await MetricAsync("mcpgen.store.operation.duration", m => Count(m, ("mcpgen.store.operation", "update")) >= 1);
        Assert.Equal("s", latency.Unit);
        Assert.True(Count(latency, ("mcpgen.store.operation", "create")) >= 1);
    }

    [Fact]
    public async Task A_multi_round_trip_attempt_records_the_input_request_and_input_required_as_events()
    {
        await using McpTestHost host = await McpTestHost.StartAsync(ClientInputServers.Create(), pipeline: ClientInputServers.UserFromHeader, kestrel: true);

        HttpResponseMessage first = await host.Client.SendAsync(ClientInputServers.Call("greet", id: "1"));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);

        Activity span = await SpanAsync("tools/call greet");
        ActivityEvent requested = Assert.Single(span.Events, e => e.Name == "mcp.client_input.requested");
        Assert.Equal("elicitation/create", requested.Tags.Single(t => t.Key == "mcpgen.client_input.method").Value);
        ActivityEvent inputRequired = Assert.Single(span.Events, e => e.Name == "mcp.input_required");
        Assert.Equal(1, inputRequired.Tags.Single(t => t.Key == "mcpgen.client_input.count").Value);
        Assert.Null(span.GetTagItem("error.type"));
    }

    private async Task<string> InitializeAsync(McpTestHost host)
    {
        HttpResponseMessage response = await host.Client.SendAsync(McpTestHost.Post(
            """{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"""));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response.Headers.GetValues("Mcp-Session-Id").Single();
    }

    /// <summary>The span with this name (a span ends when its answer was written: the client may see the answer first).</summary>
    private Task<Activity> SpanAsync(string name)
        => WaitAsync(() => _spans.FirstOrDefault(s => s.Source.Name == McpTelemetry.SourceName && s.DisplayName == name));

    private static async Task<T> WaitAsync<T>(Func<T?> find)
        where T : class
    {
        for (int i = 0; i < 100; i++)
        {
            if (find() is { } found)
            {
                return found;
            }

            await Task.Delay(50);
        }

        return find() ?? throw new Xunit.Sdk.XunitException("Not exported within 5 s.");
    }

    /// <summary>The latest export of <paramref name="name"/> once <paramref name="done"/> holds (measurements follow answers).</summary>
    private async Task<MetricSnapshot> MetricAsync(string name, Func<MetricSnapshot, bool> done)
    {
        for (int i = 0; i < 100; i++)
        {
            _metrics.Clear();
            _meters.ForceFlush();
            if (_metrics.LastOrDefault(m => m.Name == name) is { } metric && done(metric))
            {
                return metric;
            }

            await Task.Delay(50);
        }

        throw new Xunit.Sdk.XunitException($"{name} was not exported as expected within 5 s.");
    }

    private async Task<long> SumAsync(string name)
    {
        _metrics.Clear();
        _meters.ForceFlush();
        MetricSnapshot? metric = _metrics.LastOrDefault(m => m.Name == name);
        await Task.Yield();
        long sum = 0;
        foreach (MetricPoint point in metric?.MetricPoints ?? [])
        {
            sum += point.GetSumLong();
        }

        return sum;
    }

    private static long Count(MetricSnapshot metric, (string Key, string Value) tag)
        => metric.MetricPoints.Where(p => Equals(Tag(p, tag.Key), tag.Value)).Sum(p => p.GetHistogramCount());

    private static MetricPoint Point(MetricSnapshot metric, (string Key, string Value) tag)
        => metric.MetricPoints.Single(p => Equals(Tag(p, tag.Key), tag.Value));

    private static object? Tag(MetricPoint point, string key)
    {
        foreach (KeyValuePair<string, object?> tag in point.Tags)
        {
            if (tag.Key == key)
            {
                return tag.Value;
            }
        }

        return null;
    }
}

/// <summary>Without a listener nothing is created: no Activity, no operation, the HTTP activity stays current.</summary>
[Collection(TelemetryCollection.Name)]
public sealed class TelemetryWithoutListenerTests
{
    [Fact]
    public async Task Without_a_listener_no_activity_and_no_operation_is_created()
    {
        Assert.False(McpTelemetry.Source.HasListeners());
        Assert.False(McpTelemetry.OperationDuration.Enabled);
        var started = new List<string>();
        using var others = new ActivityListener
        {
            // Listens to everything but McpGen: sees whether McpGen's activity would have been the current one.
            ShouldListenTo = source => source.Name != McpTelemetry.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStarted = activity => { lock (started) { started.Add(activity.Source.Name); } },
        };
        ActivitySource.AddActivityListener(others);
        Assert.False(McpTelemetry.Source.HasListeners());

        string? currentSource = "(not run)";
        bool operation = true;
        var definition = new TestServerDefinition("quiet", "1.0", [TestTools.Tool("probe", ctx =>
        {
            currentSource = Activity.Current?.Source.Name;
            operation = McpOperation.Current is not null;
            ctx.WriteText("ok");
            return ValueTask.CompletedTask;
        })]);
        await using McpTestHost host = await McpTestHost.StartAsync(definition, kestrel: true);

        await McpTestHost.AssertResultAsync(await host.CallModernAsync("probe"));

        Assert.Equal("Microsoft.AspNetCore", currentSource);
        Assert.False(operation);
        lock (started)
        {
            Assert.DoesNotContain(McpTelemetry.SourceName, started);
            Assert.Contains("Microsoft.AspNetCore", started);
        }
    }
}
