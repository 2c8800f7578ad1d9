using System.Collections.Concurrent;
using System.Text.Json;
using McpGen;

namespace McpGen.Runtime.Tests.Infrastructure;

/// <summary>Tools that run as tasks (the Tasks extension), and the requests that drive them.</summary>
internal static class TaskServers
{
    public const string TasksCapabilities = """{"elicitation":{},"extensions":{"io.modelcontextprotocol/tasks":{}}}""";
    public const string NoTasksCapabilities = """{"elicitation":{}}""";

    /// <summary>Handlers whose token was cancelled, by tool name (the cooperative cancellation of tasks/cancel).</summary>
    public static readonly ConcurrentDictionary<string, int> Cancelled = new();

    /// <summary>Lets the <c>gated</c> tool finish.</summary>
    public static readonly ConcurrentDictionary<string, TaskCompletionSource> Gates = new();

    public static FeatureServerDefinition Create(McpSessionMode mode = McpSessionMode.Stateless) => new(
        [
            Task("job", Job, McpTaskSupport.Optional),
            Task("required_job", Job, McpTaskSupport.Required),
            Task("tool_error", ToolError, McpTaskSupport.Optional),
            Task("protocol_error", ProtocolError, McpTaskSupport.Optional),
            Task("forever", Forever, McpTaskSupport.Optional),
            Task("asks", Asks, McpTaskSupport.Optional, McpHandlerFeatures.RequestContext),
            Task("asks_two", AsksTwo, McpTaskSupport.Optional, McpHandlerFeatures.RequestContext),
            Task("mrtr_then_task", MrtrThenTask, McpTaskSupport.Required, McpHandlerFeatures.RequestContext),
            Task("progress", Progress, McpTaskSupport.Optional, McpHandlerFeatures.RequestContext),
            Task("instant", ctx => { ctx.WriteText("instant"); return ValueTask.CompletedTask; }, McpTaskSupport.Optional),
            TestTools.Tool("plain", ctx => { ctx.WriteText("plain"); return ValueTask.CompletedTask; }),
        ],
        [],
        [],
        sessionMode: mode);

    private static McpToolDefinition Task(string name, McpToolHandler handler, McpTaskSupport support, McpHandlerFeatures features = McpHandlerFeatures.None)
    {
        McpToolDefinition plain = TestTools.Tool(name, handler, features, properties: """{"gate":{"type":"string"}}""");
        return new McpToolDefinition(plain.Name, plain.Json.ToArray(), plain.Handler, plain.Features) { TaskSupport = support };
    }

    private static async ValueTask Job(McpHandlerContext ctx)
    {
        await System.Threading.Tasks.Task.Delay(100, ctx.CancellationToken);
        ctx.WriteText("job done");
    }

    private static async ValueTask ToolError(McpHandlerContext ctx)
    {
        await System.Threading.Tasks.Task.Delay(50, ctx.CancellationToken);
        throw new McpToolException("The report source is empty.");
    }

    private static async ValueTask ProtocolError(McpHandlerContext ctx)
    {
        await System.Threading.Tasks.Task.Delay(50, ctx.CancellationToken);
        throw new McpJsonRpcException("The backend refused the job.", -32603);
    }

    private static async ValueTask Forever(McpHandlerContext ctx)
    {
        try
        {
            await System.Threading.Tasks.Task.Delay(Timeout.Infinite, ctx.CancellationToken);
        }
        catch (OperationCanceledException)
        {
            Cancelled.AddOrUpdate("forever", 1, (_, n) => n + 1);
            throw;
        }
    }

    private static async ValueTask Asks(McpHandlerContext ctx)
    {
        await System.Threading.Tasks.Task.Yield(); // a task from here on: the ask below is one of its inputRequests
        ElicitResult<NameForm> answer = await ctx.Request.ElicitAsync<NameForm>("Name?", "name", ctx.CancellationToken);
        ctx.WriteText(answer.IsAccepted ? $"Hello, {answer.Content.Name}!" : $"No name: {answer.Action}");
    }

    private static async ValueTask AsksTwo(McpHandlerContext ctx)
    {
        await System.Threading.Tasks.Task.Yield();
        Task<ElicitResult<NameForm>> first = ctx.Request.ElicitAsync<NameForm>("First?", "first", ctx.CancellationToken);
        Task<ElicitResult<NameForm>> second = ctx.Request.ElicitAsync<NameForm>("Second?", "second", ctx.CancellationToken);
        await System.Threading.Tasks.Task.WhenAll(first, second);
        ctx.WriteText($"{(await first).Content?.Name}+{(await second).Content?.Name}");
    }

