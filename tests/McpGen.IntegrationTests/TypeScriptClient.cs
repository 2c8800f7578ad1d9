using System.Text.Json;

namespace McpGen.IntegrationTests;

/// <summary>Runs tests/clients/ts/client.mjs (the TypeScript SDK clients, v1 and v2) and parses its JSON report.</summary>
internal static class TypeScriptClient
{
    public static async Task<JsonElement> RunAsync(Uri endpoint, string sdk, string era, string? protocolVersion, object[] steps, params string[] options)
    {
        string script = JsonSerializer.Serialize(steps);
        var arguments = new List<string> { "client.mjs", "--url", endpoint.ToString(), "--sdk", sdk, "--era", era, "--script", script, "--timeout", "20000" };
        if (protocolVersion is not null)
        {
            arguments.AddRange(["--protocol-version", protocolVersion]);
        }

        arguments.AddRange(options);

        ProcessRunner.Result run = await ProcessRunner.RunAsync("node", arguments, RepoPaths.TsClientDir, TimeSpan.FromSeconds(40));
        Assert.True(run.ExitCode == 0, run.Describe());
        return JsonDocument.Parse(run.StdOut).RootElement;
    }

    public static JsonElement Step(this JsonElement report, int index)
    {
        JsonElement step = report.GetProperty("steps")[index];
        Assert.True(step.GetProperty("ok").GetBoolean(), step.ToString());
        return step;
    }
}
