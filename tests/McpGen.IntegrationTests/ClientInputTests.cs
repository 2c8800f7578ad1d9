using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Everything;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using McpGen.ClientInput;
using McpGen.Dispatch;
using McpGen.Http;
using McpGen.Streaming;

namespace McpGen.IntegrationTests;

using CallToolResult = ModelContextProtocol.Protocol.CallToolResult;
using CreateMessageResult = ModelContextProtocol.Protocol.CreateMessageResult;
using ElicitResult = ModelContextProtocol.Protocol.ElicitResult;

/// <summary>
/// Client input on real Kestrel with real clients: 2026-07-28 multi round-trip requests (raw HTTP, the TypeScript v2
/// client, the official C# client), state shared by replicas through a Data Protection key ring, and initialize-era
/// requests on the call's SSE stream for a server with sessions.
/// </summary>
public sealed class ClientInputTests(EverythingHost stateless) : IClassFixture<EverythingHost>
{
    private const string AllCapabilities = """{"elicitation":{},"sampling":{},"roots":{}}""";

    private static readonly object Roots = new { roots = new[] { new { uri = "file:///repo", name = "Repo" } } };

    private static object Sampled(string text) => new { role = "assistant", content = new { type = "text", text }, model = "test-model", stopReason = "endTurn" };

    private static object Accept(object content) => new { action = "accept", content };

    // ----- raw HTTP -----