    private static async ValueTask MrtrThenTask(McpHandlerContext ctx)
    {
        ElicitResult<NameForm> answer = await ctx.Request.ElicitAsync<NameForm>("Name?", "user_name", ctx.CancellationToken);
        await System.Threading.Tasks.Task.Delay(50, ctx.CancellationToken);
        ctx.WriteText($"Task greets {answer.Content?.Name}");
    }

    private static async ValueTask Progress(McpHandlerContext ctx)
    {
        await System.Threading.Tasks.Task.Yield();
        ctx.Request.ReportProgress(new McpProgress(1, 2, "half way"));
        string gate = ctx.Arguments.IsEmpty ? "default" : JsonDocument.Parse(ctx.Arguments).RootElement.GetProperty("gate").GetString()!;
        await Gates.GetOrAdd(gate, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task.WaitAsync(ctx.CancellationToken);
        ctx.WriteText("progressed");
    }

    /// <summary>A modern tools/call; <paramref name="capabilities"/> declares the extension by default.</summary>
    public static HttpRequestMessage Call(string tool, string capabilities = TasksCapabilities, string arguments = "{}", string? inputResponses = null, string? requestState = null, string id = "1", string? user = null)
    {
        HttpRequestMessage request = ClientInputServers.Call(tool, inputResponses, requestState, id, capabilities, arguments);
        if (user is not null)
        {
            request.Headers.Add("X-User", user);
        }

        return request;
    }

    /// <summary>A modern tasks/* request with Mcp-Name mirroring the task id (or <paramref name="name"/>).</summary>
    public static HttpRequestMessage TaskRequest(string method, string taskId, string extraMembers = "", string capabilities = TasksCapabilities, string? name = null, string? user = null, string id = "1")
    {
        string members = "\"taskId\":" + JsonSerializer.Serialize(taskId) + (extraMembers.Length > 0 ? "," + extraMembers : "");
        HttpRequestMessage request = McpTestHost.Post(ClientInputServers.ModernBody(method, members, id, capabilities),
            ("MCP-Protocol-Version", McpTestHost.Modern), ("Mcp-Method", method), ("Mcp-Name", name ?? taskId));
        if (user is not null)
        {
            request.Headers.Add("X-User", user);
        }

        return request;
    }

    /// <summary>tasks/get, asserting a result.</summary>
    public static async Task<JsonElement> GetAsync(HttpClient client, string taskId, string? user = null)
        => await McpTestHost.AssertResultAsync(await client.SendAsync(TaskRequest("tasks/get", taskId, user: user)));

    /// <summary>Polls tasks/get until the task has <paramref name="status"/> or a terminal one (at most <paramref name="seconds"/>).</summary>
    public static async Task<JsonElement> PollAsync(HttpClient client, string taskId, string? status = null, double seconds = 20, string? user = null)
    {
        DateTime deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            JsonElement task = await GetAsync(client, taskId, user);
            string current = task.GetProperty("status").GetString()!;
            if (current == status || current is "completed" or "failed" or "cancelled")
            {
                return task;
            }

            Assert.True(DateTime.UtcNow < deadline, $"Task {taskId} is still {current} after {seconds} s.");
            await System.Threading.Tasks.Task.Delay(20);
        }
    }

    /// <summary>The CreateTaskResult of a call (asserting its flat shape) and its task id.</summary>
    public static async Task<string> AssertCreatedAsync(HttpResponseMessage response, string id = "1")
    {
        JsonElement result = await McpTestHost.AssertResultAsync(response, id);
        Assert.Equal("task", result.GetProperty("resultType").GetString());
        Assert.False(result.TryGetProperty("task", out _));
        Assert.False(result.TryGetProperty("result", out _));
        Assert.False(result.TryGetProperty("inputRequests", out _));
        Assert.False(result.TryGetProperty("requestState", out _));
        Assert.Equal("working", result.GetProperty("status").GetString());
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$", result.GetProperty("createdAt").GetString());
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$", result.GetProperty("lastUpdatedAt").GetString());
        Assert.True(result.GetProperty("ttlMs").GetInt64() > 0);
        Assert.True(result.GetProperty("pollIntervalMs").GetInt64() > 0);
        string taskId = result.GetProperty("taskId").GetString()!;
        Assert.Matches("^[A-Za-z0-9_-]{22}$", taskId); // 128 random bits, base64url
        return taskId;
    }
}
