using System.Text.Json;
using McpGen.Runtime.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static McpGen.Runtime.Tests.Infrastructure.ClientInputServers;
using static McpGen.Runtime.Tests.Infrastructure.McpTestHost;

namespace McpGen.Runtime.Tests;

/// <summary>2026-07-28 multi round-trip requests: input_required, sealed requestState, retries, capability checks.</summary>
public sealed class MultiRoundTripTests
{
    private static Task<McpTestHost> StartAsync(Action<McpServerOptions>? configure = null, Action<IServiceCollection>? services = null)
        => McpTestHost.StartAsync(Create(), configure, services, UserFromHeader);

    [Fact]
    public async Task FirstCall_EndsWithInputRequired_RetryWithTheAnswerCompletes()
    {
        await using McpTestHost host = await StartAsync();

        HttpResponseMessage first = await host.Client.SendAsync(Call("greet", id: "1"));
        (JsonElement requests, string state) = await AssertInputRequiredAsync(first, "1");

        JsonProperty request = Assert.Single(requests.EnumerateObject());
        Assert.Equal("user_name", request.Name);
        Assert.Equal("elicitation/create", request.Value.GetProperty("method").GetString());
        JsonElement parameters = request.Value.GetProperty("params");
        Assert.Equal("What is your name?", parameters.GetProperty("message").GetString());
        Assert.Equal("""{"type":"object","properties":{"name":{"type":"string"}},"required":["name"]}""", parameters.GetProperty("requestedSchema").GetRawText());

        HttpResponseMessage second = await host.Client.SendAsync(Call("greet", Answers(("user_name", Accept("Alice"))), state, id: "2"));
        JsonElement result = await AssertResultAsync(second, "2");
        Assert.Equal("complete", result.GetProperty("resultType").GetString());
        Assert.Equal("Hello, Alice!", result.GetProperty("content")[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task AsksStartedTogether_ShareOneRound_WithKeysByOrder()
    {
        await using McpTestHost host = await StartAsync();

        (JsonElement requests, string state) = await AssertInputRequiredAsync(await host.Client.SendAsync(Call("three")));

        Assert.Equal(["input_1", "input_2", "input_3"], requests.EnumerateObject().Select(p => p.Name));
        Assert.Equal("elicitation/create", requests.GetProperty("input_1").GetProperty("method").GetString());
        JsonElement sampling = requests.GetProperty("input_2");
        Assert.Equal("sampling/createMessage", sampling.GetProperty("method").GetString());
        Assert.Equal("""{"messages":[{"role":"user","content":{"type":"text","text":"Greeting?"}}],"maxTokens":50}""", sampling.GetProperty("params").GetRawText());
        Assert.Equal("""{"method":"roots/list","params":{}}""", requests.GetProperty("input_3").GetRawText());

        string answers = Answers(("input_1", Accept("Ann")), ("input_2", Sampled("Hi!")), ("input_3", Roots));
        JsonElement result = await AssertResultAsync(await host.Client.SendAsync(Call("three", answers, state, id: "2")), "2");
        Assert.Equal("Ann|Hi!|1:file:///work", result.GetProperty("content")[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task AsksAfterTheHandlerWentAsynchronous_StillShareOneRound()
    {
        await using McpTestHost host = await StartAsync();

        (JsonElement requests, _) = await AssertInputRequiredAsync(await host.Client.SendAsync(Call("late_asks")));

        Assert.Equal(["input_1", "input_2"], requests.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task SequentialAsks_TakeOneRoundEach_AndEarlierAnswersTravelInTheState()
    {
        await using McpTestHost host = await StartAsync();
        int runsBefore;
        lock (Runs)
        {
            runsBefore = Runs.GetValueOrDefault("two_steps");
        }

        (JsonElement r1, string state1) = await AssertInputRequiredAsync(await host.Client.SendAsync(Call("two_steps", id: "1")), "1");
        Assert.Equal(["step1"], r1.EnumerateObject().Select(p => p.Name));

        (JsonElement r2, string state2) = await AssertInputRequiredAsync(
            await host.Client.SendAsync(Call("two_steps", Answers(("step1", Accept("Bo"))), state1, id: "2")), "2");
        Assert.Equal(["step2"], r2.EnumerateObject().Select(p => p.Name));
        Assert.Equal("Greet Bo", r2.GetProperty("step2").GetProperty("params").GetProperty("messages")[0].GetProperty("content").GetProperty("text").GetString());
        Assert.NotEqual(state1, state2);

        // Round 3 answers only step2: step1 comes from the sealed state.
        JsonElement result = await AssertResultAsync(
            await host.Client.SendAsync(Call("two_steps", Answers(("step2", Sampled("Hello Bo"))), state2, id: "3")), "3");
        Assert.Equal("Bo: Hello Bo", result.GetProperty("content")[0].GetProperty("text").GetString());
        lock (Runs)
        {
            Assert.Equal(runsBefore + 3, Runs["two_steps"]);
        }
    }

    [Fact]
    public async Task MissingAnswer_IsAskedAgain_AndExtraAnswersAreIgnored()
    {
        await using McpTestHost host = await StartAsync();

        (JsonElement requests, _) = await AssertInputRequiredAsync(await host.Client.SendAsync(Call("greet", Answers(("wrong_key", Accept("X"))))));
        Assert.Equal(["user_name"], requests.EnumerateObject().Select(p => p.Name));

        string answers = Answers(("user_name", Accept("Alice")));
        JsonElement result = await AssertResultAsync(await host.Client.SendAsync(Call("greet", answers)));
        Assert.Equal("Hello, Alice!", result.GetProperty("content")[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task DeclineAndCancel_ReachTheHandler()
    {
        await using McpTestHost host = await StartAsync();

        JsonElement declined = await AssertResultAsync(await host.Client.SendAsync(Call("greet", """{"user_name":{"action":"decline"}}""")));
        JsonElement cancelled = await AssertResultAsync(await host.Client.SendAsync(Call("greet", """{"user_name":{"action":"cancel","content":null}}""")));

        Assert.Equal("No name: Decline", declined.GetProperty("content")[0].GetProperty("text").GetString());
        Assert.Equal("No name: Cancel", cancelled.GetProperty("content")[0].GetProperty("text").GetString());
    }

    [Theory]
    [InlineData("null", "params.inputResponses must be an object")]
    [InlineData("[]", "params.inputResponses must be an object")]
    [InlineData("""{"user_name":12345}""", "params.inputResponses[\"user_name\"] must be an object")]
    [InlineData("""{"user_name":{"action":"maybe"}}""", "action must be \"accept\", \"decline\" or \"cancel\"")]
    [InlineData("""{"user_name":{"action":"accept"}}""", "an accepted form needs content")]
    [InlineData("""{"user_name":{"action":"accept","content":{"name":5}}}""", "'name' must be a string")]
    public async Task InvalidInputResponses_Get400WithInvalidParams(string inputResponses, string expected)
    {
        await using McpTestHost host = await StartAsync();

        JsonElement error = await AssertErrorAsync(await host.Client.SendAsync(Call("greet", inputResponses)), 400, -32602, "1");

        Assert.Contains(expected, error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TamperedState_Gets400_AndSaysToStartOver()
    {
        await using McpTestHost host = await StartAsync();
        (_, string state) = await AssertInputRequiredAsync(await host.Client.SendAsync(Call("greet")));

        foreach (string tampered in new[] { state + "-TAMPERED", state[..^4] + (state[^4] == 'A' ? "BBBB" : "AAAA"), "not-a-state", "" })
        {
            JsonElement error = await AssertErrorAsync(await host.Client.SendAsync(Call("greet", Answers(("user_name", Accept("Eve"))), tampered, id: "2")), 400, -32602, "2");
            string message = error.GetProperty("message").GetString()!;
            Assert.Contains("was not issued by this server", message, StringComparison.Ordinal);
            Assert.Contains("Start over", message, StringComparison.Ordinal);
        }

        HttpResponseMessage nonString = await host.Client.SendAsync(McpTestHost.Post(
            ClientInputServers.ModernBody("tools/call", "\"name\":\"greet\",\"arguments\":{},\"requestState\":42"),
            ("MCP-Protocol-Version", Modern), ("Mcp-Method", "tools/call"), ("Mcp-Name", "greet")));
        await AssertErrorAsync(nonString, 400, -32602, "1");
    }

    [Fact]
    public async Task ExpiredState_Gets400()
    {
        var clock = new ManualTimeProvider();
        await using McpTestHost host = await StartAsync(o => o.RequestStateLifetime = TimeSpan.FromMinutes(2), s => s.AddSingleton<TimeProvider>(clock));
        (_, string state) = await AssertInputRequiredAsync(await host.Client.SendAsync(Call("greet")));

        clock.Advance(TimeSpan.FromMinutes(1));
        await AssertResultAsync(await host.Client.SendAsync(Call("greet", Answers(("user_name", Accept("A"))), state)));
        clock.Advance(TimeSpan.FromMinutes(1.5));
        JsonElement error = await AssertErrorAsync(await host.Client.SendAsync(Call("greet", Answers(("user_name", Accept("A"))), state)), 400, -32602, "1");

        Assert.Contains("expired (it is valid for 2 minutes)", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StateOfAnotherUser_Gets400()
    {
        await using McpTestHost host = await StartAsync();
        HttpRequestMessage alice = Call("greet");
        alice.Headers.Add("X-User", "alice");
        (_, string state) = await AssertInputRequiredAsync(await host.Client.SendAsync(alice));

        HttpRequestMessage bob = Call("greet", Answers(("user_name", Accept("Bob"))), state);
        bob.Headers.Add("X-User", "bob");
        HttpRequestMessage anonymous = Call("greet", Answers(("user_name", Accept("Bob"))), state);
        HttpRequestMessage aliceAgain = Call("greet", Answers(("user_name", Accept("Alice"))), state);
        aliceAgain.Headers.Add("X-User", "alice");

        JsonElement error = await AssertErrorAsync(await host.Client.SendAsync(bob), 400, -32602, "1");
        Assert.Contains("issued to another user", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        await AssertErrorAsync(await host.Client.SendAsync(anonymous), 400, -32602, "1");
        await AssertResultAsync(await host.Client.SendAsync(aliceAgain));
    }

    [Fact]
    public async Task StateOfAnotherToolOrOtherArguments_Gets400()
    {
        await using McpTestHost host = await StartAsync();
        (_, string state) = await AssertInputRequiredAsync(await host.Client.SendAsync(Call("greet", arguments: """{"x":1}""")));

        JsonElement otherArguments = await AssertErrorAsync(
            await host.Client.SendAsync(Call("greet", Answers(("user_name", Accept("A"))), state, arguments: """{"x":2}""")), 400, -32602, "1");
        JsonElement otherTool = await AssertErrorAsync(
            await host.Client.SendAsync(Call("two_steps", Answers(("step1", Accept("A"))), state)), 400, -32602, "1");
        Assert.Contains("belongs to another request", otherArguments.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains("belongs to another request", otherTool.GetProperty("message").GetString(), StringComparison.Ordinal);

        // The same arguments, spelled with other whitespace and escapes, are the same request.
        JsonElement same = await AssertResultAsync(
            await host.Client.SendAsync(Call("greet", Answers(("user_name", Accept("A"))), state, arguments: """{ "\u0078" : 1 }""")));
        Assert.Equal("Hello, A!", same.GetProperty("content")[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task UndeclaredCapability_Gets400WithMissingRequiredClientCapability()
    {
        await using McpTestHost host = await StartAsync();

        JsonElement noElicitation = await AssertErrorAsync(await host.Client.SendAsync(Call("greet", capabilities: """{"sampling":{}}""")), 400, -32021, "1");
        JsonElement noSampling = await AssertErrorAsync(await host.Client.SendAsync(Call("sample_only", capabilities: """{"elicitation":{}}""")), 400, -32021, "1");
        JsonElement noUrl = await AssertErrorAsync(await host.Client.SendAsync(Call("url", capabilities: """{"elicitation":{}}""")), 400, -32021, "1");

        Assert.Equal("""{"elicitation":{"form":{}}}""", noElicitation.GetProperty("data").GetProperty("requiredCapabilities").GetRawText());
        Assert.Equal("""{"sampling":{}}""", noSampling.GetProperty("data").GetProperty("requiredCapabilities").GetRawText());
        Assert.Equal("""{"elicitation":{"url":{}}}""", noUrl.GetProperty("data").GetProperty("requiredCapabilities").GetRawText());
        Assert.Contains("did not declare the sampling capability", noSampling.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SamplingAndUrlRequests_CarryEveryField()
    {
        await using McpTestHost host = await StartAsync();

        (JsonElement sampling, string state) = await AssertInputRequiredAsync(await host.Client.SendAsync(Call("sample_only")));
        (JsonElement url, _) = await AssertInputRequiredAsync(await host.Client.SendAsync(Call("url", capabilities: """{"elicitation":{"form":{},"url":{}}}""")));

        Assert.Equal(
            """{"messages":[{"role":"user","content":{"type":"text","text":"What is the capital of France?"}}],"maxTokens":100,"systemPrompt":"Be brief.","temperature":0.5,"stopSequences":["\n"],"modelPreferences":{"hints":[{"name":"claude"}],"speedPriority":0.9}}""",
            sampling.GetProperty("input_1").GetProperty("params").GetRawText());
        Assert.Equal("""{"mode":"url","message":"Sign in, please.","url":"https://example.com/login?x=1"}""", url.GetProperty("input_1").GetProperty("params").GetRawText());
        JsonElement result = await AssertResultAsync(await host.Client.SendAsync(Call("sample_only", Answers(("input_1", Sampled("Paris"))), state)));
        Assert.Equal("test-model: Paris (endTurn)", result.GetProperty("content")[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task PromptsGetAndResourcesRead_UseMultiRoundTripToo()
    {
        await using McpTestHost host = await StartAsync();

        (JsonElement promptRequests, string promptState) = await AssertInputRequiredAsync(await host.Client.SendAsync(GetPrompt("ask_prompt")));
        (JsonElement resourceRequests, string resourceState) = await AssertInputRequiredAsync(await host.Client.SendAsync(ReadResource("test://ask")));
        Assert.Equal("user_context", Assert.Single(promptRequests.EnumerateObject()).Name);
        Assert.Equal("owner", Assert.Single(resourceRequests.EnumerateObject()).Name);

        JsonElement prompt = await AssertResultAsync(await host.Client.SendAsync(GetPrompt("ask_prompt", Answers(("user_context", Accept("ctx"))), promptState, id: "2")), "2");
        JsonElement resource = await AssertResultAsync(await host.Client.SendAsync(ReadResource("test://ask", Answers(("owner", Accept("Zoe"))), resourceState, id: "3")), "3");

        Assert.Equal("complete", prompt.GetProperty("resultType").GetString());
        Assert.Equal("Context: ctx", prompt.GetProperty("messages")[0].GetProperty("content").GetProperty("text").GetString());
        Assert.Equal("data of Zoe", resource.GetProperty("contents")[0].GetProperty("text").GetString());

        // A prompt's state does not open a resource read (another method and name).
        await AssertErrorAsync(await host.Client.SendAsync(ReadResource("test://ask", Answers(("owner", Accept("Zoe"))), promptState)), 400, -32602, "1");
    }

    [Fact]
    public async Task ListsNeverAnswerInputRequired()
    {
        await using McpTestHost host = await StartAsync();

        JsonElement tools = await AssertResultAsync(await host.SendModernAsync("tools/list"));
        JsonElement prompts = await AssertResultAsync(await host.SendModernAsync("prompts/list"));

        Assert.Equal("complete", tools.GetProperty("resultType").GetString());
        Assert.Equal("complete", prompts.GetProperty("resultType").GetString());
    }

    [Fact]
    public async Task LegacyClientOfAStatelessServer_GetsAToolErrorNamingTheFix()
    {
        await using McpTestHost host = await StartAsync();

        JsonElement result = await AssertResultAsync(await host.SendLegacyAsync("tools/call", """{"name":"greet","arguments":{}}"""));
        JsonElement promptError = await AssertErrorAsync(await host.SendLegacyAsync("prompts/get", """{"name":"ask_prompt"}"""), 200, -32602, "1");

        Assert.True(result.GetProperty("isError").GetBoolean());
        string text = result.GetProperty("content")[0].GetProperty("text").GetString()!;
        Assert.Contains("this endpoint is stateless", text, StringComparison.Ordinal);
        Assert.Contains("Session = McpSessionMode.Sticky or McpSessionMode.Store", text, StringComparison.Ordinal);
        Assert.Contains("this endpoint is stateless", promptError.GetProperty("message").GetString(), StringComparison.Ordinal);
    }
}
