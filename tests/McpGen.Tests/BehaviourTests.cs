using System.Reflection;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using static McpGen.Tests.GeneratorHarness;

namespace McpGen.Tests;

/// <summary>Runs the generated code: loads the output assembly, reads the definition, invokes handlers.</summary>
public sealed class BehaviourTests
{
    private static readonly Lazy<Assembly> s_weather = new(() => Load(RunClean(TestSources.Weather)));
    private static readonly Lazy<Assembly> s_schemas = new(() => Load(RunClean(TestSources.Schemas)));
    private static readonly Lazy<Assembly> s_specials = new(() => Load(RunClean(TestSources.Specials)));
    private static readonly Lazy<Assembly> s_returns = new(() => Load(RunClean(TestSources.Returns)));

    private static McpServerDefinition Weather => Definition(s_weather.Value, "Sample.WeatherServer");

    private static McpServerDefinition Schemas => Definition(s_schemas.Value, "Schemas.SchemaServer");

    private static McpServerDefinition Specials => Definition(s_specials.Value, "Specials.SpecialsServer");

    private static McpServerDefinition Returns => Definition(s_returns.Value, "Returns.ReturnServer");

    private static IServiceProvider WeatherServices()
    {
        Assembly assembly = s_weather.Value;
        return new ServiceCollection()
            .AddSingleton(assembly.GetType("Sample.IForecasts")!, assembly.GetType("Sample.FakeForecasts")!)
            .BuildServiceProvider();
    }

    [Fact]
    public void Weather_definition_has_name_version_mode_and_sorted_tools()
    {
        McpServerDefinition definition = Weather;
        Assert.Equal("WeatherServer", definition.Name);
        Assert.Equal("1.0.0", definition.Version);
        Assert.Equal(McpSessionMode.Stateless, definition.SessionMode);
        Assert.Equal(["echo", "get_forecast"], definition.Tools.Select(t => t.Name));
        Assert.Null(definition.FindTool("missing"));
        Assert.Same(definition.Tools[1], definition.FindTool("get_forecast"));
        Assert.Equal(McpHandlerFeatures.None, definition.Tools[1].Features);
    }

