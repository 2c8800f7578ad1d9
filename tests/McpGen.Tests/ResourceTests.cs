using System.Reflection;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using static McpGen.Tests.GeneratorHarness;

namespace McpGen.Tests;

/// <summary>Resources, resource templates, prompts and completions, run through the generated code.</summary>
public sealed class ResourceTests
{
    private static readonly Lazy<Assembly> s_assembly = new(() => Load(RunClean(TestSources.Resources)));

    private static McpServerDefinition Library => Definition(s_assembly.Value, "Resources.LibraryServer");

    private static McpServerDefinition TemplateOnly => Definition(s_assembly.Value, "Resources.TemplateOnlyServer");

    private static IServiceProvider Services()
    {
        Assembly assembly = s_assembly.Value;
        return new ServiceCollection()
            .AddSingleton(assembly.GetType("Resources.IGreeter")!, assembly.GetType("Resources.Greeter")!)
            .BuildServiceProvider();
    }

    private static string Json(ReadOnlyMemory<byte> json) => System.Text.Encoding.UTF8.GetString(json.Span);

    private static async Task<string> Read(McpServerDefinition definition, string uri)
    {
        McpResourceDefinition resource = definition.FindResource(uri) ?? throw new InvalidOperationException("No resource for " + uri);
        ToolCall call = await RunHandlerAsync(c => resource.Handler(c), resourceUri: uri, services: Services());
        return call.Value.GetRawText();
    }

    private static async Task<ToolCall> Render(string name, string arguments)
    {
        McpPromptDefinition prompt = Library.FindPrompt(name) ?? throw new InvalidOperationException("No prompt " + name);
        return await RunHandlerAsync(c => prompt.Handler(c), arguments, services: Services());
    }

    [Fact]
    public void Server_without_tools_lists_resources_fixed_first_then_templates_by_uri()
    {
        McpServerDefinition definition = Library;
        Assert.Empty(definition.Tools);
        Assert.Equal(
            ["config://app/logo", "config://app/memory", "config://app/one", "config://app/pair", "config://app/settings",
             "file:///{+path}", "greeting://{name}", "weather://{city}/days/{days}", "weather://{city}/unit/{unit}.txt"],
            definition.Resources.Select(r => r.UriOrTemplate));
        Assert.Equal([false, false, false, false, false, true, true, true, true], definition.Resources.Select(r => r.IsTemplate));
        Assert.Equal(["config://app/settings"], definition.Resources.Where(r => r.Subscribable).Select(r => r.UriOrTemplate));
        Assert.DoesNotContain(definition.Resources, r => r.UriOrTemplate.StartsWith("bad://", StringComparison.Ordinal));
        Assert.True(definition.HasCompletions);
        Assert.False(TemplateOnly.HasCompletions);
        Assert.Empty(TemplateOnly.Prompts);
    }

    [Fact]
    public void Resource_and_template_json_match_the_spec_shapes()
    {
        Assert.Equal(
            """{"uri":"config://app/settings","name":"settings","title":"Settings","description":"The application settings.","mimeType":"application/json"}""",
            Json(Library.FindResource("config://app/settings")!.Json));
        Assert.Equal("""{"uri":"config://app/logo","name":"logo","description":"The logo."}""", Json(Library.FindResource("config://app/logo")!.Json));
        Assert.Equal("""{"uri":"config://app/one","name":"one_entry"}""", Json(Library.FindResource("config://app/one")!.Json));
        Assert.Equal(
            """{"uriTemplate":"greeting://{name}","name":"greeting","description":"A greeting for someone."}""",
            Json(Library.Resources.Single(r => r.UriOrTemplate == "greeting://{name}").Json));
        Assert.Equal(
            """{"uriTemplate":"weather://{city}/days/{days}","name":"forecast","mimeType":"text/plain"}""",
            Json(Library.Resources.Single(r => r.UriOrTemplate == "weather://{city}/days/{days}").Json));
    }

    [Theory]
    [InlineData("config://app/settings", "config://app/settings")]
    [InlineData("greeting://ada", "greeting://{name}")]
    [InlineData("greeting://a%20b", "greeting://{name}")]
    [InlineData("greeting://a%2Fb", "greeting://{name}")]
    [InlineData("weather://oslo/days/3", "weather://{city}/days/{days}")]
    [InlineData("weather://oslo/days/x", "weather://{city}/days/{days}")]
    [InlineData("weather://oslo/unit/Celsius.txt", "weather://{city}/unit/{unit}.txt")]
    [InlineData("file:///etc/hosts", "file:///{+path}")]
    [InlineData("file:///a", "file:///{+path}")]
    public void FindResource_matches_fixed_uris_and_templates(string uri, string expected)
        => Assert.Equal(expected, Library.FindResource(uri)?.UriOrTemplate);

