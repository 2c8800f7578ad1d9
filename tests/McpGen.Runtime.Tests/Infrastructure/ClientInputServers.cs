using System.Diagnostics.CodeAnalysis;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using McpGen;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using McpGen.ClientInput;
using McpGen.Dispatch;
using McpGen.Http;
using McpGen.Streaming;

namespace McpGen.Runtime.Tests.Infrastructure;

/// <summary>A hand-written elicitation form (what the generator emits for <c>[McpElicitationForm]</c>): one required string.</summary>
internal sealed class NameForm : IMcpElicitationForm<NameForm>
{
    public required string Name { get; init; }

    public static ReadOnlySpan<byte> RequestedSchema => """{"type":"object","properties":{"name":{"type":"string"}},"required":["name"]}"""u8;

    public static bool TryReadContent(ReadOnlySpan<byte> json, [NotNullWhen(true)] out NameForm? content, [NotNullWhen(false)] out string? error)
    {
        content = null;
        string? name = null;
        var reader = new Utf8JsonReader(json);
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            bool isName = reader.ValueTextEquals("name"u8);
            reader.Read();
            if (isName)
            {
                if (reader.TokenType != JsonTokenType.String)
                {
                    error = "'name' must be a string";
                    return false;
                }

                name = reader.GetString();
            }
            else
            {
                reader.Skip();
            }
        }

        if (name is null)
        {
            error = "'name' is required";
            return false;
        }

        content = new NameForm { Name = name };
        error = null;
        return true;
    }
}

/// <summary>Tools, a prompt and a resource that ask the client for input, and the requests that drive them.</summary>
internal static class ClientInputServers
{
    /// <summary>Counts how often each handler started (a 2026-07-28 attempt re-runs the handler from the start).</summary>
    public static readonly Dictionary<string, int> Runs = [];

    public static FeatureServerDefinition Create(McpSessionMode sessionMode = McpSessionMode.Stateless, bool legacySse = false) => new(
        [
            TestTools.Tool("greet", Greet, McpHandlerFeatures.RequestContext, properties: """{"x":{"type":"integer"}}"""),
            TestTools.Tool("three", Three, McpHandlerFeatures.RequestContext),
            TestTools.Tool("two_steps", TwoSteps, McpHandlerFeatures.RequestContext),
            TestTools.Tool("late_asks", LateAsks, McpHandlerFeatures.RequestContext),
            TestTools.Tool("sample_only", SampleOnly, McpHandlerFeatures.RequestContext),
            TestTools.Tool("url", Url, McpHandlerFeatures.RequestContext),
            TestTools.Tool("no_context", ctx => { ctx.WriteText("plain"); return ValueTask.CompletedTask; }),
        ],
        [FeatureServers.Resource("test://ask", AskResource, features: McpHandlerFeatures.Progress | McpHandlerFeatures.RequestContext)],
        [FeatureServers.Prompt("ask_prompt", AskPrompt, features: McpHandlerFeatures.Progress | McpHandlerFeatures.RequestContext)],
        sessionMode: sessionMode)
    {
        LegacySse = legacySse,
    };

    private static async ValueTask Greet(McpHandlerContext ctx)
    {
        ElicitResult<NameForm> answer = await ctx.Request.ElicitAsync<NameForm>("What is your name?", "user_name", ctx.CancellationToken);
        ctx.WriteText(answer.IsAccepted ? $"Hello, {answer.Content.Name}!" : $"No name: {answer.Action}");
    }

    private static async ValueTask Three(McpHandlerContext ctx)
    {
        McpRequestContext request = ctx.Request;
        Task<ElicitResult<NameForm>> name = request.ElicitAsync<NameForm>("Name?");
        Task<CreateMessageResult> sample = request.SampleAsync(CreateMessageRequest.FromPrompt("Greeting?", 50));
        Task<IReadOnlyList<McpRoot>> roots = request.ListRootsAsync();
        await Task.WhenAll(name, sample, roots);
        ctx.WriteText($"{(await name).Content?.Name}|{(await sample).Text}|{(await roots).Count}:{(await roots)[0].Uri}");
    }

    private static async ValueTask TwoSteps(McpHandlerContext ctx)
    {
        lock (Runs)
        {
            Runs["two_steps"] = Runs.GetValueOrDefault("two_steps") + 1;
        }

        ElicitResult<NameForm> name = await ctx.Request.ElicitAsync<NameForm>("Step 1: name?", "step1");
        CreateMessageResult sample = await ctx.Request.SampleAsync(CreateMessageRequest.FromPrompt($"Greet {name.Content?.Name}", 20), "step2");
        ctx.WriteText($"{name.Content?.Name}: {sample.Text}");
    }

    private static async ValueTask LateAsks(McpHandlerContext ctx)
    {
        await Task.Delay(20, ctx.CancellationToken);
        Task<ElicitResult<NameForm>> first = ctx.Request.ElicitAsync<NameForm>("First?");
        Task<ElicitResult<NameForm>> second = ctx.Request.ElicitAsync<NameForm>("Second?");
        await Task.WhenAll(first, second);
        ctx.WriteText((await first).Content?.Name + "+" + (await second).Content?.Name);
    }

    private static async ValueTask SampleOnly(McpHandlerContext ctx)
    {
        CreateMessageResult result = await ctx.Request.SampleAsync(new CreateMessageRequest
        {
            Messages = [SamplingMessage.User("What is the capital of France?")],
            MaxTokens = 100,
            SystemPrompt = "Be brief.",
            Temperature = 0.5,
            StopSequences = ["\n"],
            ModelPreferences = new ModelPreferences { Hints = ["claude"], SpeedPriority = 0.9 },
        });
        ctx.WriteText($"{result.Model}: {result.Text} ({result.StopReason})");
    }

