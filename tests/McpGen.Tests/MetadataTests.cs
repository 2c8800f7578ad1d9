using System.Reflection;
using System.Text.Json;
using static McpGen.Tests.GeneratorHarness;

namespace McpGen.Tests;

/// <summary>
/// JSON Schema 2020-12 features ($schema, $defs for shared and anchored types, additionalProperties, [McpSchema]
/// keywords), icons, _meta and x-mcp-header, read from the generated definition and exercised through the handlers.
/// </summary>
public sealed class MetadataTests
{
    private static readonly Lazy<Assembly> s_metadata = new(() => Load(RunClean(TestSources.Metadata)));

    private static McpServerDefinition Metadata => Definition(s_metadata.Value, "Metadata.MetadataServer");

    [Fact]
    public void Task_support_and_rerunnable_reach_the_tool_definitions_and_leave_the_tool_json_alone()
    {
        McpToolDefinition reindex = Metadata.FindTool("reindex")!;
        Assert.Equal(McpTaskSupport.Required, reindex.TaskSupport);
        Assert.True(reindex.Rerunnable);

        McpToolDefinition report = Metadata.FindTool("report")!;
        Assert.Equal(McpTaskSupport.Optional, report.TaskSupport);
        Assert.False(report.Rerunnable);
        Assert.Equal(["Region"], report.Headers.Select(h => h.Name));

        Assert.Equal(McpTaskSupport.Forbidden, Metadata.FindTool("now")!.TaskSupport);
        Assert.Equal(McpTaskSupport.Forbidden, Metadata.FindTool("shapes")!.TaskSupport);

        // The 2026-07-28 Tool object has no task member: the server decides per request (the extension's rule).
        Assert.False(ToolJson(Metadata, "reindex").TryGetProperty("execution", out _));
    }

    [Fact]
    public void Json_schema_2020_12_tool_has_the_conformance_fixture_shape()
    {
        JsonElement schema = ToolJson(Metadata, "json_schema_2020_12_tool").GetProperty("inputSchema");

        Assert.Equal("$schema", schema.EnumerateObject().First().Name);
        Assert.Equal("https://json-schema.org/draft/2020-12/schema", schema.GetProperty("$schema").GetString());
        Assert.False(schema.GetProperty("additionalProperties").GetBoolean());
        Assert.Equal(["name", "address", "contactMethod", "phone", "email"], schema.GetProperty("properties").EnumerateObject().Select(p => p.Name));

        // Address is used once, but its [McpSchema] gives it an $anchor: it must exist exactly once, under $defs.
        JsonElement address = schema.GetProperty("$defs").GetProperty("address");
        Assert.Equal("addressDef", address.GetProperty("$anchor").GetString());
        Assert.Equal("A postal address.", address.GetProperty("description").GetString());
        Assert.False(address.GetProperty("additionalProperties").GetBoolean());
        Assert.Equal("#/$defs/address", schema.GetProperty("properties").GetProperty("address").GetProperty("anyOf")[0].GetProperty("$ref").GetString());

        // [JsonStringEnumMemberName] names the values; composition and conditional keywords pass through untouched.
        Assert.Equal(["phone", "email", null], schema.GetProperty("properties").GetProperty("contactMethod").GetProperty("enum").EnumerateArray().Select(e => e.ValueKind == JsonValueKind.Null ? null : e.GetString()));
        Assert.Equal("""[{"anyOf":[{"required":["phone"]},{"required":["email"]}]}]""", schema.GetProperty("allOf").GetRawText());
        Assert.Equal("""{"properties":{"contactMethod":{"const":"phone"}},"required":["contactMethod"]}""", schema.GetProperty("if").GetRawText());
        Assert.Equal("""{"required":["phone"]}""", schema.GetProperty("then").GetRawText());
        Assert.Equal("""{"required":["email"]}""", schema.GetProperty("else").GetRawText());
    }

    [Fact]
    public async Task Enum_member_names_bind_and_are_what_errors_list()
    {
        var call = await InvokeAsync(Metadata, "json_schema_2020_12_tool", """{"name":"Ada","address":{"street":"Main","city":"Oslo"},"contactMethod":"phone","phone":"123"}""");
        Assert.Equal("Ada|Oslo|Phone|123", call.Text);

        var bad = await InvokeAsync(Metadata, "json_schema_2020_12_tool", """{"contactMethod":"Phone"}""");
        Assert.Contains("expected one of: phone, email, received string \"Phone\"", bad.Errors);
    }

