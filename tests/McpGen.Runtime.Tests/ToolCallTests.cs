using System.Text.Json;
using McpGen.Runtime.Tests.Infrastructure;
using static McpGen.Runtime.Tests.Infrastructure.McpTestHost;

namespace McpGen.Runtime.Tests;

/// <summary>tools/call in both eras: parameter validation, results, argument errors and exception mapping.</summary>
public sealed class ToolCallTests
{
    public static TheoryData<bool> Eras => new() { true, false };

    [Theory]
    [MemberData(nameof(Eras))]
    public async Task UnknownTool_GetsInvalidParamsListingTools(bool modern)
    {
        await using McpTestHost host = await StartAsync();

        HttpResponseMessage response = await Call(host, modern, "nope");

        string message = (await AssertErrorAsync(response, 200, -32602, "1")).GetProperty("message").GetString()!;
        Assert.StartsWith("Unknown tool: nope.", message);
        Assert.Contains("echo", message);
    }

    [Fact]
    public async Task UnknownTool_OnLargeServer_PointsToToolsList()
    {
        await using McpTestHost host = await StartAsync(TestTools.Many(40));

        HttpResponseMessage response = await host.SendLegacyAsync("tools/call", """{"name":"nope"}""");

        Assert.Contains("Call tools/list", (await AssertErrorAsync(response, 200, -32602, "1")).GetProperty("message").GetString());
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"name":42}""")]
    [InlineData("""{"name":null}""")]
    [InlineData(null)]
    public async Task MissingOrNonStringName_GetsInvalidParams(string? paramsJson)
    {
        await using McpTestHost host = await StartAsync();

        HttpResponseMessage response = await host.SendLegacyAsync("tools/call", paramsJson);

        Assert.Contains("params.name", (await AssertErrorAsync(response, 200, -32602, "1")).GetProperty("message").GetString());
    }

    [Theory]
    [InlineData("[1]")]
    [InlineData("\"text\"")]
    [InlineData("3")]
    public async Task NonObjectArguments_GetInvalidParams(string arguments)
    {
        await using McpTestHost host = await StartAsync();

        HttpResponseMessage response = await host.CallModernAsync("echo", arguments);

        Assert.Contains("params.arguments", (await AssertErrorAsync(response, 200, -32602, "1")).GetProperty("message").GetString());
    }

    [Theory]
    [MemberData(nameof(Eras))]
    public async Task MissingArgument_IsAnIsErrorResultDescribingIt(bool modern)
    {
        await using McpTestHost host = await StartAsync();

        JsonElement result = await AssertResultAsync(await Call(host, modern, "echo", "{}"));

        Assert.True(result.GetProperty("isError").GetBoolean());
        string text = result.GetProperty("content")[0].GetProperty("text").GetString()!;
        Assert.Contains("Invalid arguments for tool 'echo'", text);
        Assert.Contains("'text': missing (required string)", text);
        Assert.Equal(modern, result.TryGetProperty("resultType", out _));
    }

    [Fact]
    public async Task NullArguments_AreTreatedAsAbsent()
    {
        await using McpTestHost host = await StartAsync();

        JsonElement result = await AssertResultAsync(await host.SendLegacyAsync("tools/call", """{"name":"echo","arguments":null}"""));

        Assert.Contains("'text': missing", result.GetProperty("content")[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task WrongArgumentType_IsAnIsErrorResult()
    {
        await using McpTestHost host = await StartAsync();

        JsonElement result = await AssertResultAsync(await host.CallModernAsync("add", """{"a":"one","b":2}"""));

        Assert.True(result.GetProperty("isError").GetBoolean());
        Assert.Contains("'a': expected integer (32-bit), received string \"one\"", result.GetProperty("content")[0].GetProperty("text").GetString());
    }

    [Theory]
    [MemberData(nameof(Eras))]
    public async Task StructuredResult_HasStructuredContentAndTextBlock(bool modern)
    {
        await using McpTestHost host = await StartAsync();

        JsonElement result = await AssertResultAsync(await Call(host, modern, "add", """{"a":1,"b":2}"""));

        Assert.Equal(3, result.GetProperty("structuredContent").GetProperty("sum").GetInt32());
        Assert.Equal("""{"sum":3}""", result.GetProperty("content")[0].GetProperty("text").GetString());
        Assert.False(result.TryGetProperty("isError", out _));
    }

    [Theory]
    [InlineData("fail_tool", "The city was not found. Try a larger city nearby.")]
    [InlineData("fail_argument", "Argument 'city' must not be empty.")]
    [InlineData("partial_then_throw", "Failed after writing.")]
    public async Task ToolAndArgumentExceptions_BecomeIsErrorWithTheirMessage(string tool, string message)
    {
        await using McpTestHost host = await StartAsync();

        HttpResponseMessage response = await host.CallModernAsync(tool);

        string raw = await response.Content.ReadAsStringAsync();
        JsonElement result = await AssertResultAsync(response);
        Assert.True(result.GetProperty("isError").GetBoolean());
        Assert.Equal(1, result.GetProperty("content").GetArrayLength());
        Assert.Equal(message, result.GetProperty("content")[0].GetProperty("text").GetString());
        Assert.Equal("complete", result.GetProperty("resultType").GetString());
        Assert.DoesNotContain("must not reach", raw);
    }

    [Theory]
    [MemberData(nameof(Eras))]
    public async Task UnexpectedException_IsAGenericIsErrorThatLeaksNothing(bool modern)
    {
        await using McpTestHost host = await StartAsync();

        HttpResponseMessage response = await Call(host, modern, "crash");

        string raw = await response.Content.ReadAsStringAsync();
        JsonElement result = await AssertResultAsync(response);
        Assert.True(result.GetProperty("isError").GetBoolean());
        Assert.Equal("An error occurred while running tool 'crash'. The server log has the details.",
            result.GetProperty("content")[0].GetProperty("text").GetString());
        Assert.DoesNotContain("secret", raw);
        Assert.DoesNotContain("InvalidOperationException", raw);
    }

    [Fact]
    public async Task ToolThatWritesNothing_ReturnsEmptyContent()
    {
        await using McpTestHost host = await StartAsync();

        JsonElement result = await AssertResultAsync(await host.CallModernAsync("silent"));

        Assert.Equal(0, result.GetProperty("content").GetArrayLength());
        Assert.False(result.TryGetProperty("isError", out _));
    }

    [Fact]
    public async Task ResponseBuffers_AreReusedSafelyAcrossConcurrentCalls()
    {
        await using McpTestHost host = await StartAsync();

        HttpResponseMessage[] responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            i % 2 == 0 ? host.CallModernAsync("echo", $$"""{"text":"t{{i}}"}""", id: i.ToString()) : host.CallModernAsync("crash", id: i.ToString())));

        for (int i = 0; i < responses.Length; i++)
        {
            JsonElement result = await AssertResultAsync(responses[i], i.ToString());
            if (i % 2 == 0)
            {
                Assert.Equal($"t{i}", result.GetProperty("content")[0].GetProperty("text").GetString());
            }
            else
            {
                Assert.True(result.GetProperty("isError").GetBoolean());
            }
        }
    }

    private static Task<HttpResponseMessage> Call(McpTestHost host, bool modern, string tool, string arguments = "{}")
        => modern
            ? host.CallModernAsync(tool, arguments)
            : host.SendLegacyAsync("tools/call", $$"""{"name":"{{tool}}","arguments":{{arguments}}}""");
}
