using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;

namespace McpGen.Benchmarks;

/// <summary>
/// One small stateless request through the McpGen endpoint's request delegate, outside Kestrel: body parsing, era
/// detection, dispatch, argument binding, the tool call and result writing. The context is reused between calls, so the
/// allocated bytes are the endpoint's own.
/// </summary>
[MemoryDiagnoser]
public class ToolsCallBenchmarks
{
    private EndpointHarness _harness = null!;
    private BenchRequest _legacyCall = null!;
    private BenchRequest _modernCall = null!;
    private BenchRequest _toolsList = null!;

    [GlobalSetup]
    public void Setup()
    {
        _harness = new EndpointHarness();
        _legacyCall = _harness.CreateRequest(McpRequests.LegacyToolsCall, McpRequests.LegacyHeaders());
        _modernCall = _harness.CreateRequest(McpRequests.ModernToolsCall, McpRequests.ModernHeaders("tools/call", "convert_temperature"));
        _toolsList = _harness.CreateRequest(McpRequests.LegacyToolsList, McpRequests.LegacyHeaders());

        // Refuse to time an endpoint that answers something else than a successful result.
        Check(nameof(LegacyToolsCall), _harness.Handler, _legacyCall, McpRequests.ExpectedConversion);
        Check(nameof(ModernToolsCall), _harness.Handler, _modernCall, McpRequests.ExpectedConversion);
        Check(nameof(ToolsList), _harness.Handler, _toolsList, "\"convert_temperature\"");
    }

    [GlobalCleanup]
    public void Cleanup() => _harness.Dispose();

    /// <summary>tools/call convert_temperature, initialize era (MCP-Protocol-Version: 2025-11-25, no session: stateless server).</summary>
    [Benchmark(Baseline = true, Description = "tools/call 2025-11-25")]
    public Task LegacyToolsCall() => _harness.Handler(_legacyCall.Reset());

    /// <summary>tools/call convert_temperature, 2026-07-28: <c>_meta</c> in the body, Mcp-Method/Mcp-Name headers checked against it.</summary>
    [Benchmark(Description = "tools/call 2026-07-28")]
    public Task ModernToolsCall() => _harness.Handler(_modernCall.Reset());

    /// <summary>tools/list (precomputed tool JSON), initialize era.</summary>
    [Benchmark(Description = "tools/list 2025-11-25")]
    public Task ToolsList() => _harness.Handler(_toolsList.Reset());

    /// <summary>Runs one call and throws unless it answered 200 with a result containing <paramref name="expected"/>.</summary>
    internal static string Check(string name, RequestDelegate handler, BenchRequest request, string expected)
    {
        handler(request.Reset()).GetAwaiter().GetResult();
        string body = Encoding.UTF8.GetString(request.ResponseBody);
        if (request.StatusCode != StatusCodes.Status200OK
            || !body.Contains(expected, StringComparison.Ordinal)
            || body.Contains("\"error\":", StringComparison.Ordinal)
            || body.Contains("\"isError\":true", StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                $"{name}: the endpoint answered {request.StatusCode} ({request.ResponseHeaders.ContentType}) '{body}'; expected a result containing '{expected}'.");
        }

        return body;
    }
}
