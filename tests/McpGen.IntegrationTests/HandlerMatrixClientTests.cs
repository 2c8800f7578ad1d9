using System.Text.Json;
using Everything;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpGen.IntegrationTests;

using ElicitResult = ModelContextProtocol.Protocol.ElicitResult;
using GetPromptResult = ModelContextProtocol.Protocol.GetPromptResult;
using TextResourceContents = ModelContextProtocol.Protocol.TextResourceContents;

/// <summary>
/// The resource and prompt rows of the handler matrix (issue 10) with real clients: the official C# client
/// (ModelContextProtocol.Core 2.3.1) and the TypeScript clients read the Everything sample's resource and get its prompt,
/// which log, report progress and elicit, against the stateless and the sticky server, in both eras the clients speak.
/// </summary>
public sealed class HandlerMatrixClientTests(EverythingHost stateless, StickyEverythingHost sticky)
    : IClassFixture<EverythingHost>, IClassFixture<StickyEverythingHost>
{
    private const string Modern = "2026-07-28";
    private const string Legacy = "2025-11-25";

    /// <summary>kind (resource, prompt) x mode (stateless, sticky) x protocol version (2025-11-25, 2026-07-28).</summary>
    public static TheoryData<string, string, string> Rows()
    {
        var rows = new TheoryData<string, string, string>();
        foreach (string kind in new[] { "resource", "prompt" })
        {
            foreach (string mode in new[] { "stateless", "sticky" })
            {
                foreach (string version in new[] { Legacy, Modern })
                {
                    rows.Add(kind, mode, version);
                }
            }
        }

        return rows;
    }

    private Uri Endpoint(string mode) => mode == "sticky" ? sticky.Endpoint : stateless.Endpoint;

    /// <summary>An initialize-era client of a stateless server cannot be asked for input: the documented -32602 naming the fixes.</summary>
    private static bool CanAsk(string mode, string version) => version == Modern || mode == "sticky";

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task CSharpClient_GetsProgressLogAndElicitation_FromResourcesAndPrompts(string kind, string mode, string version)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var asked = new Collector<string>();
        var progress = new Collector<double>();
        var logs = new Collector<string>();
        var handlers = new McpClientHandlers
        {
            ElicitationHandler = (request, _) =>
            {
                asked.Report(request!.Message);
                return ValueTask.FromResult(new ElicitResult
                {
                    Action = "accept",
                    Content = new Dictionary<string, JsonElement> { ["context"] = JsonSerializer.SerializeToElement("from C#") },
                });
            },
            NotificationHandlers =
            [
                new(NotificationMethods.ProgressNotification, (n, _) =>
                {
                    progress.Report(n.Params!.Deserialize<ProgressNotificationParams>(McpJsonUtilities.DefaultOptions)!.Progress.Progress);
                    return ValueTask.CompletedTask;
                }),
                new(NotificationMethods.LoggingMessageNotification, (n, _) =>
                {
                    logs.Report(n.Params!.Deserialize<LoggingMessageNotificationParams>(McpJsonUtilities.DefaultOptions)!.Data.GetString()!);
                    return ValueTask.CompletedTask;
                }),
            ],
        };
        await using McpClient client = await CSharpClient.ConnectAsync(Endpoint(mode), version, timeout.Token, handlers);
        var options = new RequestOptions { ProgressToken = new ProgressToken($"matrix-{kind}-{mode}") };

        async Task<string> RunAsync()
        {
            if (kind == "resource")
            {
                ReadResourceResult read = await client.ReadResourceAsync(HandlerMatrixFixtures.ResourceUri, options, timeout.Token);
                return Assert.IsType<TextResourceContents>(Assert.Single(read.Contents)).Text;
            }

            GetPromptResult prompt = await client.GetPromptAsync(HandlerMatrixFixtures.PromptName, null, options, timeout.Token);
            return Assert.IsType<TextContentBlock>(Assert.Single(prompt.Messages).Content).Text;
        }

        if (!CanAsk(mode, version))
        {
            McpProtocolException refused = await Assert.ThrowsAsync<McpProtocolException>(RunAsync);
            Assert.Equal(McpErrorCode.InvalidParams, refused.ErrorCode);
            Assert.Contains("Session = McpSessionMode.Sticky", refused.Message, StringComparison.Ordinal);
            Assert.Empty(asked.Items);
            return;
        }

        string text = await RunAsync();

        string session = version == Legacy && mode == "sticky" ? client.SessionId! : "none";
        Assert.Equal($"context=from C#;session={session}", text);
        Assert.Equal([$"What context should the {kind} use?"], asked.Items);

        // A 2026-07-28 attempt re-runs the handler from the start: progress 1 comes with each of the two attempts, 2 once.
        // (Waiting for two reports only could see 1 and 1 before 2 arrives.)
        await progress.WaitForCountAsync(version == Legacy ? 2 : 3, TimeSpan.FromSeconds(2));
        Assert.Equal([1, 2], progress.Items.Distinct().Order());
        if (version == Legacy)
        {
            // The session's default level (info) lets the message through; 2026-07-28 requests carry no level here.
            await logs.WaitForCountAsync(1, TimeSpan.FromSeconds(2));
            Assert.Contains($"matrix {kind}: asking for a context", logs.Items);
        }
    }

    /// <summary>TypeScript SDK v1 speaks only the initialize era; the v2 client speaks 2026-07-28.</summary>
    public static TheoryData<string, string, string, string> TypeScriptRows()
    {
        var rows = new TheoryData<string, string, string, string>();
        foreach (string kind in new[] { "resource", "prompt" })
        {
            foreach (string mode in new[] { "stateless", "sticky" })
            {
                rows.Add(kind, mode, "v1", Legacy);
                rows.Add(kind, mode, "v2", Modern);
            }
        }

        return rows;
    }

    [Theory]
    [MemberData(nameof(TypeScriptRows))]
    public async Task TypeScriptClient_GetsProgressLogAndElicitation_FromResourcesAndPrompts(string kind, string mode, string sdk, string version)
    {
        object step = kind == "resource"
            ? new { op = "readResource", uri = HandlerMatrixFixtures.ResourceUri, progress = true, logs = true, expectError = !CanAsk(mode, version) }
            : new { op = "getPrompt", name = HandlerMatrixFixtures.PromptName, progress = true, logs = true, expectError = !CanAsk(mode, version) };
        var answers = new { elicitation = new { action = "accept", content = new { context = "from TS" } } };

        JsonElement report = await TypeScriptClient.RunAsync(Endpoint(mode), sdk, version == Modern ? "modern" : "legacy", version, [step], answers: answers);

        Assert.Equal(version, report.GetProperty("connect").GetProperty("protocolVersion").GetString());
        JsonElement result = report.Step(0);
        Assert.True(result.GetProperty("ok").GetBoolean(), result.GetRawText());
        if (!CanAsk(mode, version))
        {
            Assert.Contains("Session = McpSessionMode.Sticky", result.GetProperty("error").GetRawText(), StringComparison.Ordinal);
            return;
        }

        string text = kind == "resource"
            ? result.GetProperty("result").GetProperty("contents")[0].GetProperty("text").GetString()!
            : result.GetProperty("result").GetProperty("messages")[0].GetProperty("content").GetProperty("text").GetString()!;
        Assert.StartsWith("context=from TS;session=", text, StringComparison.Ordinal);
        string session = text["context=from TS;session=".Length..];
        if (version == Legacy && mode == "sticky")
        {
            Assert.Equal(report.GetProperty("connect").GetProperty("sessionId").GetString(), session);
        }
        else
        {
            Assert.Equal("none", session);
        }

        Assert.Equal([1.0, 2.0], result.GetProperty("progress").EnumerateArray().Select(p => p.GetProperty("progress").GetDouble()).Distinct().Order());
        if (version == Legacy)
        {
            Assert.Contains(result.GetProperty("logs").EnumerateArray(), l => l.GetProperty("data").GetString() == $"matrix {kind}: asking for a context");
        }
    }
}
