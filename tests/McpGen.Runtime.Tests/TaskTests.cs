using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using McpGen.Runtime.Tests.Infrastructure;
using McpGen.Sessions;
using McpGen.Testing;
using McpGen.Tasks;
using Microsoft.Extensions.DependencyInjection;
using static McpGen.Runtime.Tests.Infrastructure.McpTestHost;
using static McpGen.Runtime.Tests.Infrastructure.TaskServers;

namespace McpGen.Runtime.Tests;

/// <summary>
/// The Tasks extension (2026-07-28) over HTTP: negotiation, the flat CreateTaskResult, tasks/get, tasks/update,
/// tasks/cancel, status semantics, principals, headers, limits and the lease sweeper; in every session mode.
/// </summary>
public sealed class TaskTests
{
    private static Task<McpTestHost> StartAsync(McpSessionMode mode = McpSessionMode.Stateless, Action<McpServerOptions>? configure = null)
        => McpTestHost.StartAsync(Create(mode), configure, null, ClientInputServers.UserFromHeader);

    [Theory]
    [InlineData(McpSessionMode.Stateless)]
    [InlineData(McpSessionMode.Sticky)]
    [InlineData(McpSessionMode.Store)]
    public async Task A_declared_call_becomes_a_task_that_any_poll_sees_through_to_its_result(McpSessionMode mode)
    {
        await using McpTestHost host = await StartAsync(mode);

        JsonElement discover = await AssertResultAsync(await host.SendModernAsync("server/discover"));
        Assert.Equal("{}", discover.GetProperty("capabilities").GetProperty("extensions").GetProperty("io.modelcontextprotocol/tasks").GetRawText());
        Assert.False(discover.GetProperty("capabilities").TryGetProperty("tasks", out _));

        string taskId = await AssertCreatedAsync(await host.Client.SendAsync(Call("job")));

        // Strongly consistent create: the very next tasks/get finds it.
        JsonElement first = await GetAsync(host.Client, taskId);
        Assert.Equal("complete", first.GetProperty("resultType").GetString());
        Assert.Equal(taskId, first.GetProperty("taskId").GetString());
        Assert.Contains(first.GetProperty("status").GetString(), new[] { "working", "completed" });
        Assert.False(first.TryGetProperty("requestState", out _));

        JsonElement done = await PollAsync(host.Client, taskId);
        Assert.Equal("completed", done.GetProperty("status").GetString());
        Assert.Equal("job done", done.GetProperty("result").GetProperty("content")[0].GetProperty("text").GetString());
        Assert.False(done.TryGetProperty("error", out _));
        Assert.False(done.GetProperty("result").TryGetProperty("_meta", out JsonElement meta) && meta.TryGetProperty("io.modelcontextprotocol/related-task", out _));
    }

    [Fact]
    public async Task Without_the_extension_an_optional_tool_answers_plainly_and_a_required_one_gets_32021()
    {
        await using McpTestHost host = await StartAsync();

        JsonElement plain = await AssertResultAsync(await host.Client.SendAsync(Call("job", NoTasksCapabilities)));
        Assert.Equal("complete", plain.GetProperty("resultType").GetString());
        Assert.Equal("job done", plain.GetProperty("content")[0].GetProperty("text").GetString());
        Assert.False(plain.TryGetProperty("taskId", out _));

        JsonElement error = await AssertErrorAsync(await host.Client.SendAsync(Call("required_job", NoTasksCapabilities)), 400, -32021, "1");
        Assert.Equal("{}", error.GetProperty("data").GetProperty("requiredCapabilities").GetProperty("extensions").GetProperty("io.modelcontextprotocol/tasks").GetRawText());

        // A tool that is never a task is never promoted, extension or not.
        JsonElement never = await AssertResultAsync(await host.Client.SendAsync(Call("plain")));
        Assert.Equal("plain", never.GetProperty("content")[0].GetProperty("text").GetString());

        // tasks/* without the extension: -32021 as well.
        await AssertErrorAsync(await host.Client.SendAsync(TaskRequest("tasks/get", "whatever", capabilities: NoTasksCapabilities)), 400, -32021, "1");
        await AssertErrorAsync(await host.Client.SendAsync(TaskRequest("tasks/cancel", "whatever", capabilities: NoTasksCapabilities)), 400, -32021, "1");
    }

