using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using McpGen.Runtime.Tests.Infrastructure;
using static McpGen.Runtime.Tests.Infrastructure.McpTestHost;

namespace McpGen.Runtime.Tests;

/// <summary>resources/read, prompts/get, subscriptions and capabilities, in both eras.</summary>
public sealed class ResourceAndPromptTests
{
    private const string NotFoundUri = "test://nonexistent-resource-for-conformance-testing";

    private static Task<HttpResponseMessage> ReadModern(McpTestHost host, string uri, string id = "1")
        => host.SendModernAsync("resources/read", $"\"uri\":\"{uri}\"", id, name: uri);

    private static Task<HttpResponseMessage> ReadLegacy(McpTestHost host, string uri, string id = "1")
        => host.SendLegacyAsync("resources/read", $"{{\"uri\":\"{uri}\"}}", id);

    [Fact]
    public async Task Capabilities_DeclareEveryFeatureTheDefinitionHas()
    {
        await using McpTestHost host = await StartAsync(FeatureServers.Standard());

        JsonElement discover = (await AssertResultAsync(await host.SendModernAsync("server/discover"))).GetProperty("capabilities");
        JsonElement initialize = (await AssertResultAsync(await host.SendLegacyAsync("initialize",
            """{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}""", protocolVersion: null))).GetProperty("capabilities");

        foreach (JsonElement capabilities in new[] { discover, initialize })
        {
            Assert.Equal("{}", capabilities.GetProperty("completions").GetRawText());
            Assert.Equal("{}", capabilities.GetProperty("logging").GetRawText());
        }

        // A stateless server has no stream for change notifications to initialize-era clients: no listChanged there.
        Assert.Equal("{}", initialize.GetProperty("tools").GetRawText());
        Assert.Equal("{}", initialize.GetProperty("prompts").GetRawText());
        Assert.Equal("""{"subscribe":true}""", initialize.GetProperty("resources").GetRawText());

        // 2026-07-28 clients receive both through subscriptions/listen, served in every mode.
        Assert.Equal("""{"listChanged":true}""", discover.GetProperty("tools").GetRawText());
        Assert.Equal("""{"listChanged":true}""", discover.GetProperty("prompts").GetRawText());
        Assert.Equal("""{"subscribe":true,"listChanged":true}""", discover.GetProperty("resources").GetRawText());
    }

    [Fact]
    public async Task Capabilities_OmitWhatTheDefinitionLacks_AndThoseMethodsDoNotExist()
    {
        McpResourceDefinition plain = FeatureServers.Resource("test://plain", ctx => ValueTask.CompletedTask);
        await using McpTestHost host = await StartAsync(new FeatureServerDefinition([TestTools.Tool("t", ctx => ValueTask.CompletedTask)], [plain], []));

        JsonElement capabilities = (await AssertResultAsync(await host.SendModernAsync("server/discover"))).GetProperty("capabilities");

        Assert.Equal("""{"tools":{"listChanged":true},"resources":{"listChanged":true}}""", capabilities.GetRawText());
        await AssertErrorAsync(await host.SendModernAsync("prompts/list"), 404, -32601, "1");
        await AssertErrorAsync(await host.SendModernAsync("completion/complete"), 404, -32601, "1");
        await AssertErrorAsync(await host.SendLegacyAsync("prompts/get", """{"name":"x"}"""), 200, -32601, "1");
        await AssertErrorAsync(await host.SendLegacyAsync("logging/setLevel", """{"level":"info"}"""), 200, -32601, "1");
        await AssertErrorAsync(await host.SendLegacyAsync("resources/subscribe", """{"uri":"test://plain"}"""), 200, -32601, "1");
    }