    [Fact]
    public async Task Raw_http_multi_round_trip_with_an_evolving_request_state()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };

        JsonElement r1 = await ResultAsync(await http.SendAsync(ModernCall(stateless.Endpoint, "test_input_required_result_multi_round", 1)));
        Assert.Equal("input_required", r1.GetProperty("resultType").GetString());
        Assert.Equal("Step 1: What is your name?", r1.GetProperty("inputRequests").GetProperty("step1").GetProperty("params").GetProperty("message").GetString());
        string state1 = r1.GetProperty("requestState").GetString()!;

        JsonElement r2 = await ResultAsync(await http.SendAsync(ModernCall(stateless.Endpoint, "test_input_required_result_multi_round", 2,
            inputResponses: new { step1 = Accept(new { name = "Alice" }) }, requestState: state1)));
        Assert.Equal("input_required", r2.GetProperty("resultType").GetString());
        Assert.Equal(["step2"], r2.GetProperty("inputRequests").EnumerateObject().Select(p => p.Name));
        string state2 = r2.GetProperty("requestState").GetString()!;
        Assert.NotEqual(state1, state2);

        JsonElement r3 = await ResultAsync(await http.SendAsync(ModernCall(stateless.Endpoint, "test_input_required_result_multi_round", 3,
            inputResponses: new { step2 = Accept(new { color = "blue" }) }, requestState: state2)));
        Assert.Equal("complete", r3.GetProperty("resultType").GetString());
        Assert.Equal("Alice likes blue.", r3.GetProperty("content")[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task Raw_http_undeclared_capability_is_400_with_missing_required_client_capability()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };

        using HttpResponseMessage response = await http.SendAsync(ModernCall(stateless.Endpoint, "test_missing_capability", 9, capabilities: "{}"));

        Assert.Equal(400, (int)response.StatusCode);
        JsonElement error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
        Assert.Equal(-32021, error.GetProperty("code").GetInt32());
        Assert.Equal("""{"sampling":{}}""", error.GetProperty("data").GetProperty("requiredCapabilities").GetRawText());
    }

    [Fact]
    public async Task Raw_http_tampered_request_state_is_400_invalid_params()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        JsonElement r1 = await ResultAsync(await http.SendAsync(ModernCall(stateless.Endpoint, "test_input_required_result_tampered_state", 1)));
        string state = r1.GetProperty("requestState").GetString()!;

        using HttpResponseMessage response = await http.SendAsync(ModernCall(stateless.Endpoint, "test_input_required_result_tampered_state", 2,
            inputResponses: new { confirm = Accept(new { ok = true }) }, requestState: state + "-TAMPERED"));

        Assert.Equal(400, (int)response.StatusCode);
        JsonElement error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
        Assert.Equal(-32602, error.GetProperty("code").GetInt32());
        Assert.Contains("Start over", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replicas_sharing_a_data_protection_key_ring_accept_each_others_state()
    {
        string keys = Directory.CreateTempSubdirectory("mcpgen-keys-").FullName;
        string otherKeys = Directory.CreateTempSubdirectory("mcpgen-keys-").FullName;
        try
        {
            (WebApplication replicaA, Uri a) = await StartReplicaAsync(keys);
            await using WebApplication scopeA = replicaA;
            (WebApplication replicaB, Uri b) = await StartReplicaAsync(keys);
            await using WebApplication scopeB = replicaB;
            (WebApplication stranger, Uri c) = await StartReplicaAsync(otherKeys);
            await using WebApplication scopeC = stranger;
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };

            JsonElement first = await ResultAsync(await http.SendAsync(ModernCall(a, "test_input_required_result_request_state", 1)));
            string state = first.GetProperty("requestState").GetString()!;
            object answers = new { confirm = Accept(new { ok = true }) };

            JsonElement onB = await ResultAsync(await http.SendAsync(ModernCall(b, "test_input_required_result_request_state", 2, answers, state)));
            using HttpResponseMessage onC = await http.SendAsync(ModernCall(c, "test_input_required_result_request_state", 3, answers, state));

            Assert.Equal("complete", onB.GetProperty("resultType").GetString());
            Assert.StartsWith("state-ok", onB.GetProperty("content")[0].GetProperty("text").GetString(), StringComparison.Ordinal);
            Assert.Equal(400, (int)onC.StatusCode);
            Assert.Contains("was not issued by this server", await onC.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(keys, recursive: true);
            Directory.Delete(otherKeys, recursive: true);
        }
    }

    // ----- the TypeScript v2 client (automatic input_required fulfilment) -----

    [Fact]
    public async Task TypeScript_v2_modern_fulfils_input_required_rounds_through_its_handlers()
    {
        object[] steps =
        [
            new { op = "call", name = "test_input_required_result_multiple_inputs", args = new { } },
            new { op = "call", name = "test_input_required_result_multi_round", args = new { } },
            new { op = "getPrompt", name = "test_input_required_result_prompt", args = new { } },
        ];
        object answers = new
        {
            elicitation = new[] { Accept(new { name = "Tess" }), Accept(new { name = "Ann" }), Accept(new { color = "red" }), Accept(new { context = "from TS" }) },
            sampling = Sampled("Hi there"),
            roots = Roots,
        };

        JsonElement report = await TypeScriptClient.RunAsync(stateless.Endpoint, "v2", "modern", "2026-07-28", steps, answers: answers);

        Assert.Equal("2026-07-28", report.GetProperty("connect").GetProperty("protocolVersion").GetString());
        Assert.Equal("name=Tess, greeting=Hi there, roots=1", Text(report.Step(0).GetProperty("result")));
        Assert.Equal("Ann likes red.", Text(report.Step(1).GetProperty("result")));
        Assert.Equal("Prompt with context: from TS",
            report.Step(2).GetProperty("result").GetProperty("messages")[0].GetProperty("content").GetProperty("text").GetString());
        // One round each for the three inputs started together, two rounds for the two steps, one for the prompt.
        Assert.Equal(
            ["elicitation/create:4", "roots/list:1", "sampling/createMessage:1"],
            report.GetProperty("inputs").EnumerateArray().GroupBy(i => i.GetProperty("method").GetString()).Select(g => $"{g.Key}:{g.Count()}").Order(StringComparer.Ordinal));
    }

    // ----- the official C# client -----

    [Fact]
    public async Task CSharp_modern_fulfils_input_required_rounds_through_its_handlers()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var asked = new List<string>();
        var handlers = new McpClientHandlers
        {
            ElicitationHandler = (request, _) =>
            {
                lock (asked)
                {
                    asked.Add("elicitation:" + request!.Message);
                }

                string field = request.Message.Contains("color", StringComparison.Ordinal) ? "color" : "name";
                return ValueTask.FromResult(new ElicitResult
                {
                    Action = "accept",
                    Content = new Dictionary<string, JsonElement> { [field] = JsonSerializer.SerializeToElement(field == "color" ? "green" : "Cee") },
                });
            },
            SamplingHandler = (request, _, _) =>
            {
                lock (asked)
                {
                    asked.Add("sampling");
                }

                return ValueTask.FromResult(new CreateMessageResult { Role = Role.Assistant, Model = "cs-model", Content = [new TextContentBlock { Text = "Bonjour" }] });
            },
            RootsHandler = (_, _) =>
            {
                lock (asked)
                {
                    asked.Add("roots");
                }

                return ValueTask.FromResult(new ListRootsResult { Roots = [new Root { Uri = "file:///cs", Name = "CS" }] });
            },
        };
        await using McpClient client = await CSharpClient.ConnectAsync(stateless.Endpoint, "2026-07-28", timeout.Token, handlers);

        CallToolResult multiple = await client.CallToolAsync("test_input_required_result_multiple_inputs", cancellationToken: timeout.Token);
        CallToolResult multiRound = await client.CallToolAsync("test_input_required_result_multi_round", cancellationToken: timeout.Token);
        CallToolResult roots = await client.CallToolAsync("test_input_required_result_list_roots", cancellationToken: timeout.Token);

        Assert.Equal("2026-07-28", client.NegotiatedProtocolVersion);
        Assert.Equal("name=Cee, greeting=Bonjour, roots=1", multiple.SingleText());
        Assert.Equal("Cee likes green.", multiRound.SingleText());
        Assert.Equal("Client roots: CS (file:///cs)", roots.SingleText());
        Assert.Contains("elicitation:Step 2: What is your favorite color?", asked);
        Assert.Contains("sampling", asked);
    }

    [Fact]
    public async Task CSharp_legacy_client_of_the_stateless_server_gets_a_tool_error_naming_the_fix()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var handlers = new McpClientHandlers { ElicitationHandler = (_, _) => ValueTask.FromResult(new ElicitResult { Action = "decline" }) };
        await using McpClient client = await CSharpClient.ConnectAsync(stateless.Endpoint, "2025-11-25", timeout.Token, handlers);

        CallToolResult result = await client.CallToolAsync("test_elicitation", new Dictionary<string, object?> { ["message"] = "Hi" }, cancellationToken: timeout.Token);

        Assert.True(result.IsError);
        Assert.Contains("Session = McpSessionMode.Sticky or McpSessionMode.Store", result.SingleText(), StringComparison.Ordinal);
    }

    // ----- initialize-era clients of a server with sessions -----

    [Theory]
    [InlineData("v1")]
    [InlineData("v2")]
    public async Task TypeScript_legacy_answers_requests_on_the_calls_stream(string sdk)
    {
        (WebApplication app, Uri endpoint) = await StartStickyAsync();
        await using WebApplication scope = app;
        object[] steps =
        [
            new { op = "call", name = "test_elicitation", args = new { message = "Who are you?" } },
            new { op = "call", name = "test_sampling", args = new { prompt = "Capital of France?" } },
            new { op = "call", name = "test_elicitation_sep1330_enums", args = new { } },
        ];
        object answers = new
        {
            elicitation = new object[]
            {
                Accept(new { username = "ts-user", email = "ts@example.com" }),
                Accept(new { untitledSingle = "option2", titledSingle = "value3", legacyEnum = "opt1", untitledMulti = new[] { "option1" }, titledMulti = new[] { "value1", "value2" } }),
            },
            sampling = Sampled("Paris"),
        };

        JsonElement report = await TypeScriptClient.RunAsync(endpoint, sdk, "legacy", "2025-11-25", steps, answers: answers);

        Assert.Equal("""User response: action=accept, content={"username":"ts-user","email":"ts@example.com"}""", Text(report.Step(0).GetProperty("result")));
        Assert.Equal("LLM response: Paris", Text(report.Step(1).GetProperty("result")));
        Assert.Equal(
            """Elicitation completed: action=accept, content={"untitledSingle":"option2","titledSingle":"value3","legacyEnum":"opt1","untitledMulti":["option1"],"titledMulti":["value1","value2"]}""",
            Text(report.Step(2).GetProperty("result")));
        JsonElement[] inputs = [.. report.GetProperty("inputs").EnumerateArray()];
        Assert.Equal(["elicitation/create", "sampling/createMessage", "elicitation/create"], inputs.Select(i => i.GetProperty("method").GetString()));
        Assert.Equal("Who are you?", inputs[0].GetProperty("params").GetProperty("message").GetString());
        Assert.Equal(["username", "email"], inputs[0].GetProperty("params").GetProperty("requestedSchema").GetProperty("required").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task CSharp_legacy_answers_requests_on_the_calls_stream()
    {
        (WebApplication app, Uri endpoint) = await StartStickyAsync();
        await using WebApplication scope = app;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        JsonElement? schema = null;
        var handlers = new McpClientHandlers
        {
            ElicitationHandler = (request, _) =>
            {
                schema = JsonSerializer.SerializeToElement(request!.RequestedSchema);
                return ValueTask.FromResult(new ElicitResult
                {
                    Action = "accept",
                    Content = new Dictionary<string, JsonElement>
                    {
                        ["name"] = JsonSerializer.SerializeToElement("Jane Smith"),
                        ["age"] = JsonSerializer.SerializeToElement(25),
                        ["status"] = JsonSerializer.SerializeToElement("inactive"),
                    },
                });
            },
        };
        await using McpClient client = await CSharpClient.ConnectAsync(endpoint, "2025-11-25", timeout.Token, handlers);

        CallToolResult result = await client.CallToolAsync("test_elicitation_sep1034_defaults", cancellationToken: timeout.Token);

        Assert.NotEqual(true, result.IsError);
        Assert.Equal("""Elicitation completed: action=accept, content={"name":"Jane Smith","age":25,"score":95.5,"status":"inactive","verified":true}""", result.SingleText());
        Assert.Equal(30, schema!.Value.GetProperty("properties").GetProperty("age").GetProperty("default").GetInt32());
    }

    // ----- helpers -----

    private static string? Text(JsonElement result) => result.GetProperty("content")[0].GetProperty("text").GetString();

    private static HttpRequestMessage ModernCall(Uri endpoint, string tool, int id, object? inputResponses = null, string? requestState = null, string capabilities = AllCapabilities)
    {
        var parameters = new Dictionary<string, object?>
        {
            ["name"] = tool,
            ["arguments"] = new { },
            ["_meta"] = new Dictionary<string, object>
            {
                ["io.modelcontextprotocol/protocolVersion"] = "2026-07-28",
                ["io.modelcontextprotocol/clientInfo"] = new { name = "raw-http", version = "1.0" },
                ["io.modelcontextprotocol/clientCapabilities"] = JsonDocument.Parse(capabilities).RootElement,
            },
        };
        if (inputResponses is not null)
        {
            parameters["inputResponses"] = inputResponses;
        }

        if (requestState is not null)
        {
            parameters["requestState"] = requestState;
        }

        string body = JsonSerializer.Serialize(new { jsonrpc = "2.0", id, method = "tools/call", @params = parameters });
        var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation("Accept", "application/json, text/event-stream");
        request.Headers.TryAddWithoutValidation("MCP-Protocol-Version", "2026-07-28");
        request.Headers.TryAddWithoutValidation("Mcp-Method", "tools/call");
        request.Headers.TryAddWithoutValidation("Mcp-Name", tool);
        return request;
    }

    private static async Task<JsonElement> ResultAsync(HttpResponseMessage response)
    {
        using (response)
        {
            string text = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, text);
            JsonElement message = JsonDocument.Parse(text).RootElement;
            Assert.True(message.TryGetProperty("result", out JsonElement result), text);
            return result.Clone();
        }
    }

    /// <summary>A stateless Everything replica whose Data Protection keys live in <paramref name="keyDirectory"/>.</summary>
    private static Task<(WebApplication App, Uri Endpoint)> StartReplicaAsync(string keyDirectory)
        => KestrelHost.StartAsync(
            services =>
            {
                services.AddDataProtection().PersistKeysToFileSystem(new DirectoryInfo(keyDirectory)).SetApplicationName("mcpgen-replicas");
                services.AddEverything("stateless");
            },
            app => app.MapEverything("stateless"));

    /// <summary>The sticky Everything server: requests to the client are checked against what it declared in initialize.</summary>
    private static Task<(WebApplication App, Uri Endpoint)> StartStickyAsync()
        => KestrelHost.StartAsync(
            services => services.AddEverything("sticky"),
            app => app.MapEverything("sticky"));
}
