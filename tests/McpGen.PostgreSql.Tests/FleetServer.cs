using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using McpGen.Runtime.Tests.Infrastructure;
using McpGen.Sessions;
using static McpGen.Runtime.Tests.Infrastructure.McpTestHost;

namespace McpGen.PostgreSql.Tests;

/// <summary>
/// The store-backed server the fleet tests run on every replica: <c>greet</c> (asks the client for its name),
/// <c>slow</c> (progress 1 and 2 at once, then one more step per release of its gate, then "done"), and the subscribable
/// resource <c>test://watched</c>. Gates are keyed by the call's <c>key</c> argument, so tests running at once do not
/// release each other's calls.
/// </summary>
internal static class FleetServer
{
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Gates = new(StringComparer.Ordinal);

    /// <summary>The progress steps <c>slow</c> reports before it answers "done".</summary>
    public const int SlowSteps = 4;

    public static FeatureServerDefinition Create() => new(
        [
            TestTools.Tool("greet", Greet, McpHandlerFeatures.RequestContext),
            TestTools.Tool("slow", Slow, McpHandlerFeatures.Progress, properties: """{"key":{"type":"string"}}"""),
        ],
        [FeatureServers.Resource("test://watched", ctx => { ctx.WriteText("watched"); return ValueTask.CompletedTask; }, subscribable: true)],
        [],
        sessionMode: McpSessionMode.Store);

    /// <summary>Lets the <c>slow</c> call with <paramref name="key"/> take <paramref name="steps"/> more steps.</summary>
    public static void Release(string key, int steps = 1) => Gate(key).Release(steps);

    private static SemaphoreSlim Gate(string key) => Gates.GetOrAdd(key, static _ => new SemaphoreSlim(0));

    private static async ValueTask Greet(McpHandlerContext ctx)
    {
        ElicitResult<NameForm> answer = await ctx.Request.ElicitAsync<NameForm>("What is your name?", "user_name", ctx.CancellationToken);
        ctx.WriteText(answer.IsAccepted ? $"Hello, {answer.Content.Name}!" : $"No name: {answer.Action}");
    }

    private static async ValueTask Slow(McpHandlerContext ctx)
    {
        string key = "";
        var args = new McpArgumentReader(ctx);
        while (args.MoveNext())
        {
            if (args.NameIs("key"u8))
            {
                args.TryReadString("key", out key);
            }
            else
            {
                args.Skip();
            }
        }

        ctx.Progress.Report(new McpProgress(1, SlowSteps, "step 1"));
        ctx.Progress.Report(new McpProgress(2, SlowSteps, "step 2"));
        for (int step = 3; step <= SlowSteps; step++)
        {
            await Gate(key).WaitAsync(ctx.CancellationToken);
            ctx.Progress.Report(new McpProgress(step, SlowSteps, $"step {step}"));
        }

        await Gate(key).WaitAsync(ctx.CancellationToken);
        ctx.WriteText("done");
    }

    public static async Task<string> InitializeAsync(McpTestHost host)
    {
        using HttpResponseMessage initialized = await host.SendLegacyAsync("initialize",
            "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":" + ClientInputServers.AllCapabilities + ",\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}",
            protocolVersion: null);
        Assert.Equal(HttpStatusCode.OK, initialized.StatusCode);
        return initialized.Headers.GetValues("Mcp-Session-Id").Single();
    }

    public static HttpRequestMessage InSession(string session, string json)
        => Post(json, ("Mcp-Session-Id", session), ("MCP-Protocol-Version", "2025-11-25"));

    /// <summary>A GET of the session: its standalone stream, or with <paramref name="lastEventId"/> the resumption of a stream.</summary>
    public static HttpRequestMessage Get(string session, string? lastEventId = null)
    {
        var get = new HttpRequestMessage(HttpMethod.Get, "/mcp");
        get.Headers.TryAddWithoutValidation("Accept", "text/event-stream");
        get.Headers.TryAddWithoutValidation("Mcp-Session-Id", session);
        get.Headers.TryAddWithoutValidation("MCP-Protocol-Version", "2025-11-25");
        if (lastEventId is not null)
        {
            get.Headers.TryAddWithoutValidation("Last-Event-ID", lastEventId);
        }

        return get;
    }

    /// <summary>A tools/call of <c>slow</c> with a progress token.</summary>
    public static HttpRequestMessage CallSlow(string session, string id, string key)
        => InSession(session, "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"slow\",\"arguments\":{\"key\":"
            + JsonSerializer.Serialize(key) + "},\"_meta\":{\"progressToken\":\"p-" + key + "\"}}}");

    /// <summary>An SSE response opened for reading.</summary>
    public static async Task<StreamReader> ReaderAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        return new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken), Encoding.UTF8);
    }

    /// <summary>The next event with data (the priming event, whose data is empty, skipped).</summary>
    public static async Task<SseEvent?> NextDataAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        while (await SseReader.NextEventAsync(reader, cancellationToken) is { } next)
        {
            if (next.Data.Length > 0)
            {
                return next;
            }
        }

        return null;
    }

    /// <summary>The progress value of a notifications/progress event (fails on anything else).</summary>
    public static int ProgressOf(SseEvent sse)
    {
        using JsonDocument message = JsonDocument.Parse(sse.Data);
        Assert.Equal("notifications/progress", message.RootElement.GetProperty("method").GetString());
        return message.RootElement.GetProperty("params").GetProperty("progress").GetInt32();
    }
}
