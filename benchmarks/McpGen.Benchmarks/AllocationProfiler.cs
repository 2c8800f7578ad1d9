using System.Diagnostics;
using System.Diagnostics.Tracing;

namespace McpGen.Benchmarks;

/// <summary>
/// Attributes the endpoint's allocations without external tools: exact bytes per call from
/// <see cref="GC.GetTotalAllocatedBytes(bool)"/> around a loop, then the runtime's sampled <c>GCAllocationTick</c>
/// events (one per ~100 KB allocated, with the type name) to say which types those bytes are.
/// </summary>
internal static class AllocationProfiler
{
    public static void Run(int iterations, int passes)
    {
        using var harness = new EndpointHarness();
        MeasureToolMethod(iterations);
        for (int pass = 1; pass <= passes; pass++)
        {
            Console.WriteLine($"-- pass {pass} of {passes}");
            foreach (var scenario in McpRequests.All())
            {
                Measure(harness, scenario.Name, scenario.Body, scenario.Headers, scenario.Expected, iterations, sampleTypes: pass == passes);
            }
        }
    }

    private static void Measure(
        EndpointHarness harness, string name, byte[] body, (string, string)[] headers, string expected, int iterations, bool sampleTypes)
    {
        BenchRequest request = harness.CreateRequest(body, headers);
        ToolsCallBenchmarks.Check(name, harness.Handler, request, expected);
        Loop(harness, request, Math.Min(iterations, 50_000));   // warm-up: tiered JIT, pools

        long before = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        Loop(harness, request, iterations);
        clock.Stop();
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Console.WriteLine($"{name}: {allocated / (double)iterations:F0} B/op, {clock.Elapsed.TotalNanoseconds / iterations:F0} ns/op ({iterations} calls)");
        if (!sampleTypes)
        {
            return;
        }

        // Sampled types: the listener allocates a little itself (event payloads), so its numbers are shares, not bytes.
        using var listener = new AllocationTickListener();
        Loop(harness, request, iterations);
        listener.Flush();
        Console.WriteLine($"  sampled allocated types ({listener.Samples} samples, ~100 KB each):");
        foreach ((string type, long bytes, int count) in listener.Top(12))
        {
            Console.WriteLine($"    {bytes * 100.0 / Math.Max(1, listener.TotalBytes),5:F1}%  {count,6}  {type}");
        }
    }

    /// <summary>The sample's tool method alone, called directly: what of a tools/call's cost is the user's code.</summary>
    private static void MeasureToolMethod(int iterations)
    {
        int length = 0;
        for (int i = 0; i < Math.Min(iterations, 50_000); i++)
        {
            length += QuickStart.QuickStartServer.ConvertTemperature(100, QuickStart.TemperatureUnit.Celsius, QuickStart.TemperatureUnit.Fahrenheit).Length;
        }

        long before = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < iterations; i++)
        {
            length += QuickStart.QuickStartServer.ConvertTemperature(100, QuickStart.TemperatureUnit.Celsius, QuickStart.TemperatureUnit.Fahrenheit).Length;
        }

        clock.Stop();
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Console.WriteLine(
            $"QuickStartServer.ConvertTemperature alone (the tool's own code): {allocated / (double)iterations:F0} B/op, "
            + $"{clock.Elapsed.TotalNanoseconds / iterations:F0} ns/op ({length > 0})");
    }

    private static void Loop(EndpointHarness harness, BenchRequest request, int iterations)
    {
        for (int i = 0; i < iterations; i++)
        {
            Task call = harness.Handler(request.Reset());
            if (!call.IsCompletedSuccessfully)
            {
                call.GetAwaiter().GetResult();
            }
        }
    }

    private sealed class AllocationTickListener : EventListener
    {
        private const EventKeywords GcKeyword = (EventKeywords)0x1;
        private readonly Dictionary<string, (long Bytes, int Count)> _types = new(StringComparer.Ordinal);
        private readonly object _gate = new();

        public int Samples { get; private set; }

        public long TotalBytes { get; private set; }

        protected override void OnEventSourceCreated(EventSource source)
        {
            if (source.Name == "Microsoft-Windows-DotNETRuntime")
            {
                EnableEvents(source, EventLevel.Verbose, GcKeyword);
            }
        }

        protected override void OnEventWritten(EventWrittenEventArgs data)
        {
            if (data.EventName is null || !data.EventName.StartsWith("GCAllocationTick", StringComparison.Ordinal) || data.PayloadNames is null)
            {
                return;
            }

            int typeIndex = data.PayloadNames.IndexOf("TypeName");
            int amountIndex = data.PayloadNames.IndexOf("AllocationAmount64");
            string type = typeIndex >= 0 ? data.Payload?[typeIndex] as string ?? "?" : "?";
            long amount = amountIndex >= 0 && data.Payload?[amountIndex] is ulong a ? (long)a : 100_000;
            lock (_gate)
            {
                _types[type] = _types.TryGetValue(type, out var seen) ? (seen.Bytes + amount, seen.Count + 1) : (amount, 1);
                Samples++;
                TotalBytes += amount;
            }
        }

        /// <summary>Gives the event dispatcher a moment to deliver the last events.</summary>
        public void Flush() => Thread.Sleep(1500);

        public List<(string Type, long Bytes, int Count)> Top(int count)
        {
            lock (_gate)
            {
                return _types.OrderByDescending(pair => pair.Value.Bytes).Take(count)
                    .Select(pair => (pair.Key, pair.Value.Bytes, pair.Value.Count)).ToList();
            }
        }
    }
}
