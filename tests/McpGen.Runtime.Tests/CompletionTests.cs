using System.Text.Json;
using McpGen.Runtime.Tests.Infrastructure;
using static McpGen.Runtime.Tests.Infrastructure.McpTestHost;

namespace McpGen.Runtime.Tests;

/// <summary>completion/complete: references, capping at 100, missing handlers, shape errors, both eras.</summary>
public sealed class CompletionTests
{
    private static string Params(string reference, string argument, string context = "")
        => $"\"ref\":{reference},\"argument\":{argument}" + (context.Length > 0 ? ",\"context\":" + context : "");

    private const string PromptRef = """{"type":"ref/prompt","name":"with_args"}""";

    [Fact]
    public async Task PromptArgument_Modern_FiltersByValue()
    {
        await using McpTestHost host = await StartAsync(FeatureServers.Standard());

        JsonElement result = await AssertResultAsync(await host.SendModernAsync("completion/complete", Params(PromptRef, """{"name":"arg1","value":"py"}""")));

        JsonElement completion = result.GetProperty("completion");
        Assert.Equal(["python", "pytorch", "pyside"], completion.GetProperty("values").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal(3, completion.GetProperty("total").GetInt32());
        Assert.False(completion.GetProperty("hasMore").GetBoolean());
        Assert.Equal("complete", result.GetProperty("resultType").GetString());
        Assert.True(result.TryGetProperty("_meta", out _));
    }

    [Fact]
    public async Task ResourceTemplateVariable_Legacy()
    {
        await using McpTestHost host = await StartAsync(FeatureServers.Standard());

        JsonElement result = await AssertResultAsync(await host.SendLegacyAsync("completion/complete",
            "{" + Params($$"""{"type":"ref/resource","uri":"{{FeatureServers.Template}}"}""", """{"name":"id","value":"12"}""") + "}"));

        Assert.Equal(["123", "124"], result.GetProperty("completion").GetProperty("values").EnumerateArray().Select(v => v.GetString()));
        Assert.False(result.TryGetProperty("resultType", out _));
    }

    [Fact]
    public async Task ContextArguments_ReachTheHandler()
    {
        await using McpTestHost host = await StartAsync(FeatureServers.Standard());

        JsonElement result = await AssertResultAsync(await host.SendModernAsync("completion/complete",
            Params(PromptRef, """{"name":"arg2","value":"x"}""", """{"arguments":{"arg1":"python"}}""")));

        Assert.Equal("x|python|True", result.GetProperty("completion").GetProperty("values")[0].GetString());
    }

    [Fact]
    public async Task MoreThan100Values_AreCappedWithTotalAndHasMore()
    {
        await using McpTestHost host = await StartAsync(FeatureServers.Standard());

        JsonElement completion = (await AssertResultAsync(await host.SendLegacyAsync("completion/complete",
            "{" + Params(PromptRef, """{"name":"many","value":""}""") + "}"))).GetProperty("completion");

        Assert.Equal(100, completion.GetProperty("values").GetArrayLength());
        Assert.Equal("v099", completion.GetProperty("values")[99].GetString());
        Assert.Equal(150, completion.GetProperty("total").GetInt32());
        Assert.True(completion.GetProperty("hasMore").GetBoolean());
    }

    [Theory]
    [InlineData("""{"type":"ref/prompt","name":"with_args"}""", "nope")]
    [InlineData("""{"type":"ref/prompt","name":"unknown_prompt"}""", "arg1")]
    [InlineData("""{"type":"ref/resource","uri":"test://unknown/{x}"}""", "x")]
    public async Task NoCompletionMethod_IsAnEmptyResult(string reference, string argument)
    {
        await using McpTestHost host = await StartAsync(FeatureServers.Standard());

        JsonElement completion = (await AssertResultAsync(await host.SendModernAsync("completion/complete",
            Params(reference, $$"""{"name":"{{argument}}","value":"a"}""")))).GetProperty("completion");

        Assert.Equal(0, completion.GetProperty("values").GetArrayLength());
        Assert.False(completion.GetProperty("hasMore").GetBoolean());
    }

    [Theory]
    [InlineData("")]
    [InlineData("\"ref\":\"with_args\",\"argument\":{\"name\":\"arg1\",\"value\":\"\"}")]
    [InlineData("\"ref\":{\"type\":\"ref/tool\",\"name\":\"x\"},\"argument\":{\"name\":\"arg1\",\"value\":\"\"}")]
    [InlineData("\"ref\":{\"type\":\"ref/prompt\"},\"argument\":{\"name\":\"arg1\",\"value\":\"\"}")]
    [InlineData("\"ref\":{\"type\":\"ref/resource\",\"name\":\"x\"},\"argument\":{\"name\":\"arg1\",\"value\":\"\"}")]
    [InlineData("\"ref\":{\"type\":\"ref/prompt\",\"name\":\"with_args\"}")]
    [InlineData("\"ref\":{\"type\":\"ref/prompt\",\"name\":\"with_args\"},\"argument\":{\"name\":\"arg1\"}")]
    [InlineData("\"ref\":{\"type\":\"ref/prompt\",\"name\":\"with_args\"},\"argument\":{\"name\":\"arg1\",\"value\":3}")]
    [InlineData("\"ref\":{\"type\":\"ref/prompt\",\"name\":\"with_args\"},\"argument\":{\"name\":\"arg1\",\"value\":\"\"},\"context\":[]")]
    [InlineData("\"ref\":{\"type\":\"ref/prompt\",\"name\":\"with_args\"},\"argument\":{\"name\":\"arg1\",\"value\":\"\"},\"context\":{\"arguments\":{\"a\":1}}")]
    public async Task BadShapes_AreInvalidParams(string members)
    {
        await using McpTestHost host = await StartAsync(FeatureServers.Standard());

        await AssertErrorAsync(await host.SendModernAsync("completion/complete", members), 200, -32602, "1");
        await AssertErrorAsync(await host.SendLegacyAsync("completion/complete", "{" + members + "}"), 200, -32602, "1");
    }

    [Fact]
    public async Task HandlerExceptions_AreJsonRpcErrors()
    {
        await using McpTestHost host = await StartAsync(FeatureServers.Standard());

        JsonElement reported = await AssertErrorAsync(await host.SendLegacyAsync("completion/complete",
            "{" + Params(PromptRef, """{"name":"throws","value":""}""") + "}"), 200, -32602, "1");
        JsonElement crashed = await AssertErrorAsync(await host.SendModernAsync("completion/complete",
            Params(PromptRef, """{"name":"crash","value":""}""")), 200, -32603, "1");

        Assert.Equal("Unknown language family.", reported.GetProperty("message").GetString());
        Assert.DoesNotContain("secret", crashed.GetProperty("message").GetString());
    }
}
