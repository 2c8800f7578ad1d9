using System.Reflection;
using System.Text.Json;
using static McpGen.Tests.GeneratorHarness;

namespace McpGen.Tests;

/// <summary>MCP methods inherited from base classes: exposed like the server's own, with override and hiding rules.</summary>
public sealed class InheritanceTests
{
    private static readonly Lazy<Assembly> s_assembly = new(() => Load(RunClean(TestSources.Inheritance)));

    private static McpServerDefinition Derived => Definition(s_assembly.Value, "Inheritance.DerivedServer");

    private static McpServerDefinition Other => Definition(s_assembly.Value, "Inheritance.OtherServer");

    [Fact]
    public void Inherited_tools_are_listed_without_hidden_private_or_duplicated_overrides()
    {
        Assert.Equal(["greet", "middle_static", "own", "protected_tool", "root_static", "shape"], Derived.Tools.Select(t => t.Name));
        Assert.Equal(["greet", "hidden", "protected_tool", "root_static", "shape"], Other.Tools.Select(t => t.Name));
    }

    [Fact]
    public void The_most_derived_attributed_declaration_describes_the_tool()
    {
        Assert.Equal("Derived shape.", ToolJson(Derived, "shape").GetProperty("description").GetString());
        Assert.Equal("Abstract shape.", ToolJson(Other, "shape").GetProperty("description").GetString());
        Assert.Equal("Base greeting.", ToolJson(Derived, "greet").GetProperty("description").GetString());
    }

    [Theory]
    [InlineData("root_static", """{"text":"x"}""", "root:x")]
    [InlineData("greet", """{"name":"Ada"}""", "middle hello Ada")]
    [InlineData("shape", "{}", "circle")]
    [InlineData("protected_tool", "{}", "guarded")]
    [InlineData("middle_static", "{}", "middle")]
    [InlineData("own", "{}", "own")]
    public async Task Inherited_tools_call_the_most_derived_implementation(string tool, string arguments, string expected)
        => Assert.Equal(expected, (await InvokeAsync(Derived, tool, arguments)).Text);

    [Fact]
    public async Task A_base_shared_by_two_servers_serves_both()
    {
        Assert.Equal("square", (await InvokeAsync(Other, "shape", "{}")).Text);
        Assert.Equal("base hello Ada", (await InvokeAsync(Other, "greet", """{"name":"Ada"}""")).Text);
        Assert.Equal("base hidden", (await InvokeAsync(Other, "hidden", "{}")).Text);
    }

    [Fact]
    public async Task Inherited_resources_prompts_and_completions_are_served()
    {
        foreach (McpServerDefinition definition in new[] { Derived, Other })
        {
            McpResourceDefinition resource = Assert.Single(definition.Resources);
            Assert.Equal("inherit://base/text", resource.UriOrTemplate);
            ToolCall read = await RunHandlerAsync(c => resource.Handler(c), resourceUri: "inherit://base/text");
            Assert.Contains("base text", read.Value.GetRawText(), StringComparison.Ordinal);

            McpPromptDefinition prompt = Assert.Single(definition.Prompts);
            ToolCall rendered = await RunHandlerAsync(c => prompt.Handler(c), """{"topic":"owls"}""");
            Assert.Contains("About owls", rendered.Value.GetRawText(), StringComparison.Ordinal);
            Assert.True(definition.HasCompletions);
        }
    }
}