    [Theory]
    [InlineData("config://app/settings/")]
    [InlineData("config://app/Settings")]
    [InlineData("greeting://")]
    [InlineData("greeting://a/b")]
    [InlineData("greeting:/ada")]
    [InlineData("weather://oslo/days/")]
    [InlineData("weather:///days/3")]
    [InlineData("weather://os/lo/days/3")]
    [InlineData("weather://oslo/days/3/4")]
    [InlineData("weather://oslo/unit/.txt")]
    [InlineData("weather://oslo/unit/Celsius.txtx")]
    [InlineData("file:///")]
    [InlineData("other://x")]
    [InlineData("")]
    public void FindResource_rejects_uris_that_do_not_match(string uri) => Assert.Null(Library.FindResource(uri));

    [Theory]
    [InlineData("config://app/settings", """{"contents":[{"uri":"config://app/settings","mimeType":"application/json","text":"{\u0022theme\u0022:\u0022dark\u0022}"}]}""")]
    [InlineData("config://app/logo", """{"contents":[{"uri":"config://app/logo","mimeType":"application/octet-stream","blob":"AQID"}]}""")]
    [InlineData("config://app/memory", """{"contents":[{"uri":"config://app/memory","mimeType":"image/png","blob":"BAU="}]}""")]
    [InlineData("config://app/pair", """{"contents":[{"uri":"config://app/pair#a","text":"a"},{"uri":"config://app/pair#b","mimeType":"text/markdown","text":"b"}]}""")]
    [InlineData("config://app/one", """{"contents":[{"uri":"config://app/one","text":"one"}]}""")]
    [InlineData("greeting://a%20b", """{"contents":[{"uri":"greeting://a%20b","mimeType":"text/plain","text":"Hello, a b"}]}""")]
    [InlineData("greeting://a%2Fb", """{"contents":[{"uri":"greeting://a%2Fb","mimeType":"text/plain","text":"Hello, a/b"}]}""")]
    [InlineData("weather://oslo/days/3", """{"contents":[{"uri":"weather://oslo/days/3","mimeType":"text/plain","text":"oslo for 3 days"}]}""")]
    [InlineData("weather://oslo/unit/Fahrenheit.txt", """{"contents":[{"uri":"weather://oslo/unit/Fahrenheit.txt","mimeType":"text/plain","text":"oslo in Fahrenheit"}]}""")]
    [InlineData("file:///etc/my%20hosts", """{"contents":[{"uri":"file:///etc/my%20hosts","mimeType":"text/plain","text":"file etc/my hosts"}]}""")]
    public async Task Read_handlers_write_the_contents(string uri, string expected) => Assert.Equal(expected, await Read(Library, uri));

    [Fact]
    public async Task Instance_resource_disposes_the_server()
    {
        Type server = s_assembly.Value.GetType("Resources.LibraryServer")!;
        FieldInfo disposed = server.GetField("Disposed")!;
        int before = (int)disposed.GetValue(null)!;
        await Read(Library, "greeting://x");
        Assert.Equal(before + 1, (int)disposed.GetValue(null)!);
    }

    [Theory]
    [InlineData("weather://oslo/days/x", "Invalid value 'x' for the resource template variable 'days': expected integer.")]
    [InlineData("weather://oslo/unit/Kelvin.txt", "Invalid value 'Kelvin' for the resource template variable 'unit': expected one of: Celsius, Fahrenheit.")]
    [InlineData("items://nope", "Invalid value 'nope' for the resource template variable 'id': expected UUID.")]
    [InlineData("flags://maybe/1/2", "Invalid value 'maybe' for the resource template variable 'on': expected true or false.")]
    public async Task Typed_variables_that_do_not_parse_throw_a_tool_exception(string uri, string message)
    {
        McpServerDefinition definition = uri.StartsWith("weather", StringComparison.Ordinal) ? Library : TemplateOnly;
        var exception = await Assert.ThrowsAsync<McpToolException>(() => Read(definition, uri));
        Assert.Equal(message, exception.Message);
    }

    [Fact]
    public async Task Typed_variables_parse_invariantly()
    {
        Assert.Equal(
            """{"contents":[{"uri":"items://3f2504e0-4f89-11d3-9a0c-0305e82c3301","mimeType":"text/plain","text":"3f2504e0-4f89-11d3-9a0c-0305e82c3301"}]}""",
            await Read(TemplateOnly, "items://3f2504e0-4f89-11d3-9a0c-0305e82c3301"));
        Assert.Contains("\"text\":\"True 1.5 -7\"", await Read(TemplateOnly, "flags://true/1.5/-7"));
        Assert.Null(TemplateOnly.FindResource("flags://true/1.5"));
    }