    [Fact]
    public void Shared_types_go_to_defs_once_and_open_types_stay_open()
    {
        JsonElement schema = ToolJson(Metadata, "shapes").GetProperty("inputSchema");
        JsonElement properties = schema.GetProperty("properties");

        Assert.Equal(["point"], schema.GetProperty("$defs").EnumerateObject().Select(p => p.Name));
        Assert.Equal("""{"$ref":"#/$defs/point"}""", properties.GetProperty("from").GetRawText());
        Assert.Equal("""{"$ref":"#/$defs/point"}""", properties.GetProperty("to").GetRawText());
        Assert.Equal("""{"anyOf":[{"$ref":"#/$defs/point"},{"type":"null"}]}""", properties.GetProperty("via").GetRawText());
        Assert.False(schema.GetProperty("$defs").GetProperty("point").GetProperty("additionalProperties").GetBoolean());

        // [JsonExtensionData] keeps unknown members: no additionalProperties, and the bag itself is not a property.
        JsonElement bag = properties.GetProperty("bag");
        Assert.False(bag.TryGetProperty("additionalProperties", out _));
        Assert.Equal(["label"], bag.GetProperty("properties").EnumerateObject().Select(p => p.Name));

        // [McpSchema] on a record property (property: target) and on its constructor parameter, and on the method.
        Assert.Equal(0, properties.GetProperty("range").GetProperty("properties").GetProperty("low").GetProperty("minimum").GetInt32());
        Assert.Equal(100, properties.GetProperty("range").GetProperty("properties").GetProperty("high").GetProperty("maximum").GetInt32());
        Assert.True(schema.GetProperty("additionalProperties").GetBoolean());
    }

    [Fact]
    public async Task Unknown_arguments_are_still_ignored_by_the_binder()
    {
        // additionalProperties: false tells clients not to send them; a client that does is not refused.
        var call = await InvokeAsync(Metadata, "json_schema_2020_12_tool", """{"name":"Ada","nickname":"A","address":{"street":"Main","city":"Oslo","floor":3}}""");
        Assert.Equal("Ada|Oslo|-|-", call.Text);
    }

    [Fact]
    public void Header_parameters_carry_x_mcp_header_with_one_primitive_type()
    {
        JsonElement properties = ToolJson(Metadata, "query").GetProperty("inputSchema").GetProperty("properties");

        Assert.Equal("""{"type":"string","x-mcp-header":"Region"}""", properties.GetProperty("region").GetRawText());
        Assert.Equal("""{"type":"integer","minimum":-2147483648,"maximum":2147483647,"x-mcp-header":"Priority"}""", properties.GetProperty("priority").GetRawText());
        Assert.Equal("""{"type":"boolean","x-mcp-header":"Verbose"}""", properties.GetProperty("verbose").GetRawText());
        Assert.Equal("""{"type":"string","x-mcp-header":"Tenant"}""", properties.GetProperty("tenant").GetRawText());
        Assert.Equal("""{"type":"string","enum":["phone","email"],"x-mcp-header":"Contact"}""", properties.GetProperty("via").GetRawText());
        Assert.Equal("""{"type":"string","default":"SELECT 1","minLength":1,"pattern":"^SELECT"}""", properties.GetProperty("sql").GetRawText());

        McpToolDefinition query = Metadata.FindTool("query")!;
        Assert.Equal(["Mcp-Param-Region", "Mcp-Param-Priority", "Mcp-Param-Verbose", "Mcp-Param-Tenant", "Mcp-Param-Contact"], query.Headers.Select(h => h.HeaderName));
        Assert.Equal(["region", "priority", "verbose", "tenant", "via"], query.Headers.Select(h => h.Argument));
        Assert.Empty(Metadata.FindTool("shapes")!.Headers);
    }

    [Fact]
    public async Task Nullable_header_parameters_still_accept_null()
    {
        var call = await InvokeAsync(Metadata, "query", """{"region":"eu","priority":2,"verbose":true,"tenant":null,"via":"email"}""");
        Assert.Equal("eu|2|True|-|Email|SELECT 1", call.Text);
    }