    [Fact]
    public async Task ReadText_Modern_CarriesContentsAndCachingFields()
    {
        await using McpTestHost host = await StartAsync(FeatureServers.Standard());

        JsonElement result = await AssertResultAsync(await ReadModern(host, "test://static-text", "\"r\""), "\"r\"");

        JsonElement content = result.GetProperty("contents")[0];
        Assert.Equal("test://static-text", content.GetProperty("uri").GetString());
        Assert.Equal("text/plain", content.GetProperty("mimeType").GetString());
        Assert.Equal("hello test://static-text", content.GetProperty("text").GetString());
        Assert.Equal("complete", result.GetProperty("resultType").GetString());
        Assert.Equal(0, result.GetProperty("ttlMs").GetInt64());
        Assert.Equal("private", result.GetProperty("cacheScope").GetString());
        Assert.Equal("feature-server", result.GetProperty("_meta").GetProperty("io.modelcontextprotocol/serverInfo").GetProperty("name").GetString());
    }

    [Fact]
    public async Task ReadBinaryAndTemplate_Legacy_HaveNoModernFields()
    {
        await using McpTestHost host = await StartAsync(FeatureServers.Standard());

        JsonElement binary = await AssertResultAsync(await ReadLegacy(host, "test://static-binary"));
        JsonElement template = await AssertResultAsync(await ReadLegacy(host, "test://template/123/data"));

        Assert.Equal("AQID", binary.GetProperty("contents")[0].GetProperty("blob").GetString());
        Assert.Equal("item 123", template.GetProperty("contents")[0].GetProperty("text").GetString());
        Assert.Equal("test://template/123/data", template.GetProperty("contents")[0].GetProperty("uri").GetString());
        Assert.False(template.TryGetProperty("resultType", out _));
        Assert.False(template.TryGetProperty("ttlMs", out _));
        Assert.False(template.TryGetProperty("_meta", out _));
    }

    [Fact]
    public async Task ReadUnknownUri_Legacy_Is32002WithTheUri()
    {
        await using McpTestHost host = await StartAsync(FeatureServers.Standard());

        JsonElement error = await AssertErrorAsync(await ReadLegacy(host, NotFoundUri, "7"), 200, -32002, "7");

        Assert.Equal(NotFoundUri, error.GetProperty("data").GetProperty("uri").GetString());
        Assert.Contains(NotFoundUri, error.GetProperty("message").GetString());
        Assert.Contains("resources/templates/list", error.GetProperty("message").GetString());
    }

    [Theory]
    [InlineData(false, -32002)]
    [InlineData(true, -32602)]
    public async Task AReaderThatThrowsResourceNotFound_AnswersTheSpecsNotFoundErrorOfTheEra(bool modern, int code)
    {
        const string Missing = "test://books/no-such-book";
        McpResourceDefinition books = FeatureServers.ResourceTemplate("test://books/{id}",
            ctx => throw new McpResourceNotFoundException(ctx.ResourceUri, $"No book '{ctx.ResourceUri[13..]}': list the books with resources/list."));
        var logs = new CollectingLoggerProvider();
        await using McpTestHost host = await StartAsync(new FeatureServerDefinition([], [books], []), services: s => s.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(logs));

        JsonElement error = await AssertErrorAsync(await (modern ? ReadModern(host, Missing) : ReadLegacy(host, Missing)), 200, code, "1");

        Assert.Equal(Missing, error.GetProperty("data").GetProperty("uri").GetString());
        Assert.Equal("No book 'no-such-book': list the books with resources/list.", error.GetProperty("message").GetString());
        Assert.Empty(logs.Errors); // the reader's answer, not a server fault
    }