    [Fact]
    public void Prompts_are_sorted_and_their_json_lists_arguments()
    {
        Assert.Equal(["conversation", "full", "greet", "listed", "review"], Library.Prompts.Select(p => p.Name));
        Assert.Null(Library.FindPrompt("invalid"));
        Assert.Null(Library.FindPrompt("Review"));
        Assert.Same(Library.Prompts[4], Library.FindPrompt("review"));
        Assert.Equal(
            """{"name":"review","title":"Code review","description":"Asks for a code review.","arguments":[{"name":"code","description":"The code to review.","required":true},{"name":"language","description":"The language, if known.","required":false},{"name":"style","required":false}]}""",
            Json(Library.FindPrompt("review")!.Json));
        Assert.Equal("""{"name":"greet","arguments":[{"name":"name","description":"Who to greet.","required":true}]}""", Json(Library.FindPrompt("greet")!.Json));
        Assert.Equal("""{"name":"full","arguments":[]}""", Json(Library.FindPrompt("full")!.Json));
    }

    [Theory]
    [InlineData("review", """{"code":"x=1"}""", """{"messages":[{"role":"user","content":{"type":"text","text":"Review this code (strict): x=1"}}]}""")]
    [InlineData("review", """{"code":"x=1","language":"python","style":"kind"}""", """{"messages":[{"role":"user","content":{"type":"text","text":"Review this python (kind): x=1"}}]}""")]
    [InlineData("greet", """{"name":"Ada"}""", """{"messages":[{"role":"assistant","content":{"type":"text","text":"Hello, Ada"}}]}""")]
    [InlineData("conversation", """{"topic":"owls"}""", """{"messages":[{"role":"user","content":{"type":"text","text":"Tell me about owls"}},{"role":"assistant","content":{"type":"text","text":"Sure."}}]}""")]
    [InlineData("full", "", """{"description":"full","messages":[{"role":"user","content":{"type":"text","text":"hi"}}]}""")]
    [InlineData("listed", "{}", """{"messages":[{"role":"user","content":{"type":"text","text":"listed"}}]}""")]
    public async Task Prompt_handlers_write_the_messages(string name, string arguments, string expected)
        => Assert.Equal(expected, (await Render(name, arguments)).Value.GetRawText());

    [Fact]
    public async Task Missing_required_prompt_argument_is_reported_and_nothing_is_written()
    {
        ToolCall call = await Render("review", """{"language":"c"}""");
        Assert.Null(call.Result);
        var error = Assert.Single(call.ArgumentErrors);
        Assert.Equal("code", error.Name);
        Assert.Null(error.Received);
    }

    [Fact]
    public void Completions_are_found_by_prompt_or_template_and_argument()
    {
        Assert.NotNull(Library.FindCompletion(true, "review", "language"));
        Assert.NotNull(Library.FindCompletion(true, "greet", "name"));
        Assert.NotNull(Library.FindCompletion(false, "weather://{city}/days/{days}", "city"));
        Assert.NotNull(Library.FindCompletion(false, "weather://{city}/unit/{unit}.txt", "city"));
        Assert.Null(Library.FindCompletion(false, "review", "language"));
        Assert.Null(Library.FindCompletion(true, "review", "code"));
        Assert.Null(Library.FindCompletion(true, "missing", "x"));
        Assert.Null(Library.FindCompletion(true, "review", "nope"));
        Assert.Null(TemplateOnly.FindCompletion(true, "review", "language"));
    }

    [Fact]
    public async Task Completion_handlers_return_the_values()
    {
        McpCompletionHandler languages = Library.FindCompletion(true, "review", "language")!;
        Assert.Equal(["csharp", "c"], await languages(CompletionContext(), "c", CancellationToken.None));

        McpCompletionHandler cities = Library.FindCompletion(false, "weather://{city}/days/{days}", "city")!;
        var context = CompletionContext(arguments: new Dictionary<string, string> { ["days"] = "3" });
        Assert.Equal(["Oslo", "Osaka", "days=3"], await cities(context, "os", CancellationToken.None));
        Assert.Equal(["Paris", "none"], await Library.FindCompletion(false, "weather://{city}/unit/{unit}.txt", "city")!(CompletionContext(), "P", CancellationToken.None));

        McpCompletionHandler names = Library.FindCompletion(true, "greet", "name")!;
        Assert.Equal(["Hello, Ad", "Hello, x"], await names(CompletionContext(Services()), "Ad", CancellationToken.None));
    }
}
