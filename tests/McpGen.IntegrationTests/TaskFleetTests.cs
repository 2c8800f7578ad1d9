using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using McpGen.Testing;
using Xunit.Abstractions;

namespace McpGen.IntegrationTests;

/// <summary>
/// Durable tasks (issue 13) over a fleet: three stateless replicas of samples/Everything sharing PostgreSQL (task store
/// and backplane) behind haproxy round-robin, no affinity. 100 tasks of a few seconds, polled through the balancer;
/// some answered with tasks/update, some cancelled, and the replica r2 is killed while it runs its share. Raw HTTP
/// (the C# client 2.3.1 does not speak the Tasks extension).
/// </summary>
public sealed class TaskFleetTests(ITestOutputHelper output)
{
    private const string Meta = """{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientInfo":{"name":"task-fleet","version":"1"},"io.modelcontextprotocol/clientCapabilities":{"elicitation":{},"extensions":{"io.modelcontextprotocol/tasks":{}}}}""";

    private sealed record Created(string TaskId, string Kind, string Replica);

    private static readonly Lazy<string> s_extensionSchema = new(() => File.ReadAllText(Path.Combine(RepoPaths.Root, "tests", "Shared", "TaskWireSchema.json")));

    private static readonly string[] s_validated = ["CreateTaskResult", "GetTaskResult", "UpdateTaskResult", "CancelTaskResult"];

    /// <summary>Validates a result against a definition of our schema of the Tasks extension's results (tests/Shared/TaskWireSchema.json, written from the specification text).</summary>
    private static void AssertValid(string definition, JsonElement result)
    {
        string? problems = Check(definition, result);
        Assert.True(problems is null, $"{definition} does not validate: {problems}\n{result}");
    }

    private static string? Check(string definition, JsonElement instance)
    {
        JsonObject schema = JsonNode.Parse(s_extensionSchema.Value)!.AsObject();
        schema["$ref"] = "#/$defs/" + definition;
        using JsonDocument compiled = JsonDocument.Parse(schema.ToJsonString());
        return SpecSchemas.Shared().CheckAgainst(compiled.RootElement, instance);
    }

    [Theory]
    [InlineData("CreateTaskResult", true, """{"resultType":"task","taskId":"t1","status":"working","createdAt":"2026-12-08T02:00:00Z","lastUpdatedAt":"2026-12-08T02:00:00Z","ttlMs":60000,"pollIntervalMs":1000}""")]
    [InlineData("CreateTaskResult", false, """{"resultType":"complete","taskId":"t1","status":"working","createdAt":"2026-12-08T02:00:00Z","lastUpdatedAt":"2026-12-08T02:00:00Z","ttlMs":60000}""")]
    [InlineData("CreateTaskResult", false, """{"resultType":"task","taskId":"t1","status":"working","createdAt":"2026-12-08T02:00:00Z","lastUpdatedAt":"2026-12-08T02:00:00Z"}""")]
    [InlineData("GetTaskResult", true, """{"resultType":"complete","taskId":"t1","status":"completed","createdAt":"2026-12-08T02:00:00Z","lastUpdatedAt":"2026-12-08T02:00:01Z","ttlMs":null,"result":{"content":[]}}""")]
    [InlineData("GetTaskResult", false, """{"resultType":"complete","taskId":"t1","status":"completed","createdAt":"2026-12-08T02:00:00Z","lastUpdatedAt":"2026-12-08T02:00:01Z","ttlMs":null}""")]
    [InlineData("GetTaskResult", false, """{"resultType":"complete","taskId":"t1","status":"working","createdAt":"2026-12-08T02:00:00Z","lastUpdatedAt":"2026-12-08T02:00:01Z","ttlMs":5,"result":{}}""")]
    [InlineData("GetTaskResult", false, """{"resultType":"complete","taskId":"t1","status":"failed","createdAt":"2026-12-08T02:00:00Z","lastUpdatedAt":"2026-12-08T02:00:01Z","ttlMs":5,"error":{"message":"no code"}}""")]
    [InlineData("GetTaskResult", false, """{"resultType":"complete","taskId":"t1","status":"done","createdAt":"2026-12-08T02:00:00Z","lastUpdatedAt":"2026-12-08T02:00:01Z","ttlMs":5}""")]
    [InlineData("GetTaskResult", true, """{"resultType":"complete","taskId":"t1","status":"input_required","createdAt":"2026-12-08T02:00:00Z","lastUpdatedAt":"2026-12-08T02:00:01Z","ttlMs":5,"inputRequests":{"k":{"method":"elicitation/create","params":{}}}}""")]
    [InlineData("GetTaskResult", false, """{"resultType":"complete","taskId":"t1","status":"input_required","createdAt":"yesterday","lastUpdatedAt":"2026-12-08T02:00:01Z","ttlMs":5,"inputRequests":{"k":{"method":"elicitation/create"}}}""")]
    [InlineData("UpdateTaskResult", true, """{"resultType":"complete"}""")]
    [InlineData("CancelTaskResult", false, """{"resultType":"complete","taskId":"t1"}""")]
    public void The_task_wire_schema_tells_right_shapes_from_wrong_ones(string definition, bool valid, string json)
    {
        using JsonDocument instance = JsonDocument.Parse(json);
        string? problems = Check(definition, instance.RootElement);
        Assert.True(valid == (problems is null), $"{definition} {(valid ? "rejected" : "accepted")} {json}: {problems}");
    }