    [Fact]
    public void Icons_and_meta_reach_every_list_entry_and_the_server()
    {
        Assert.Equal(
            """[{"src":"https://example.com/server.png","mimeType":"image/png","sizes":["48x48","96x96"]},{"src":"data:image/svg+xml;base64,PHN2Zy8+","theme":"dark"}]""",
            System.Text.Encoding.UTF8.GetString(Metadata.Icons.Span));

        JsonElement query = ToolJson(Metadata, "query");
        Assert.Equal("""[{"src":"https://example.com/query.svg","mimeType":"image/svg+xml","sizes":["any"],"theme":"light"}]""", query.GetProperty("icons").GetRawText());
        Assert.Equal("""{"com.example/team":"search","com.example/cost":{"tier":2}}""", query.GetProperty("_meta").GetRawText());
        Assert.False(ToolJson(Metadata, "shapes").TryGetProperty("icons", out _));
        Assert.False(ToolJson(Metadata, "shapes").TryGetProperty("_meta", out _));

        JsonElement readme = JsonDocument.Parse(Metadata.FindResource("meta://readme")!.Json).RootElement;
        Assert.Equal("""[{"src":"https://example.com/readme.png"}]""", readme.GetProperty("icons").GetRawText());
        Assert.Equal("""{"com.example/audience":["user"]}""", readme.GetProperty("_meta").GetRawText());
        JsonElement item = JsonDocument.Parse(Metadata.FindResource("meta://items/7")!.Json).RootElement;
        Assert.Equal("""{"com.example/kind":"item"}""", item.GetProperty("_meta").GetRawText());
        JsonElement prompt = JsonDocument.Parse(Metadata.FindPrompt("summarize")!.Json).RootElement;
        Assert.Equal("""[{"src":"https://example.com/summarize.png","theme":"light"}]""", prompt.GetProperty("icons").GetRawText());
        Assert.Equal(2, prompt.GetProperty("_meta").GetProperty("com.example/version").GetInt32());
    }

    [Fact]
    public void A_server_without_icons_has_none()
        => Assert.True(Definition(Load(RunClean(TestSources.Weather)), "Sample.WeatherServer").Icons.IsEmpty);

    [Fact]
    public void Invalid_metadata_attributes_are_left_out_and_the_tool_still_exists()
    {
        // McpGen.Analyzers reports each of these (MCPG0030-MCPG0033); the generator only leaves them out.
        const string source = TestSources.Usings + """"
            namespace Invalid;

            [McpServer]
            [McpIcon("http://example.com/insecure.png")]
            public partial class InvalidServer
            {
                [McpTool, Description("Everything here is invalid.")]
                [McpIcon("javascript:alert(1)"), McpIcon("https://example.com/a.png", MimeType = "text/html"), McpIcon("https://example.com/b.png", Sizes = new[] { "big" })]
                [McpMeta("io.modelcontextprotocol/x", "1"), McpMeta("dev.mcp/y", "1"), McpMeta("com.example/bad", "not json"), McpMeta("-bad-", "1")]
                [McpSchema("""{"type": "string"}""")]
                public static string Broken(
                    [McpHeader("Bad Name")] string a,
                    [McpHeader("Ratio")] double ratio,
                    [McpHeader("Big")] long big,
                    [McpHeader("Same")] string first,
                    [McpHeader("SAME")] string second,
                    [McpSchema("[1, 2]")] int n,
                    [McpSchema("""{"$schema": "https://json-schema.org/draft/2020-12/schema"}""")] int m) => a;
            }
            """";
        McpServerDefinition definition = Definition(Load(RunClean(source)), "Invalid.InvalidServer");

        Assert.True(definition.Icons.IsEmpty);
        JsonElement tool = ToolJson(definition, "broken");
        Assert.False(tool.TryGetProperty("icons", out _));
        Assert.False(tool.TryGetProperty("_meta", out _));
        JsonElement schema = tool.GetProperty("inputSchema");
        Assert.Equal("object", schema.GetProperty("type").GetString());
        JsonElement properties = schema.GetProperty("properties");
        foreach (string name in new[] { "a", "ratio", "big", "second" })
        {
            Assert.False(properties.GetProperty(name).TryGetProperty("x-mcp-header", out _), name);
        }

        Assert.Equal("Same", properties.GetProperty("first").GetProperty("x-mcp-header").GetString());
        Assert.Equal("""{"type":"integer","minimum":-2147483648,"maximum":2147483647}""", properties.GetProperty("n").GetRawText());
        Assert.Equal("""{"type":"integer","minimum":-2147483648,"maximum":2147483647}""", properties.GetProperty("m").GetRawText());
        Assert.Equal(["Same"], definition.FindTool("broken")!.Headers.Select(h => h.Name));
    }
}