    [Fact]
    public void Weather_tool_json_matches_the_spec_shape()
    {
        JsonElement tool = ToolJson(Weather, "get_forecast");
        Assert.Equal("Forecast for a city.", tool.GetProperty("description").GetString());
        JsonElement input = tool.GetProperty("inputSchema");
        Assert.Equal("object", input.GetProperty("type").GetString());
        Assert.Equal("City name, e.g. \"Oslo\".", input.GetProperty("properties").GetProperty("city").GetProperty("description").GetString());
        Assert.Equal(3, input.GetProperty("properties").GetProperty("days").GetProperty("default").GetInt32());
        Assert.False(input.GetProperty("properties").TryGetProperty("ct", out _));
        Assert.Equal(["city"], input.GetProperty("required").EnumerateArray().Select(e => e.GetString()));
        JsonElement output = tool.GetProperty("outputSchema");
        Assert.Equal(["city", "days", "temperatureC", "condition"], output.GetProperty("properties").EnumerateObject().Select(p => p.Name));
        Assert.Equal(["Sunny", "Cloudy", "Rain"], output.GetProperty("properties").GetProperty("condition").GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
        Assert.True(tool.GetProperty("annotations").GetProperty("readOnlyHint").GetBoolean());
        Assert.False(tool.GetProperty("annotations").TryGetProperty("destructiveHint", out _));

        JsonElement echo = ToolJson(Weather, "echo");
        Assert.Equal("Echoes the message.", echo.GetProperty("description").GetString());
        Assert.False(echo.TryGetProperty("annotations", out _));
        Assert.False(echo.TryGetProperty("outputSchema", out _));
    }

    [Fact]
    public async Task Static_string_tool_writes_text()
    {
        var call = await InvokeAsync(Weather, "echo", """{"message":"hi \"there\""}""");
        Assert.Equal("hi \"there\"", call.Text);
        Assert.False(call.Value.TryGetProperty("structuredContent", out _));
    }

    [Fact]
    public async Task Async_instance_tool_uses_di_constructor_defaults_and_writes_structured_content()
    {
        var call = await InvokeAsync(Weather, "get_forecast", """{"city":"Oslo"}""", WeatherServices());
        JsonElement structured = call.Value.GetProperty("structuredContent");
        Assert.Equal("Oslo", structured.GetProperty("city").GetString());
        Assert.Equal(3, structured.GetProperty("days").GetInt32());
        Assert.Equal("Rain", structured.GetProperty("condition").GetString());
        Assert.Equal(structured.GetRawText(), call.Text);
    }

    [Fact]
    public async Task Explicit_null_for_a_defaulted_argument_means_default()
    {
        var call = await InvokeAsync(Weather, "get_forecast", """{"city":"Oslo","days":null,"extra":[1,2]}""", WeatherServices());
        Assert.Equal(3, call.Value.GetProperty("structuredContent").GetProperty("days").GetInt32());
    }

    [Fact]
    public async Task Argument_errors_list_every_bad_or_missing_argument_and_write_nothing()
    {
        var call = await InvokeAsync(Weather, "get_forecast", """{"days":"three"}""", WeatherServices());
        Assert.Null(call.Result);
        Assert.Equal(["days", "city"], call.ArgumentErrors.Select(e => e.Name));
        Assert.Contains("'city': missing (required string)", call.Errors);
        Assert.Contains("'days': expected integer (32-bit), received string \"three\"", call.Errors);

        var nullCall = await InvokeAsync(Weather, "echo", """{"message":null}""");
        Assert.Contains("'message': expected string, received null", nullCall.Errors);
    }

    [Fact]
    public async Task Enums_are_parsed_by_name_and_mismatches_list_the_allowed_names()
    {
        Assert.Equal("High", (await InvokeAsync(Schemas, "enums", """{"priority":"High"}""")).Text);
        var bad = await InvokeAsync(Schemas, "enums", """{"priority":"Urgent"}""");
        Assert.Contains("expected one of: Low, Normal, High, received string \"Urgent\"", bad.Errors);
    }

    [Fact]
    public async Task Defaults_apply_when_arguments_are_missing()
    {
        Assert.Equal("metric", (await InvokeAsync(Schemas, "defaults", "{}")).Text);
        Assert.Equal("imperial", (await InvokeAsync(Schemas, "defaults", """{"unit":"imperial","priority":"Low","tag":null}""")).Text);
    }

    [Fact]
    public async Task Nullable_arguments_accept_null_and_absence()
    {
        Assert.Equal("", (await InvokeAsync(Schemas, "nullables", "{}")).Text);
        Assert.Equal("n", (await InvokeAsync(Schemas, "nullables", """{"count":null,"note":"n","priority":null,"address":{"street":"Main"}}""")).Text);
        var bad = await InvokeAsync(Schemas, "nullables", """{"count":"x","priority":"Nope"}""");
        Assert.Equal(["count", "priority"], bad.ArgumentErrors.Select(e => e.Name));
    }

    [Fact]
    public async Task Primitive_and_format_arguments_are_read()
    {
        var call = await InvokeAsync(Schemas, "primitives", """{"text":"t","letter":"x","flag":true,"b":255,"sb":-1,"s":1,"us":2,"i":3,"ui":4,"l":5,"ul":6,"f":1.5,"d":2.5,"m":3.5}""");
        Assert.Equal("t", call.Text);
        var formats = await InvokeAsync(Schemas, "formats", """{"dt":"2024-01-02T03:04:05Z","dto":"2024-01-02T03:04:05+01:00","date":"2024-01-02","time":"10:30","span":"PT5M","id":"3f2504e0-4f89-11d3-9a0c-0305e82c3301","link":"https://example.com/"}""");
        Assert.StartsWith("2024-01-02T03:04:05", formats.Text);
        var bad = await InvokeAsync(Schemas, "primitives", """{"text":"t","letter":"xy","flag":1,"b":256}""");
        Assert.Equal(["letter", "flag", "b", "sb", "s", "us", "i", "ui", "l", "ul", "f", "d", "m"], bad.ArgumentErrors.Select(e => e.Name));
    }

    [Fact]
    public async Task Complex_arguments_are_read_through_type_info()
    {
        var call = await InvokeAsync(Schemas, "objects", """{"person":{"name":"Ada","e_mail":"a@b.c"},"address":{"street":"Main"}}""");
        Assert.Equal("Ada", call.Text);
        var tree = await InvokeAsync(Schemas, "recursive", """{"tree":{"label":"root","children":[{"label":"leaf"}]}}""");
        Assert.Equal("root", tree.Text);
        var bad = await InvokeAsync(Schemas, "objects", """{"person":[1],"address":{"street":"Main"}}""");
        Assert.Equal("person", Assert.Single(bad.ArgumentErrors).Name);
        var collections = await InvokeAsync(Schemas, "collections", """{"names":["a"],"numbers":[1],"a":[1.5],"b":[],"c":[],"d":[],"set":["x","x"],"iset":[],"imm":["i"],"counts":{"a":1},"addresses":{"home":{"street":"s"}}}""");
        Assert.Equal("", collections.Text);
    }

    [Fact]
    public void Schema_tool_json_parses_and_covers_the_families()
    {
        JsonElement noParameters = ToolJson(Schemas, "no_parameters");
        Assert.Equal("""{"type":"object","additionalProperties":false}""", noParameters.GetProperty("inputSchema").GetRawText());
        Assert.Equal("No \"parameters\"", noParameters.GetProperty("title").GetString());
        Assert.Equal("Says \"hi\" — to everyone. Second line with a tab and ünïcödé ✓ and 😀.", noParameters.GetProperty("description").GetString());

        JsonElement defaults = ToolJson(Schemas, "defaults").GetProperty("inputSchema");
        Assert.False(defaults.TryGetProperty("required", out _));
        Assert.Equal("High", defaults.GetProperty("properties").GetProperty("priority").GetProperty("default").GetString());

        JsonElement person = ToolJson(Schemas, "objects").GetProperty("inputSchema").GetProperty("properties").GetProperty("person");
        string[] names = person.GetProperty("properties").EnumerateObject().Select(p => p.Name).ToArray();
        Assert.Equal(["name", "age", "e_mail", "home", "tags", "urlValue"], names);
        Assert.Equal(["name"], person.GetProperty("required").EnumerateArray().Select(e => e.GetString()));

        // A recursive type lives once under $defs (camelCase, like properties); every use, the root one included, refers to it.
        JsonElement recursive = ToolJson(Schemas, "recursive").GetProperty("inputSchema");
        Assert.Equal("""{"$ref":"#/$defs/treeNode"}""", recursive.GetProperty("properties").GetProperty("tree").GetRawText());
        JsonElement treeNode = recursive.GetProperty("$defs").GetProperty("treeNode");
        Assert.Equal("#/$defs/treeNode", treeNode.GetProperty("properties").GetProperty("children").GetProperty("items").GetProperty("$ref").GetString());
        Assert.Equal(["treeNode"], recursive.GetProperty("$defs").EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task Special_parameters_are_bound_from_the_context_and_never_appear_in_the_schema()
    {
        var services = SpecialServices();
        var progress = new TestProgressSink();
        using var cts = new CancellationTokenSource();
        var call = await InvokeAsync(Specials, "context", """{"id":"42"}""", services, cts.Token, progress);
        Assert.Equal("42|True|True|True|True|2025-11-25|2030|True", call.Text);
        Assert.Equal(0.5, progress.Reports.Single().Progress / progress.Reports.Single().Total!.Value);

        JsonElement schema = ToolJson(Specials, "context").GetProperty("inputSchema");
        Assert.Equal(["id"], schema.GetProperty("properties").EnumerateObject().Select(p => p.Name));
        Assert.Equal(McpHandlerFeatures.Progress | McpHandlerFeatures.RequestContext, Specials.FindTool("context")!.Features);
        Assert.Equal(McpHandlerFeatures.Progress, Specials.FindTool("progress")!.Features);
    }

    [Fact]
    public async Task Services_come_from_di_and_the_instance_is_disposed()
    {
        Type server = s_specials.Value.GetType("Specials.SpecialsServer")!;
        FieldInfo disposed = server.GetField("Disposed")!;
        int before = (int)disposed.GetValue(null)!;
        var call = await InvokeAsync(Specials, "services", """{"name":"Ada"}""", SpecialServices());
        Assert.Equal("Hello Ada|2031|loaded Ada|some", call.Text);
        Assert.Equal(["name"], ToolJson(Specials, "services").GetProperty("inputSchema").GetProperty("properties").EnumerateObject().Select(p => p.Name));

        await InvokeAsync(Specials, "progress", "{}", SpecialServices());
        Assert.Equal(before + 1, (int)disposed.GetValue(null)!);
    }

    [Fact]
    public async Task Cancellation_token_flows_into_the_tool()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => InvokeAsync(Specials, "wait_async", """{"milliseconds":10000}""", SpecialServices(), cts.Token));
    }

    [Fact]
    public void Server_attribute_settings_reach_the_definition()
    {
        McpServerDefinition definition = Specials;
        Assert.Equal("specials", definition.Name);
        Assert.Equal("2.0.0", definition.Version);
        Assert.Equal("Specials", definition.Title);
        Assert.Equal("Use with \"care\".", definition.Instructions);
        Assert.Equal(McpSessionMode.Store, definition.SessionMode);
    }

    private IServiceProvider SpecialServices()
    {
        Assembly assembly = s_specials.Value;
        Type clockType = assembly.GetType("Specials.IClock")!;
        Type repositoryType = assembly.GetType("Specials.Repository")!;
        Type greeterType = assembly.GetType("Specials.Greeter")!;
        var services = new ServiceCollection();
        Type fixedClock = assembly.GetType("Specials.FixedClock")!;
        services.AddSingleton(clockType, _ => Activator.CreateInstance(fixedClock, 2030)!);
        services.AddKeyedSingleton(clockType, "fast", (_, _) => Activator.CreateInstance(fixedClock, 2031)!);
        services.AddSingleton(greeterType);
        services.AddSingleton(repositoryType, assembly.GetType("Specials.SqlRepository")!);
        services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        return services.BuildServiceProvider();
    }
}
