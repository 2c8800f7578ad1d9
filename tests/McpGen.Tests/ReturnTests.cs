using System.Reflection;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using static McpGen.Tests.GeneratorHarness;

namespace McpGen.Tests;

/// <summary>Every return type family, run through the generated handlers.</summary>
public sealed class ReturnTests
{
    private static readonly Lazy<Assembly> s_assembly = new(() => Load(RunClean(TestSources.Returns)));

    private static McpServerDefinition Server => Definition(s_assembly.Value, "Returns.ReturnServer");

    private static async Task<JsonElement> Call(string tool, string arguments = "{}")
        => (await InvokeAsync(Server, tool, arguments)).Value;

    [Theory]
    [InlineData("text", """{"content":[{"type":"text","text":"hello"}]}""")]
    [InlineData("null_text", """{"content":[]}""")]
    [InlineData("block", """{"content":[{"type":"text","text":"block"}]}""")]
    [InlineData("image", """{"content":[{"type":"image","data":"AQID","mimeType":"image/png"}]}""")]
    [InlineData("blocks", """{"content":[{"type":"text","text":"a"},{"type":"text","text":"b"}]}""")]
    [InlineData("block_array", """{"content":[{"type":"text","text":"a"}]}""")]
    [InlineData("block_list", """{"content":[{"type":"text","text":"x"}]}""")]
    [InlineData("result", """{"content":[{"type":"text","text":"nope"}],"isError":true}""")]
    [InlineData("structured", """{"content":[{"type":"text","text":"{\u0022x\u0022:1,\u0022y\u0022:2}"}],"structuredContent":{"x":1,"y":2}}""")]
    [InlineData("structured_list", """{"content":[{"type":"text","text":"[{\u0022x\u0022:1,\u0022y\u0022:2}]"}],"structuredContent":{"result":[{"x":1,"y":2}]}}""")]
    [InlineData("numbers", """{"content":[{"type":"text","text":"[1,2,3]"}],"structuredContent":{"result":[1,2,3]}}""")]
    [InlineData("map", """{"content":[{"type":"text","text":"{\u0022a\u0022:1}"}],"structuredContent":{"a":1}}""")]
    [InlineData("integer", """{"content":[{"type":"text","text":"42"}]}""")]
    [InlineData("unsigned", """{"content":[{"type":"text","text":"7"}]}""")]
    [InlineData("flag", """{"content":[{"type":"text","text":"true"}]}""")]
    [InlineData("ratio", """{"content":[{"type":"text","text":"0.25"}]}""")]
    [InlineData("money", """{"content":[{"type":"text","text":"1.50"}]}""")]
    [InlineData("id", """{"content":[{"type":"text","text":"\u00223f2504e0-4f89-11d3-9a0c-0305e82c3301\u0022"}]}""")]
    [InlineData("day", """{"content":[{"type":"text","text":"\u00222024-02-29\u0022"}]}""")]
    [InlineData("span", """{"content":[{"type":"text","text":"\u002201:30:00\u0022"}]}""")]
    [InlineData("feeling", """{"content":[{"type":"text","text":"\u0022Sad\u0022"}]}""")]
    [InlineData("nothing", """{"content":[]}""")]
    [InlineData("nothing_async", """{"content":[]}""")]
    [InlineData("nothing_value_task", """{"content":[]}""")]
    [InlineData("text_async", """{"content":[{"type":"text","text":"later"}]}""")]
    [InlineData("result_async", """{"content":[{"type":"text","text":"vt"}]}""")]
    [InlineData("integer_async", """{"content":[{"type":"text","text":"7"}]}""")]
    [InlineData("structured_async", """{"content":[{"type":"text","text":"{\u0022x\u0022:3,\u0022y\u0022:4}"}],"structuredContent":{"x":3,"y":4}}""")]
    [InlineData("blocks_async", """{"content":[{"type":"text","text":"z"}]}""")]
    public async Task Result_is_written_by_family(string tool, string expected)
    {
        JsonElement actual = await Call(tool);
        Assert.Equal(Normalize(expected), Normalize(actual.GetRawText()));
    }

    [Fact]
    public async Task Nullable_primitive_writes_null_or_value()
    {
        Assert.Equal("5", (await InvokeAsync(Server, "maybe", """{"some":true}""")).Text);
        Assert.Equal("null", (await InvokeAsync(Server, "maybe", """{"some":false}""")).Text);
    }

    [Fact]
    public void Output_schemas_follow_the_result_shape()
    {
        Assert.Equal("""{"type":"object","properties":{"x":{"type":"integer","minimum":-2147483648,"maximum":2147483647},"y":{"type":"integer","minimum":-2147483648,"maximum":2147483647}},"required":["x","y"]}""",
            ToolJson(Server, "structured").GetProperty("outputSchema").GetRawText());
        Assert.Equal("""{"type":"object","properties":{"result":{"type":"array","items":{"type":"integer","minimum":-2147483648,"maximum":2147483647}}},"required":["result"]}""",
            ToolJson(Server, "numbers").GetProperty("outputSchema").GetRawText());
        Assert.Equal("""{"type":"object","additionalProperties":{"type":"integer","minimum":-2147483648,"maximum":2147483647}}""",
            ToolJson(Server, "map").GetProperty("outputSchema").GetRawText());
        foreach (string name in new[] { "text", "integer", "flag", "id", "feeling", "nothing", "result", "blocks" })
        {
            Assert.False(ToolJson(Server, name).TryGetProperty("outputSchema", out _), name);
        }
    }

    [Fact]
    public async Task Async_disposable_server_is_disposed_after_the_call()
    {
        McpServerDefinition server = Definition(s_assembly.Value, "Returns.AsyncDisposableServer");
        FieldInfo disposed = s_assembly.Value.GetType("Returns.AsyncDisposableServer")!.GetField("Disposed")!;
        int before = (int)disposed.GetValue(null)!;
        Assert.Equal("hi", (await InvokeAsync(server, "hello", "{}", new ServiceCollection().BuildServiceProvider())).Text);
        Assert.Equal(before + 1, (int)disposed.GetValue(null)!);
    }

    [Fact]
    public void Static_server_class_is_skipped()
        => Assert.False(typeof(IMcpServer).IsAssignableFrom(s_assembly.Value.GetType("Returns.Holder")!));

    private static string Normalize(string json) => JsonSerializer.Serialize(JsonDocument.Parse(json).RootElement);
}