    [Fact]
    public async Task Initialize_era_clients_never_get_a_task()
    {
        await using McpTestHost host = await StartAsync();

        JsonElement plain = await AssertResultAsync(await host.SendLegacyAsync("tools/call", """{"name":"job","arguments":{}}"""));
        Assert.Equal("job done", plain.GetProperty("content")[0].GetProperty("text").GetString());
        JsonElement error = await AssertErrorAsync(await host.SendLegacyAsync("tools/call", """{"name":"required_job","arguments":{}}"""), 200, -32601, "1");
        Assert.Contains("2026-07-28", error.GetProperty("message").GetString());
        JsonElement initialize = await AssertResultAsync(await host.SendLegacyAsync("initialize", """{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}"""));
        Assert.False(initialize.GetProperty("capabilities").TryGetProperty("extensions", out _));
    }

    [Fact]
    public async Task A_tool_error_completes_with_isError_and_a_protocol_error_fails_with_the_error()
    {
        await using McpTestHost host = await StartAsync();

        JsonElement toolError = await PollAsync(host.Client, await AssertCreatedAsync(await host.Client.SendAsync(Call("tool_error"))));
        Assert.Equal("completed", toolError.GetProperty("status").GetString());
        Assert.True(toolError.GetProperty("result").GetProperty("isError").GetBoolean());
        Assert.Equal("The report source is empty.", toolError.GetProperty("result").GetProperty("content")[0].GetProperty("text").GetString());

        JsonElement failed = await PollAsync(host.Client, await AssertCreatedAsync(await host.Client.SendAsync(Call("protocol_error"))));
        Assert.Equal("failed", failed.GetProperty("status").GetString());
        Assert.Equal(-32603, failed.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal("The backend refused the job.", failed.GetProperty("error").GetProperty("message").GetString());
        Assert.False(failed.TryGetProperty("result", out _));
    }

    [Fact]
    public async Task Cancel_acknowledges_empty_cancels_the_handler_and_is_idempotent()
    {
        await using McpTestHost host = await StartAsync();
        int before = Cancelled.GetValueOrDefault("forever");
        string taskId = await AssertCreatedAsync(await host.Client.SendAsync(Call("forever")));

        JsonElement ack = await AssertResultAsync(await host.Client.SendAsync(TaskRequest("tasks/cancel", taskId)));
        Assert.Equal("complete", ack.GetProperty("resultType").GetString());
        foreach (string member in new[] { "taskId", "status", "result", "error", "inputRequests" })
        {
            Assert.False(ack.TryGetProperty(member, out _), member);
        }

        Assert.Equal("cancelled", (await GetAsync(host.Client, taskId)).GetProperty("status").GetString());
        DateTime deadline = DateTime.UtcNow.AddSeconds(20);
        while (Cancelled.GetValueOrDefault("forever") == before)
        {
            Assert.True(DateTime.UtcNow < deadline, "The handler's cancellation token was never cancelled.");
            await Task.Delay(20);
        }

        // Again, and on a finished task: the same empty ack; the status stays.
        await AssertResultAsync(await host.Client.SendAsync(TaskRequest("tasks/cancel", taskId)));
        string finished = await AssertCreatedAsync(await host.Client.SendAsync(Call("instant")));
        Assert.Equal("completed", (await PollAsync(host.Client, finished)).GetProperty("status").GetString());
        await AssertResultAsync(await host.Client.SendAsync(TaskRequest("tasks/cancel", finished)));
        Assert.Equal("completed", (await GetAsync(host.Client, finished)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Input_inside_a_task_is_asked_in_inputRequests_and_answered_with_tasks_update()
    {
        await using McpTestHost host = await StartAsync();
        string taskId = await AssertCreatedAsync(await host.Client.SendAsync(Call("asks")));

        JsonElement waiting = await PollAsync(host.Client, taskId, "input_required");
        Assert.Equal("input_required", waiting.GetProperty("status").GetString());
        JsonElement request = waiting.GetProperty("inputRequests").GetProperty("name");
        Assert.Equal("elicitation/create", request.GetProperty("method").GetString());
        Assert.Equal("Name?", request.GetProperty("params").GetProperty("message").GetString());

        // Unknown keys are ignored (and acknowledged).
        JsonElement ignored = await AssertResultAsync(await host.Client.SendAsync(TaskRequest("tasks/update", taskId, "\"inputResponses\":{\"other\":{\"action\":\"cancel\"}}")));
        Assert.Equal("complete", ignored.GetProperty("resultType").GetString());
        Assert.Equal("input_required", (await GetAsync(host.Client, taskId)).GetProperty("status").GetString());

        await AssertResultAsync(await host.Client.SendAsync(TaskRequest("tasks/update", taskId, "\"inputResponses\":{\"name\":" + ClientInputServers.Accept("Ann") + "}")));
        JsonElement after = await GetAsync(host.Client, taskId); // read-your-writes: the answered key is gone
        Assert.False(after.TryGetProperty("inputRequests", out JsonElement left) && left.TryGetProperty("name", out _));

        JsonElement done = await PollAsync(host.Client, taskId);
        Assert.Equal("completed", done.GetProperty("status").GetString());
        Assert.Equal("Hello, Ann!", done.GetProperty("result").GetProperty("content")[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task Partial_answers_keep_the_task_input_required_with_only_the_open_key()
    {
        await using McpTestHost host = await StartAsync();
        string taskId = await AssertCreatedAsync(await host.Client.SendAsync(Call("asks_two")));

        DateTime deadline = DateTime.UtcNow.AddSeconds(20);
        JsonElement waiting;
        while ((waiting = await GetAsync(host.Client, taskId)).GetProperty("status").GetString() != "input_required"
            || waiting.GetProperty("inputRequests").EnumerateObject().Count() < 2)
        {
            Assert.True(DateTime.UtcNow < deadline);
            await Task.Delay(20);
        }

        await AssertResultAsync(await host.Client.SendAsync(TaskRequest("tasks/update", taskId, "\"inputResponses\":{\"first\":" + ClientInputServers.Accept("A") + "}")));
        JsonElement partial = await GetAsync(host.Client, taskId);
        Assert.Equal("input_required", partial.GetProperty("status").GetString());
        Assert.Equal(["second"], partial.GetProperty("inputRequests").EnumerateObject().Select(p => p.Name));

        await AssertResultAsync(await host.Client.SendAsync(TaskRequest("tasks/update", taskId, "\"inputResponses\":{\"second\":" + ClientInputServers.Accept("B") + "}")));
        Assert.Equal("A+B", (await PollAsync(host.Client, taskId)).GetProperty("result").GetProperty("content")[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task Input_asked_before_the_first_await_is_a_multi_round_trip_round_then_the_call_becomes_a_task()
    {
        await using McpTestHost host = await StartAsync();

        (JsonElement requests, string state) = await ClientInputServers.AssertInputRequiredAsync(await host.Client.SendAsync(Call("mrtr_then_task")));
        Assert.Equal(["user_name"], requests.EnumerateObject().Select(p => p.Name));

        HttpResponseMessage second = await host.Client.SendAsync(Call("mrtr_then_task",
            inputResponses: ClientInputServers.Answers(("user_name", ClientInputServers.Accept("Alice"))), requestState: state, id: "2"));
        string taskId = await AssertCreatedAsync(second, "2");
        Assert.Equal("Task greets Alice", (await PollAsync(host.Client, taskId)).GetProperty("result").GetProperty("content")[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task Tasks_belong_to_their_principal_and_unknown_ids_get_32602()
    {
        await using McpTestHost host = await StartAsync();
        string taskId = await AssertCreatedAsync(await host.Client.SendAsync(Call("forever", user: "alice")));

        Assert.Equal("working", (await GetAsync(host.Client, taskId, user: "alice")).GetProperty("status").GetString());
        JsonElement other = await AssertErrorAsync(await host.Client.SendAsync(TaskRequest("tasks/get", taskId, user: "bob")), 200, -32602, "1");
        Assert.Contains("Task not found", other.GetProperty("message").GetString());
        await AssertErrorAsync(await host.Client.SendAsync(TaskRequest("tasks/cancel", taskId, user: "bob")), 200, -32602, "1");
        await AssertErrorAsync(await host.Client.SendAsync(TaskRequest("tasks/update", taskId, "\"inputResponses\":{}", user: "bob")), 200, -32602, "1");
        await AssertErrorAsync(await host.Client.SendAsync(TaskRequest("tasks/get", "tasks-conformance-nonexistent-12345")), 200, -32602, "1");

        // Bob's cancel did nothing.
        Assert.Equal("working", (await GetAsync(host.Client, taskId, user: "alice")).GetProperty("status").GetString());
        await AssertResultAsync(await host.Client.SendAsync(TaskRequest("tasks/cancel", taskId, user: "alice")));
    }

    [Fact]
    public async Task Mcp_Name_must_mirror_the_task_id_and_removed_methods_are_not_found()
    {
        await using McpTestHost host = await StartAsync();
        string taskId = await AssertCreatedAsync(await host.Client.SendAsync(Call("instant")));

        JsonElement mismatch = await AssertErrorAsync(await host.Client.SendAsync(TaskRequest("tasks/get", taskId, name: "another-task")), 400, -32020, "1");
        Assert.Contains("Mcp-Name", mismatch.GetProperty("message").GetString());
        await AssertErrorAsync(await host.Client.SendAsync(TaskRequest("tasks/get", "", extraMembers: "", name: "x")), 400, -32020, "1");
        await AssertErrorAsync(await host.SendModernAsync("tasks/get", "\"taskId\":7"), 200, -32602, "1");

        foreach (string removed in new[] { "tasks/result", "tasks/list" })
        {
            JsonElement error = await AssertErrorAsync(await host.SendModernAsync(removed, "\"taskId\":\"" + taskId + "\""), 404, -32601, "1");
            Assert.Contains("tasks/get", error.GetProperty("message").GetString());
        }
    }

    [Fact]
    public async Task A_principal_cannot_have_more_live_tasks_than_the_limit()
    {
        await using McpTestHost host = await StartAsync(configure: o => o.Tasks.MaxLiveTasksPerPrincipal = 2);
        string a = await AssertCreatedAsync(await host.Client.SendAsync(Call("forever", user: "carol")));
        await AssertCreatedAsync(await host.Client.SendAsync(Call("forever", user: "carol")));

        JsonElement refused = await AssertErrorAsync(await host.Client.SendAsync(Call("forever", user: "carol")), 200, -32603, "1");
        Assert.Contains("MaxLiveTasksPerPrincipal", refused.GetProperty("message").GetString());
        await AssertCreatedAsync(await host.Client.SendAsync(Call("forever", user: "dave"))); // per principal

        await AssertResultAsync(await host.Client.SendAsync(TaskRequest("tasks/cancel", a, user: "carol")));
        await AssertCreatedAsync(await host.Client.SendAsync(Call("forever", user: "carol")));
    }

    [Fact]
    public async Task Progress_messages_become_the_status_message()
    {
        await using McpTestHost host = await StartAsync();
        string gate = Guid.NewGuid().ToString("N");
        string taskId = await AssertCreatedAsync(await host.Client.SendAsync(Call("progress", arguments: "{\"gate\":\"" + gate + "\"}")));

        DateTime deadline = DateTime.UtcNow.AddSeconds(20);
        while (!(await GetAsync(host.Client, taskId)).TryGetProperty("statusMessage", out JsonElement message) || message.GetString() != "half way")
        {
            Assert.True(DateTime.UtcNow < deadline, "The progress message never became the status message.");
            await Task.Delay(20);
        }

        Gates.GetOrAdd(gate, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        Assert.Equal("progressed", (await PollAsync(host.Client, taskId)).GetProperty("result").GetProperty("content")[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task A_task_whose_worker_stopped_renewing_its_lease_ends_failed_saying_so()
    {
        await using McpTestHost host = await StartAsync(configure: o =>
        {
            o.Tasks.LeaseDuration = TimeSpan.FromMilliseconds(300);
            o.Tasks.SweepInterval = TimeSpan.FromMilliseconds(100);
        });
        IMcpTaskStore store = host.Services.GetRequiredService<IMcpTaskStore>();
        DateTimeOffset now = DateTimeOffset.UtcNow;
        string taskId = McpTaskRuntime.NewTaskId();
        Assert.True(await store.CreateAsync(new McpTaskRecord
        {
            TaskId = taskId,
            ServerName = "feature-server",
            PrincipalKey = McpTaskRuntime.PrincipalKeyOf(null),
            ToolName = "forever",
            Status = McpTaskStatus.Working,
            CreatedAt = now,
            LastUpdatedAt = now,
            TimeToLive = TimeSpan.FromMinutes(5),
            PollInterval = TimeSpan.FromSeconds(1),
            LeaseOwner = "replica-that-died/0000",
            LeaseExpiresAt = now + TimeSpan.FromMilliseconds(200),
        }, 0, CancellationToken.None));

        // The server must be serving tasks for its sweeper to run: any task call starts it (it starts with the endpoint).
        JsonElement failed = await PollAsync(host.Client, taskId, seconds: 20);
        Assert.Equal("failed", failed.GetProperty("status").GetString());
        Assert.Equal(-32603, failed.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Contains("replica-that-died/0000", failed.GetProperty("error").GetProperty("message").GetString());
        Assert.Contains("lost", failed.GetProperty("statusMessage").GetString());
    }

    [Fact]
    public async Task Task_options_out_of_range_fail_the_start()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => StartAsync(configure: o =>
        {
            o.Tasks.MaxLiveTasksPerPrincipal = -1;
            o.Tasks.LeaseDuration = TimeSpan.FromMilliseconds(10);
        }));
        Assert.Contains("Tasks.MaxLiveTasksPerPrincipal", error.Message);
        Assert.Contains("Tasks.LeaseDuration", error.Message);
    }

    [Fact]
    public async Task A_listen_stream_hears_the_status_changes_of_the_tasks_it_asked_for_from_another_replica_and_no_others()
    {
        // Two replicas sharing the backplane and the task store: the listen stream is on a, the tasks run on b.
        var backplane = new InMemoryMcpBackplane();
        var store = new InMemoryMcpTaskStore();
        void Shared(IServiceCollection services)
        {
            services.AddSingleton<IMcpBackplane>(backplane);
            services.AddSingleton<IMcpTaskStore>(store);
        }

        await using McpTestHost a = await McpTestHost.StartAsync(Create(), null, Shared, ClientInputServers.UserFromHeader);
        await using McpTestHost b = await McpTestHost.StartAsync(Create(), null, Shared, ClientInputServers.UserFromHeader);
        string gateA = Guid.NewGuid().ToString("N"), gateB = Guid.NewGuid().ToString("N"), gateC = Guid.NewGuid().ToString("N");
        string watched = await AssertCreatedAsync(await b.Client.SendAsync(Call("progress", arguments: "{\"gate\":\"" + gateA + "\"}")));
        string other = await AssertCreatedAsync(await b.Client.SendAsync(Call("progress", arguments: "{\"gate\":\"" + gateB + "\"}")));
        string eves = await AssertCreatedAsync(await b.Client.SendAsync(Call("progress", arguments: "{\"gate\":\"" + gateC + "\"}", user: "eve")));

        // Without the extension: -32021.
        string filter = "\"notifications\":{\"taskIds\":[" + JsonSerializer.Serialize(watched) + "," + JsonSerializer.Serialize(eves) + ",\"no-such-task\"]}";
        await AssertErrorAsync(await a.Client.SendAsync(Listen(filter, NoTasksCapabilities)), 400, -32021, "\"listen-1\"");

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using HttpResponseMessage response = await a.Client.SendAsync(Listen(filter, TasksCapabilities), HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token), Encoding.UTF8);
        JsonElement ack = await SseReader.NextMessageAsync(reader, timeout.Token);
        Assert.Equal("notifications/subscriptions/acknowledged", ack.GetProperty("method").GetString());

        // Agreed: the caller's own live task only (eve's task and an unknown id look alike: left out).
        Assert.Equal("{\"taskIds\":[" + JsonSerializer.Serialize(watched) + "]}", ack.GetProperty("params").GetProperty("notifications").GetRawText());

        // The other tasks end first (their status changes are signalled, and must not reach the stream), then the watched one.
        Open(gateB);
        Open(gateC);
        Assert.Equal("completed", (await PollAsync(b.Client, other)).GetProperty("status").GetString());
        Assert.Equal("completed", (await PollAsync(b.Client, eves, user: "eve")).GetProperty("status").GetString());
        Open(gateA);

        var heard = new List<JsonElement>();
        while (heard.Count == 0 || heard[^1].GetProperty("params").GetProperty("status").GetString() != "completed")
        {
            heard.Add(await SseReader.NextMessageAsync(reader, timeout.Token));
        }

        foreach (JsonElement notification in heard)
        {
            Assert.Equal("notifications/tasks", notification.GetProperty("method").GetString());
            JsonElement task = notification.GetProperty("params");
            Assert.Equal(watched, task.GetProperty("taskId").GetString());
            Assert.Equal("listen-1", task.GetProperty("_meta").GetProperty("io.modelcontextprotocol/subscriptionId").GetString());
            string? problems = CheckWire("TaskStatusNotification", notification);
            Assert.True(problems is null, $"notifications/tasks does not validate: {problems}\n{notification}");
        }

        // The last one is what tasks/get says now: the complete DetailedTask with the result.
        JsonElement last = heard[^1].GetProperty("params");
        JsonElement polled = await GetAsync(a.Client, watched);
        Assert.Equal("progressed", last.GetProperty("result").GetProperty("content")[0].GetProperty("text").GetString());
        Assert.Equal(polled.GetProperty("lastUpdatedAt").GetString(), last.GetProperty("lastUpdatedAt").GetString());
        Assert.Equal(polled.GetProperty("result").GetRawText(), last.GetProperty("result").GetRawText());
    }

    private static void Open(string gate) => Gates.GetOrAdd(gate, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    private static HttpRequestMessage Listen(string members, string capabilities)
        => McpTestHost.Post(ClientInputServers.ModernBody("subscriptions/listen", members, "\"listen-1\"", capabilities),
            ("MCP-Protocol-Version", McpTestHost.Modern), ("Mcp-Method", "subscriptions/listen"));

    private static readonly Lazy<string> s_wireSchema = new(() => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Shared", "TaskWireSchema.json")));

    /// <summary>Validates against a definition of tests/Shared/TaskWireSchema.json (ours, from the extension's text).</summary>
    private static string? CheckWire(string definition, JsonElement instance)
    {
        JsonObject schema = JsonNode.Parse(s_wireSchema.Value)!.AsObject();
        schema["$ref"] = "#/$defs/" + definition;
        using JsonDocument compiled = JsonDocument.Parse(schema.ToJsonString());
        return new SpecSchemas(AppContext.BaseDirectory).CheckAgainst(compiled.RootElement, instance);
    }
}
