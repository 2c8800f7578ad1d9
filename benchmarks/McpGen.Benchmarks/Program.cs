// McpGen.Benchmarks: in-process micro-benchmarks of the McpGen endpoint (docs/benchmarks.md has the figures).
//
// What is measured: the request delegate that MapMcp<QuickStartServer>("/mcp") registers, invoked directly on a reused
// DefaultHttpContext (no Kestrel, no sockets, no routing middleware) whose request body is a pre-encoded JSON-RPC
// request and whose response body is a rewound buffer: parsing, era detection, dispatch, argument binding, the tool
// call and result writing. Services come from the sample's own registration (AddLogging + AddQuickStart).
//
//   tools/call 2025-11-25   convert_temperature {"value":100,"from":"Celsius","to":"Fahrenheit"}, MCP-Protocol-Version: 2025-11-25
//   tools/call 2026-07-28   the same call with params._meta and MCP-Protocol-Version/Mcp-Method/Mcp-Name headers
//   tools/list 2025-11-25   the precomputed tool list
//
// How to run (from the repository root):
//   dotnet run -c Release --project benchmarks/McpGen.Benchmarks -- --filter '*'              full BenchmarkDotNet run
//   dotnet run -c Release --project benchmarks/McpGen.Benchmarks -- --filter '*' --job short  quick run (3 iterations)
//   dotnet run -c Release --project benchmarks/McpGen.Benchmarks -- --check                   one call each, prints the responses
//   dotnet run -c Release --project benchmarks/McpGen.Benchmarks -- --profile [iterations] [passes]  bytes/op + sampled allocated types
// Every other BenchmarkDotNet option works too (--inProcess, --list flat, --exporters json, ...).
// Results go to BenchmarkDotNet.Artifacts/ under the current directory.

using BenchmarkDotNet.Running;
using McpGen.Benchmarks;

if (args.Length > 0 && args[0] == "--check")
{
    using var harness = new EndpointHarness();
    foreach (var scenario in McpRequests.All())
    {
        BenchRequest request = harness.CreateRequest(scenario.Body, scenario.Headers);
        string body = ToolsCallBenchmarks.Check(scenario.Name, harness.Handler, request, scenario.Expected);
        Console.WriteLine($"{scenario.Name}: {request.StatusCode} {request.ResponseHeaders.ContentType} ({request.ResponseBody.Length} bytes)");
        Console.WriteLine(body.Length > 400 ? body[..400] + "..." : body);
    }

    return 0;
}

if (args.Length > 0 && args[0] == "--profile")
{
    int iterations = args.Length > 1 && int.TryParse(args[1], out int n) ? n : 200_000;
    int passes = args.Length > 2 && int.TryParse(args[2], out int p) ? p : 2;
    AllocationProfiler.Run(iterations, passes);
    return 0;
}

BenchmarkSwitcher.FromAssembly(typeof(ToolsCallBenchmarks).Assembly).Run(args);
return 0;