    [Fact]
    public async Task ReadUnknownUri_Modern_Is32602WithTheUri()
    {
        await using McpTestHost host = await StartAsync(FeatureServers.Standard());

        JsonElement error = await AssertErrorAsync(await ReadModern(host, NotFoundUri), 200, -32602, "1");

        Assert.Equal(NotFoundUri, error.GetProperty("data").GetProperty("uri").GetString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("\"uri\":42")]
    [InlineData("\"uri\":null")]
    public async Task ReadWithoutAStringUri_IsInvalidParams(string members)
    {
        await using McpTestHost host = await StartAsync(FeatureServers.Standard());

        await AssertErrorAsync(await host.SendModernAsync("resources/read", members), 200, -32602, "1");
        await AssertErrorAsync(await host.SendLegacyAsync("resources/read", "{" + members + "}"), 200, -32602, "1");
    }

    [Fact]
    public async Task ReadModern_NeedsMcpNameMatchingTheUri()
    {
        await using McpTestHost host = await StartAsync(FeatureServers.Standard());

        await AssertErrorAsync(await host.SendModernAsync("resources/read", "\"uri\":\"test://static-text\""), 400, -32020, "1");
        await AssertErrorAsync(await host.SendModernAsync("resources/read", "\"uri\":\"test://static-text\"", name: "test://other"), 400, -32020, "1");
    }

    [Theory]
    [InlineData("bad", -32602, "No item 'bad': ids are numbers.")]
    [InlineData("crash", -32603, null)]
    [InlineData("invalid", -32602, "'id': expected integer")]
    public async Task ReadHandlerFailures_AreJsonRpcErrors(string id, int code, string? message)
    {
        await using McpTestHost host = await StartAsync(FeatureServers.Standard());

        JsonElement error = await AssertErrorAsync(await ReadModern(host, $"test://template/{id}/data"), 200, code, "1");

        string text = error.GetProperty("message").GetString()!;
        Assert.DoesNotContain("secret", text);
        if (message is not null)
        {
            Assert.Contains(message, text);
        }
    }

    [Fact]
    public async Task ReadHandlerWritingNothing_AnswersEmptyContents()
    {
        await using McpTestHost host = await StartAsync(FeatureServers.Standard());

        JsonElement result = await AssertResultAsync(await ReadLegacy(host, "test://template/empty/data"));

        Assert.Equal(0, result.GetProperty("contents").GetArrayLength());
    }

    [Fact]
    public async Task GetPrompt_BothEras()
    {
        await using McpTestHost host = await StartAsync(FeatureServers.Standard());

        JsonElement modern = await AssertResultAsync(await host.SendModernAsync("prompts/get",
            "\"name\":\"with_args\",\"arguments\":{\"arg1\":\"testValue1\",\"arg2\":\"testValue2\"}", name: "with_args"));
        JsonElement legacy = await AssertResultAsync(await host.SendLegacyAsync("prompts/get", """{"name":"simple"}"""));

        Assert.Equal("Rendered with args.", modern.GetProperty("description").GetString());
        Assert.Equal("testValue1 and testValue2", modern.GetProperty("messages")[0].GetProperty("content").GetProperty("text").GetString());
        Assert.Equal("user", modern.GetProperty("messages")[0].GetProperty("role").GetString());
        Assert.Equal("assistant", modern.GetProperty("messages")[1].GetProperty("role").GetString());
        Assert.Equal("complete", modern.GetProperty("resultType").GetString());
        Assert.False(modern.TryGetProperty("ttlMs", out _));
        Assert.True(modern.TryGetProperty("_meta", out _));
        Assert.Equal("Say hello.", legacy.GetProperty("messages")[0].GetProperty("content").GetProperty("text").GetString());
        Assert.False(legacy.TryGetProperty("description", out _));
        Assert.False(legacy.TryGetProperty("resultType", out _));
    }

    [Fact]
    public async Task GetPrompt_Errors()
    {
        await using McpTestHost host = await StartAsync(FeatureServers.Standard());

        JsonElement unknown = await AssertErrorAsync(await host.SendLegacyAsync("prompts/get", """{"name":"nope"}"""), 200, -32602, "1");
        Assert.StartsWith("Unknown prompt: nope.", unknown.GetProperty("message").GetString());
        Assert.Contains("with_args", unknown.GetProperty("message").GetString());
        await AssertErrorAsync(await host.SendLegacyAsync("prompts/get", """{}"""), 200, -32602, "1");
        await AssertErrorAsync(await host.SendLegacyAsync("prompts/get", """{"name":"simple","arguments":[1]}"""), 200, -32602, "1");
        JsonElement missing = await AssertErrorAsync(await host.SendModernAsync("prompts/get", "\"name\":\"with_args\",\"arguments\":{}", name: "with_args"), 200, -32602, "1");
        Assert.Contains("'arg1': missing", missing.GetProperty("message").GetString());
        JsonElement failed = await AssertErrorAsync(await host.SendLegacyAsync("prompts/get", """{"name":"fail"}"""), 200, -32602, "1");
        Assert.Equal("The topic is not allowed.", failed.GetProperty("message").GetString());
        JsonElement crashed = await AssertErrorAsync(await host.SendModernAsync("prompts/get", "\"name\":\"crash\"", name: "crash"), 200, -32603, "1");
        Assert.DoesNotContain("secret", crashed.GetProperty("message").GetString());
        await AssertErrorAsync(await host.SendModernAsync("prompts/get", "\"name\":\"simple\""), 400, -32020, "1");
    }

    [Fact]
    public async Task GetPromptWritingNothing_AnswersEmptyMessages()
    {
        await using McpTestHost host = await StartAsync(FeatureServers.Standard());

        JsonElement result = await AssertResultAsync(await host.SendLegacyAsync("prompts/get", """{"name":"silent","arguments":null}"""));

        Assert.Equal(0, result.GetProperty("messages").GetArrayLength());
    }

    [Theory]
    [InlineData("resources/subscribe")]
    [InlineData("resources/unsubscribe")]
    public async Task Subscribe_Legacy_AcceptsOnlySubscribableResources(string method)
    {
        await using McpTestHost host = await StartAsync(FeatureServers.Standard());

        JsonElement ok = await AssertResultAsync(await host.SendLegacyAsync(method, """{"uri":"test://watched"}"""));
        Assert.Equal("{}", ok.GetRawText());
        JsonElement notSubscribable = await AssertErrorAsync(await host.SendLegacyAsync(method, """{"uri":"test://static-text"}"""), 200, -32602, "1");
        Assert.Equal("test://static-text", notSubscribable.GetProperty("data").GetProperty("uri").GetString());
        await AssertErrorAsync(await host.SendLegacyAsync(method, """{"uri":"test://unknown"}"""), 200, -32602, "1");
        await AssertErrorAsync(await host.SendLegacyAsync(method, """{}"""), 200, -32602, "1");
    }

    [Theory]
    [InlineData("resources/subscribe", "\"uri\":\"test://watched\"")]
    [InlineData("resources/unsubscribe", "\"uri\":\"test://watched\"")]
    [InlineData("logging/setLevel", "\"level\":\"info\"")]
    [InlineData("ping", "")]
    public async Task RemovedMethods_Modern_Are404(string method, string members)
    {
        await using McpTestHost host = await StartAsync(FeatureServers.Standard());

        JsonElement error = await AssertErrorAsync(await host.SendModernAsync(method, members), 404, -32601, "1");

        Assert.Contains("removed in protocol version 2026-07-28", error.GetProperty("message").GetString());
    }

    [Theory]
    [InlineData("debug")]
    [InlineData("emergency")]
    public async Task SetLevel_Legacy_AnswersEmptyResult(string level)
    {
        await using McpTestHost host = await StartAsync(FeatureServers.Standard());

        JsonElement result = await AssertResultAsync(await host.SendLegacyAsync("logging/setLevel", $"{{\"level\":\"{level}\"}}"));

        Assert.Equal("{}", result.GetRawText());
    }

    [Theory]
    [InlineData("""{"level":"verbose"}""")]
    [InlineData("""{"level":3}""")]
    [InlineData("""{}""")]
    public async Task SetLevel_Legacy_RejectsInvalidLevels(string parameters)
    {
        await using McpTestHost host = await StartAsync(FeatureServers.Standard());

        await AssertErrorAsync(await host.SendLegacyAsync("logging/setLevel", parameters), 200, -32602, "1");
    }

    [Fact]
    public async Task UnknownMethod_ListsWhatTheServerOffers()
    {
        await using McpTestHost host = await StartAsync(FeatureServers.Standard());

        string modern = (await AssertErrorAsync(await host.SendModernAsync("foo/bar"), 404, -32601, "1")).GetProperty("message").GetString()!;
        string legacy = (await AssertErrorAsync(await host.SendLegacyAsync("foo/bar"), 200, -32601, "1")).GetProperty("message").GetString()!;

        Assert.Contains("resources/templates/list", modern);
        Assert.Contains("completion/complete", modern);
        Assert.DoesNotContain("logging/setLevel", modern);
        Assert.Contains("logging/setLevel", legacy);
        Assert.Contains("resources/subscribe", legacy);
    }
}