    private static async ValueTask Url(McpHandlerContext ctx)
    {
        ElicitResult result = await ctx.Request.ElicitUrlAsync("Sign in, please.", new Uri("https://example.com/login?x=1"));
        ctx.WriteText("url:" + result.Action);
    }

    private static async ValueTask AskResource(McpHandlerContext ctx)
    {
        ElicitResult<NameForm> answer = await ctx.Request.ElicitAsync<NameForm>("Whose data?", "owner");
        ctx.WriteResourceText("data of " + answer.Content?.Name, "text/plain");
    }

    private static async ValueTask AskPrompt(McpHandlerContext ctx)
    {
        ElicitResult<NameForm> answer = await ctx.Request.ElicitAsync<NameForm>("What context should the prompt use?", "user_context");
        ctx.WritePromptText("Context: " + answer.Content?.Name);
    }

    // ----- requests -----

    public const string AllCapabilities = """{"elicitation":{},"sampling":{},"roots":{"listChanged":true}}""";

    /// <summary>A modern request body with the given capabilities and extra params members (name, arguments, inputResponses...).</summary>
    public static string ModernBody(string method, string paramsMembers, string id = "1", string capabilities = AllCapabilities)
        => McpTestHost.ModernBody(method, paramsMembers, id, McpTestHost.Meta.Replace("\"io.modelcontextprotocol/clientCapabilities\":{}", "\"io.modelcontextprotocol/clientCapabilities\":" + capabilities, StringComparison.Ordinal));

    /// <summary>A modern tools/call (correct headers) with optional inputResponses and requestState.</summary>
    public static HttpRequestMessage Call(string tool, string? inputResponses = null, string? requestState = null, string id = "1",
        string capabilities = AllCapabilities, string arguments = "{}")
    {
        string members = $"\"name\":\"{tool}\",\"arguments\":{arguments}" + Extra(inputResponses, requestState);
        return McpTestHost.Post(ModernBody("tools/call", members, id, capabilities),
            ("MCP-Protocol-Version", McpTestHost.Modern), ("Mcp-Method", "tools/call"), ("Mcp-Name", tool));
    }

    public static HttpRequestMessage GetPrompt(string prompt, string? inputResponses = null, string? requestState = null, string id = "1")
        => McpTestHost.Post(ModernBody("prompts/get", $"\"name\":\"{prompt}\"" + Extra(inputResponses, requestState), id),
            ("MCP-Protocol-Version", McpTestHost.Modern), ("Mcp-Method", "prompts/get"), ("Mcp-Name", prompt));

    public static HttpRequestMessage ReadResource(string uri, string? inputResponses = null, string? requestState = null, string id = "1")
        => McpTestHost.Post(ModernBody("resources/read", $"\"uri\":\"{uri}\"" + Extra(inputResponses, requestState), id),
            ("MCP-Protocol-Version", McpTestHost.Modern), ("Mcp-Method", "resources/read"), ("Mcp-Name", uri));

    private static string Extra(string? inputResponses, string? requestState)
        => (inputResponses is null ? "" : ",\"inputResponses\":" + inputResponses)
            + (requestState is null ? "" : ",\"requestState\":" + JsonSerializer.Serialize(requestState));

    public static string Accept(string name) => "{\"action\":\"accept\",\"content\":{\"name\":" + JsonSerializer.Serialize(name) + "}}";

    public static string Sampled(string text)
        => "{\"role\":\"assistant\",\"content\":{\"type\":\"text\",\"text\":" + JsonSerializer.Serialize(text) + "},\"model\":\"test-model\",\"stopReason\":\"endTurn\"}";

    /// <summary>An inputResponses object: keys to raw result JSON.</summary>
    public static string Answers(params (string Key, string Json)[] answers)
        => "{" + string.Join(",", answers.Select(a => JsonSerializer.Serialize(a.Key) + ":" + a.Json)) + "}";

    public const string Roots = """{"roots":[{"uri":"file:///work","name":"Work"}]}""";

    /// <summary>Middleware that authenticates the caller named by the X-User header (a stand-in for real authentication).</summary>
    public static void UserFromHeader(WebApplication app)
        => app.Use((context, next) =>
        {
            if (context.Request.Headers.TryGetValue("X-User", out var user))
            {
                context.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", user.ToString())], "test"));
            }

            return next(context);
        });

    /// <summary>The input_required result of a response (asserting its shape).</summary>
    public static async Task<(JsonElement Requests, string State)> AssertInputRequiredAsync(HttpResponseMessage response, string id = "1")
    {
        JsonElement result = await McpTestHost.AssertResultAsync(response, id);
        Assert.Equal("input_required", result.GetProperty("resultType").GetString());
        Assert.Equal("feature-server", result.GetProperty("_meta").GetProperty("io.modelcontextprotocol/serverInfo").GetProperty("name").GetString());
        Assert.False(result.TryGetProperty("content", out _));
        string state = result.GetProperty("requestState").GetString()!;
        Assert.False(string.IsNullOrEmpty(state));
        return (result.GetProperty("inputRequests"), state);
    }
}

/// <summary>A clock the tests move by hand.</summary>
internal sealed class ManualTimeProvider : TimeProvider
{
    private DateTimeOffset _now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
