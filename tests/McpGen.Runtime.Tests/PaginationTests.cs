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
    public async Task EmptyServer_HasNoToolsMethods()
    {
        // No tools capability is declared, so tools/list does not exist (the 2026-07-28 schema: -32601 for a method
        // behind an undeclared capability; conformance sep-2575-discover-capabilities-match-handlers).
        await using McpTestHost host = await StartAsync(new TestServerDefinition("empty", "0.1", []));

        await AssertErrorAsync(await host.SendModernAsync("tools/list"), 404, -32601, "1");
        await AssertErrorAsync(await host.SendLegacyAsync("tools/list"), 200, -32601, "1");
        JsonElement discover = await AssertResultAsync(await host.SendModernAsync("server/discover"));
        Assert.Equal("{}", discover.GetProperty("capabilities").GetRawText());
    }

    [Theory]
    [InlineData("resources/list", "resources", true)]
    [InlineData("resources/templates/list", "resourceTemplates", true)]
    [InlineData("prompts/list", "prompts", true)]
    [InlineData("resources/list", "resources", false)]
    [InlineData("resources/templates/list", "resourceTemplates", false)]
    [InlineData("prompts/list", "prompts", false)]
    public async Task FeatureLists_WalkAllPages(string method, string member, bool modern)
    {
        var resources = new List<McpResourceDefinition>();
        var prompts = new List<McpPromptDefinition>();
        for (int i = 0; i < 5; i++)
        {
            resources.Add(FeatureServers.Resource($"test://r{i}", ctx => { ctx.WriteResourceText("x", null); return ValueTask.CompletedTask; }));
            resources.Add(FeatureServers.ResourceTemplate($"test://t{i}/{{id}}", ctx => ValueTask.CompletedTask));
            prompts.Add(FeatureServers.Prompt($"p{i}", ctx => ValueTask.CompletedTask));
        }

        await using McpTestHost host = await StartAsync(new FeatureServerDefinition([], [.. resources], [.. prompts]), o => o.PageSize = 2);
        var pageSizes = new List<int>();
        var keys = new List<string>();
        string? cursor = null;
        do
        {
            string members = cursor is null ? "" : $"\"cursor\":\"{cursor}\"";
            HttpResponseMessage response = modern
                ? await host.SendModernAsync(method, members)
                : await host.SendLegacyAsync(method, "{" + members + "}");
            JsonElement result = await AssertResultAsync(response);
            JsonElement items = result.GetProperty(member);
            pageSizes.Add(items.GetArrayLength());
            keys.AddRange(items.EnumerateArray().Select(t => t.GetRawText()));
            Assert.Equal(modern, result.TryGetProperty("ttlMs", out _));
            Assert.Equal(modern, result.TryGetProperty("cacheScope", out _));
            Assert.Equal(modern, result.TryGetProperty("resultType", out _));
            Assert.Equal(modern, result.TryGetProperty("_meta", out _));
            cursor = result.TryGetProperty("nextCursor", out JsonElement next) ? next.GetString() : null;
        }
        while (cursor is not null);

        Assert.Equal([2, 2, 1], pageSizes);
        Assert.Equal(5, keys.Distinct().Count());
        if (member == "resources")
        {
            Assert.All(keys, k => Assert.Contains("\"uri\"", k));
        }
        else if (member == "resourceTemplates")
        {
            Assert.All(keys, k => Assert.Contains("\"uriTemplate\"", k));
        }
    }

    [Fact]
    public async Task CursorOfOneList_IsInvalidForAnother()
    {
        var resources = Enumerable.Range(0, 4).Select(i => FeatureServers.Resource($"test://r{i}", ctx => ValueTask.CompletedTask)).ToArray();
        var prompts = Enumerable.Range(0, 4).Select(i => FeatureServers.Prompt($"p{i}", ctx => ValueTask.CompletedTask)).ToArray();
        await using McpTestHost host = await StartAsync(new FeatureServerDefinition([], resources, prompts), o => o.PageSize = 2);
        string cursor = (await AssertResultAsync(await host.SendLegacyAsync("resources/list"))).GetProperty("nextCursor").GetString()!;

        JsonElement error = await AssertErrorAsync(await host.SendLegacyAsync("prompts/list", $"{{\"cursor\":\"{cursor}\"}}"), 200, -32602, "1");

        Assert.Contains("prompts/list", error.GetProperty("message").GetString());
        await AssertErrorAsync(await host.SendModernAsync("resources/templates/list", "\"cursor\":\"nope\""), 200, -32602, "1");
    }
}
