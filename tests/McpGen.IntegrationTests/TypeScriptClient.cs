using System.Text.Json;

namespace McpGen.IntegrationTests;

/// <summary>Runs tests/clients/ts/client.mjs (the TypeScript SDK clients, v1 and v2) and parses its JSON report.</summary>
internal static class TypeScriptClient
{
    /// <param name="trace">Adds the HTTP exchanges to the report (<c>http</c>: method, MCP headers, body, status).</param>
    /// <param name="options">More client.mjs arguments (e.g. <c>--terminate</c>).</param>
    /// <param name="answers">For <c>--answers</c>: the client's results for elicitation, sampling and roots requests (declares those capabilities).</param>
    public static async Task<JsonElement> RunAsync(Uri endpoint, string sdk, string era, string? protocolVersion, object[] steps, bool trace = false, object? answers = null, string[]? options = null)
    {
        string script = JsonSerializer.Serialize(steps);
        var arguments = new List<string> { "client.mjs", "--url", endpoint.ToString(), "--sdk", sdk, "--era", era, "--script", script, "--timeout", "20000" };
        if (trace)
        {
            arguments.Add("--trace");
        }

        if (answers is not null)
        {
            arguments.AddRange(["--answers", JsonSerializer.Serialize(answers)]);
        }

        if (protocolVersion is not null)
        {
            arguments.AddRange(["--protocol-version", protocolVersion]);
        }


        arguments.AddRange(options ?? []);
        ProcessRunner.Result run = await ProcessRunner.RunAsync("node", arguments, RepoPaths.TsClientDir, TimeSpan.FromSeconds(40));
        Assert.True(run.ExitCode == 0, run.Describe());
        return JsonDocument.Parse(run.StdOut).RootElement;
    }

    /// <summary>
    /// Runs <paramref name="steps"/> in <paramref name="sessions"/> sessions (client.mjs --sessions), at most
    /// <paramref name="concurrency"/> at a time, and returns its summary (sessions, replicas, failures, retries) whether
    /// or not every session passed: the caller asserts on it.
    /// </summary>
    /// <param name="wireReport">Adds the per-session wire report (<c>wire</c>: replicas, statuses, resumptions, notifications, step marks).</param>
    /// <param name="requestTimeout">Bounds each request (default 15 s).</param>
    public static async Task<JsonElement> RunSessionsAsync(Uri endpoint, string sdk, string era, string? protocolVersion, object[] steps, int sessions, int concurrency, bool retryOnce = false, TimeSpan? limit = null, bool wireReport = false, TimeSpan? requestTimeout = null, object? answers = null)
    {
        TimeSpan overall = limit ?? TimeSpan.FromSeconds(90);
        var arguments = new List<string>
        {
            "client.mjs", "--url", endpoint.ToString(), "--sdk", sdk, "--era", era, "--script", JsonSerializer.Serialize(steps),
            "--sessions", sessions.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--concurrency", concurrency.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--timeout", ((int)overall.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--request-timeout", ((int)(requestTimeout ?? TimeSpan.FromSeconds(15)).TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        if (protocolVersion is not null)
        {
            arguments.AddRange(["--protocol-version", protocolVersion]);
        }

        if (retryOnce)
        {
            arguments.Add("--retry-once");
        }

        if (wireReport)
        {
            arguments.Add("--wire-report");
        }

        if (answers is not null)
        {
            arguments.AddRange(["--answers", JsonSerializer.Serialize(answers)]);
        }

        ProcessRunner.Result run = await ProcessRunner.RunAsync("node", arguments, RepoPaths.TsClientDir, overall + TimeSpan.FromSeconds(15));
        Assert.True(run.ExitCode is 0 or 1 && run.StdOut.TrimStart().StartsWith('{'), run.Describe());
        return JsonDocument.Parse(run.StdOut).RootElement;
    }

    public static JsonElement Step(this JsonElement report, int index)
    {
        JsonElement step = report.GetProperty("steps")[index];
        Assert.True(step.GetProperty("ok").GetBoolean(), step.ToString());
        return step;
    }
}
