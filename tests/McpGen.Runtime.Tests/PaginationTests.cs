using System.Text.Json;
using McpGen.Runtime.Tests.Infrastructure;
using static McpGen.Runtime.Tests.Infrastructure.McpTestHost;

namespace McpGen.Runtime.Tests;

/// <summary>tools/list pages: opaque cursors any replica can continue, invalid cursors rejected.</summary>
public sealed class PaginationTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task WalkingAllPages_ReturnsEveryToolOnceInOrder(bool modern)
    {
        await using McpTestHost host = await StartAsync(TestTools.Many(7), o => o.PageSize = 3);
        var names = new List<string>();
        var pageSizes = new List<int>();
        string? cursor = null;
        do
        {
            string members = cursor is null ? "" : $"\"cursor\":\"{cursor}\"";
            HttpResponseMessage response = modern
                ? await host.SendModernAsync("tools/list", members)
                : await host.SendLegacyAsync("tools/list", "{" + members + "}");
            JsonElement result = await AssertResultAsync(response);
            JsonElement tools = result.GetProperty("tools");
            pageSizes.Add(tools.GetArrayLength());
            names.AddRange(tools.EnumerateArray().Select(t => t.GetProperty("name").GetString()!));
            Assert.Equal(modern, result.TryGetProperty("ttlMs", out _));
            cursor = result.TryGetProperty("nextCursor", out JsonElement next) ? next.GetString() : null;
        }
        while (cursor is not null);

        Assert.Equal([3, 3, 1], pageSizes);
        Assert.Equal(Enumerable.Range(0, 7).Select(i => $"tool_{i:00}"), names);
    }

    [Fact]
    public async Task CursorFromAnotherReplica_WithTheSameTools_Continues()
    {
        await using McpTestHost first = await StartAsync(TestTools.Many(5), o => o.PageSize = 2);
        await using McpTestHost second = await StartAsync(TestTools.Many(5), o => o.PageSize = 2);
        string cursor = (await AssertResultAsync(await first.SendLegacyAsync("tools/list"))).GetProperty("nextCursor").GetString()!;

        JsonElement page = await AssertResultAsync(await second.SendLegacyAsync("tools/list", $"{{\"cursor\":\"{cursor}\"}}"));

        Assert.Equal("tool_02", page.GetProperty("tools")[0].GetProperty("name").GetString());
    }

    [Fact]
    public async Task CursorFromADifferentToolSet_IsInvalid()
    {
        await using McpTestHost other = await StartAsync(TestTools.Many(8), o => o.PageSize = 2);
        await using McpTestHost host = await StartAsync(TestTools.Many(7), o => o.PageSize = 2);
        string cursor = (await AssertResultAsync(await other.SendLegacyAsync("tools/list"))).GetProperty("nextCursor").GetString()!;

        HttpResponseMessage response = await host.SendLegacyAsync("tools/list", $"{{\"cursor\":\"{cursor}\"}}");

        Assert.StartsWith("Invalid cursor", (await AssertErrorAsync(response, 200, -32602, "1")).GetProperty("message").GetString());
    }

    [Theory]
    [InlineData("\"garbage\"")]
    [InlineData("\"\"")]
    [InlineData("42")]
    [InlineData("\"bWNwZ2VuMTo5OTk6MDAwMDAwMDAwMDAwMDAwMA\"")] // a well-formed cursor with a wrong fingerprint
    public async Task InvalidCursor_GetsInvalidParams(string cursor)
    {
        await using McpTestHost host = await StartAsync(TestTools.Many(7), o => o.PageSize = 3);

        HttpResponseMessage modern = await host.SendModernAsync("tools/list", $"\"cursor\":{cursor}");
        HttpResponseMessage legacy = await host.SendLegacyAsync("tools/list", $"{{\"cursor\":{cursor}}}");

        Assert.StartsWith("Invalid cursor", (await AssertErrorAsync(modern, 200, -32602, "1")).GetProperty("message").GetString());
        await AssertErrorAsync(legacy, 200, -32602, "1");
    }

    [Fact]
    public async Task NullCursor_MeansTheFirstPage()
    {
        await using McpTestHost host = await StartAsync(TestTools.Many(7), o => o.PageSize = 3);

        JsonElement result = await AssertResultAsync(await host.SendLegacyAsync("tools/list", """{"cursor":null}"""));

        Assert.Equal("tool_00", result.GetProperty("tools")[0].GetProperty("name").GetString());
    }

    [Fact]
    public async Task EmptyServer_ListsNoTools()
    {
        await using McpTestHost host = await StartAsync(new TestServerDefinition("empty", "0.1", []));

        JsonElement result = await AssertResultAsync(await host.SendModernAsync("tools/list"));

        Assert.Equal(0, result.GetProperty("tools").GetArrayLength());
        Assert.False(result.TryGetProperty("nextCursor", out _));
    }
}