    [Fact]
    public async Task Hundred_tasks_over_three_replicas_all_end_once_and_a_killed_replicas_tasks_fail_saying_so()
    {
        // Compile the schemas first (it takes a moment): the cancellations below must reach the store before r2's lease expires.
        using (JsonDocument empty = JsonDocument.Parse("{}"))
        {
            foreach (string definition in s_validated)
            {
                _ = Check(definition, empty.RootElement);
            }
        }

        string schema = FleetPostgres.NewSchema();
        try
        {
            string postgres = await FleetPostgres.ConnectionStringAsync();
            await using ReplicaFleet fleet = await ReplicaFleet.StartAsync(3, "stateless",
                ["--postgres", postgres, "--pg-schema", schema, "--task-lease-ms", "2000", "--task-sweep-ms", "400"]);
            await using LoadBalancer haproxy = await LoadBalancer.StartHaproxyAsync("roundrobin.cfg", fleet.Ports);
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(15) };
            var clock = Stopwatch.StartNew();

            // 70 computations of 4 s, 15 confirmations answered through tasks/update, 15 long ones cancelled.
            var created = new ConcurrentBag<Created>();
            var createResults = new ConcurrentBag<JsonElement>();
            await Parallel.ForEachAsync(Enumerable.Range(0, 100), new ParallelOptions { MaxDegreeOfParallelism = 10 }, async (i, ct) =>
            {
                (string kind, string tool, string arguments) = i % 20 < 14 ? ("compute", "slow_compute", $$"""{"seconds":4,"label":"t{{i}}"}""")
                    : i % 20 < 17 ? ("confirm", "confirm_delete", $$"""{"filename":"f{{i}}.txt"}""")
                    : ("cancel", "slow_compute", $$"""{"seconds":40,"label":"c{{i}}"}""");
                (JsonElement result, string replica) = await PostAsync(http, haproxy.Endpoint, "tools/call", tool, $"\"name\":\"{tool}\",\"arguments\":{arguments}");
                Assert.Equal("task", result.GetProperty("resultType").GetString());
                createResults.Add(result);
                created.Add(new Created(result.GetProperty("taskId").GetString()!, kind, replica));
            });
            Assert.Equal(100, created.Count);
            Assert.Equal(100, created.Select(c => c.TaskId).Distinct().Count());
            var byReplica = created.GroupBy(c => c.Replica).ToDictionary(g => g.Key, g => g.Count());
            Assert.Equal(["r1", "r2", "r3"], byReplica.Keys.Order());

            // Cancel the long ones through whichever replica haproxy picks (the replica running each one hears of it through
            // the store and the backplane). Then kill r2 while its computations run (they need 4 s) and its
            // confirmations wait for an answer that never comes, and answer the other confirmations.
            foreach (Created task in created.Where(c => c.Kind == "cancel"))
            {
                (JsonElement ack, _) = await PostAsync(http, haproxy.Endpoint, "tasks/cancel", task.TaskId, $"\"taskId\":\"{task.TaskId}\"");
                Assert.Equal("complete", ack.GetProperty("resultType").GetString());
                AssertValid("CancelTaskResult", ack);
            }

            await fleet["r2"].KillAsync();
            TimeSpan killedAt = clock.Elapsed;
            foreach (Created task in created.Where(c => c.Kind == "confirm" && c.Replica != "r2"))
            {
                await AnswerAsync(http, haproxy.Endpoint, task.TaskId);
            }

            // Every task ends, on the surviving replicas, within the lease (2 s) plus a sweep or two.
            var final = new Dictionary<string, JsonElement>();
            DateTime deadline = DateTime.UtcNow.AddSeconds(40);
            foreach (Created task in created)
            {
                while (true)
                {
                    JsonElement state = await GetAsync(http, haproxy.Endpoint, task.TaskId);
                    if (state.GetProperty("status").GetString() is "completed" or "failed" or "cancelled")
                    {
                        final[task.TaskId] = state;
                        break;
                    }

                    Assert.True(DateTime.UtcNow < deadline, $"task {task.TaskId} ({task.Kind} on {task.Replica}) is still {state.GetProperty("status")} 40 s after the kill\n{fleet.Describe()}");
                    await Task.Delay(200);
                }
            }

            TimeSpan allEnded = clock.Elapsed;

            // Validated only now: compiling the schema takes a moment, and the cancellations must come before r2's lease
            // expires (a lost task that the sweep failed first stays failed: one outcome).
            foreach (JsonElement result in createResults)
            {
                AssertValid("CreateTaskResult", result);
            }

            var counts = new Dictionary<string, int>();
            foreach (Created task in created)
            {
                JsonElement state = final[task.TaskId];
                AssertValid("GetTaskResult", state);
                string status = state.GetProperty("status").GetString()!;
                counts[task.Kind + "/" + status] = counts.GetValueOrDefault(task.Kind + "/" + status) + 1;
                switch (task.Kind)
                {
                    case "cancel":
                        Assert.Equal("cancelled", status);
                        break;
                    case "confirm" when task.Replica == "r2":
                        Assert.Equal("failed", status);
                        Assert.Contains("(r2/", state.GetProperty("error").GetProperty("message").GetString());
                        break;
                    case "compute" when task.Replica == "r2" && status == "failed":
                        Assert.Contains("(r2/", state.GetProperty("error").GetProperty("message").GetString());
                        Assert.Contains("lost", state.GetProperty("statusMessage").GetString());
                        break;
                    case "compute":
                        Assert.Equal("completed", status);
                        Assert.StartsWith("Computed t", state.GetProperty("result").GetProperty("content")[0].GetProperty("text").GetString());
                        break;
                    default:
                        Assert.Equal("completed", status);
                        Assert.StartsWith("Deleted f", state.GetProperty("result").GetProperty("content")[0].GetProperty("text").GetString());
                        break;
                }
            }

            // r2 was killed about a second into its 4 s computations: they were lost, not finished (a slow start may let
            // a few finish first, and then they completed with their one result).
            Assert.True(counts.GetValueOrDefault("compute/failed") >= created.Count(c => c.Kind == "compute" && c.Replica == "r2") / 2,
                $"only {counts.GetValueOrDefault("compute/failed")} computations of r2 ended failed");

            // Each surviving replica answers every task itself, with the same final state: one outcome per task.
            foreach (ReplicaFleet.Replica replica in fleet.Replicas.Where(r => r.Id != "r2"))
            {
                foreach (Created task in created)
                {
                    JsonElement direct = await GetAsync(http, replica.Endpoint, task.TaskId);
                    Assert.Equal(final[task.TaskId].GetProperty("status").GetString(), direct.GetProperty("status").GetString());
                    Assert.Equal(Outcome(final[task.TaskId]), Outcome(direct));
                    Assert.Equal(final[task.TaskId].GetProperty("lastUpdatedAt").GetString(), direct.GetProperty("lastUpdatedAt").GetString());
                }
            }

            output.WriteLine($"100 tasks created on {string.Join(", ", byReplica.OrderBy(p => p.Key).Select(p => $"{p.Key} {p.Value}"))}; "
                + $"r2 killed at {killedAt.TotalSeconds:0.0} s, every task terminal at {allEnded.TotalSeconds:0.0} s ({(allEnded - killedAt).TotalSeconds:0.0} s after the kill); "
                + string.Join(", ", counts.OrderBy(p => p.Key).Select(p => $"{p.Key} {p.Value}")));
        }
        finally
        {
            await FleetPostgres.DropSchemaAsync(schema);
        }
    }

    private static string Outcome(JsonElement task)
        => task.TryGetProperty("result", out JsonElement result) ? result.GetRawText()
            : task.TryGetProperty("error", out JsonElement error) ? error.GetRawText() : "";

    /// <summary>Waits until the confirmation asks, then answers it.</summary>
    private static async Task AnswerAsync(HttpClient http, Uri endpoint, string taskId)
    {
        DateTime deadline = DateTime.UtcNow.AddSeconds(20);
        JsonElement state;
        while ((state = await GetAsync(http, endpoint, taskId)).GetProperty("status").GetString() != "input_required")
        {
            Assert.True(DateTime.UtcNow < deadline, $"task {taskId} never asked for its confirmation");
            await Task.Delay(50);
        }

        AssertValid("GetTaskResult", state);
        Assert.Equal("elicitation/create", state.GetProperty("inputRequests").GetProperty("confirm_delete").GetProperty("method").GetString());

        (JsonElement ack, _) = await PostAsync(http, endpoint, "tasks/update", taskId,
            $"\"taskId\":\"{taskId}\",\"inputResponses\":{{\"confirm_delete\":{{\"action\":\"accept\",\"content\":{{\"confirm\":true}}}}}}");
        Assert.Equal("complete", ack.GetProperty("resultType").GetString());
        AssertValid("UpdateTaskResult", ack);
    }

    private static async Task<JsonElement> GetAsync(HttpClient http, Uri endpoint, string taskId)
        => (await PostAsync(http, endpoint, "tasks/get", taskId, $"\"taskId\":\"{taskId}\"")).Result;

    /// <summary>
    /// One modern request; retried (bounded) when the balancer has not yet noticed the killed replica (a refused
    /// connection or a 5xx). A JSON-RPC error fails the test.
    /// </summary>
    private static async Task<(JsonElement Result, string Replica)> PostAsync(HttpClient http, Uri endpoint, string method, string name, string members)
    {
        string body = $"{{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"{method}\",\"params\":{{{members},\"_meta\":{Meta}}}}}";
        for (int attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new StringContent(body, Encoding.UTF8) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.TryAddWithoutValidation("Accept", "application/json, text/event-stream");
            request.Headers.TryAddWithoutValidation("MCP-Protocol-Version", "2026-07-28");
            request.Headers.TryAddWithoutValidation("Mcp-Method", method);
            request.Headers.TryAddWithoutValidation("Mcp-Name", name);
            try
            {
                using HttpResponseMessage response = await http.SendAsync(request);
                string text = await response.Content.ReadAsStringAsync();
                if ((int)response.StatusCode >= 500 && attempt < 20)
                {
                    await Task.Delay(250);
                    continue;
                }

                Assert.True(response.IsSuccessStatusCode, $"{method} {name}: HTTP {(int)response.StatusCode} {text}");
                JsonElement json = JsonDocument.Parse(text).RootElement.Clone();
                Assert.False(json.TryGetProperty("error", out JsonElement error), $"{method} {name}: {error}");
                string replica = response.Headers.TryGetValues("X-McpGen-Replica", out var values) ? values.First() : "?";
                return (json.GetProperty("result"), replica);
            }
            catch (HttpRequestException) when (attempt < 20)
            {
                await Task.Delay(250);
            }
        }
    }
}
