using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using static McpGen.Tests.GeneratorHarness;

namespace McpGen.Tests;

/// <summary>
/// The schemas tell the truth (docs/schemas.md): for every type the README lists, as a parameter, inside a record and
/// as a structured result, what System.Text.Json's default converters write validates against the generated schema
/// (JsonSchema.Net, formats asserted), and the values the input schema admits bind.
/// </summary>
public sealed class WireFormatTests
{
    private const string Source = TestSources.Usings + """
        namespace Wire
        {
            public enum Color { Red, Green, Blue }

            [Flags] public enum Access { None = 0, Read = 1, Write = 2 }

            [JsonConverter(typeof(JsonStringEnumConverter<Shade>))] public enum Shade { Light, Dark }

            public sealed record Box(int Value);

            public sealed class Strict { public required int Count { get; init; } }

            public sealed record AllTypes(
                string Text, char Letter, bool Flag, byte B, sbyte Sb, short S, ushort Us, int I, uint Ui, long L, ulong Ul,
                float F, double D, decimal M, DateTime Dt, DateTimeOffset Dto, DateOnly Date, TimeOnly Time, TimeSpan Span,
                Guid Id, Uri Link, byte[] Bytes, Color Color, Access Access, Shade Shade, Color? MaybeColor, int? MaybeInt,
                List<TimeSpan> Spans, Dictionary<string, DateTime> Stamps, Box Box, Color Favourite = Color.Blue);

            [McpServer]
            public partial class WireServer
            {
                [McpTool] public static AllTypes Echo(AllTypes value) => value;

                [McpTool]
                public static AllTypes Primitives(
                    string text, char letter, bool flag, byte b, sbyte sb, short s, ushort us, int i, uint ui, long l, ulong ul,
                    float f, double d, decimal m, DateTime dt, DateTimeOffset dto, DateOnly date, TimeOnly time, TimeSpan span,
                    Guid id, Uri link, byte[] bytes, Color color, Access access, Shade shade, Color? maybeColor = null, int? maybeInt = null)
                    => new(text, letter, flag, b, sb, s, us, i, ui, l, ul, f, d, m, dt, dto, date, time, span, id, link, bytes,
                        color, access, shade, maybeColor, maybeInt, [span], new() { ["at"] = dt }, new Box(i));

                [McpTool] public static List<Box> Boxes(List<Box> boxes, Box box, Strict? strict = null) => boxes;

                [McpTool] public static List<TimeSpan> Spans(TimeSpan[] spans) => [.. spans];
            }
        }
        """;

    /// <summary>The same types when a JsonSerializerContext of the compilation turns string enums on.</summary>
    private const string StringEnumSource = TestSources.Usings + """
        namespace WireStrings
        {
            using System.Text.Json;

            public enum Color { Red, Green, Blue }

            public sealed record Paint(Color Color, Color Base = Color.Red);

            // Abstract: the System.Text.Json generator does not run in these tests; the options attribute is what counts.
            [JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
            [JsonSerializable(typeof(Paint))]
            internal abstract partial class PaintJson : JsonSerializerContext
            {
                protected PaintJson() : base(null) { }
            }

            [McpServer]
            public partial class PaintServer
            {
                [McpTool] public static Paint Mix(Paint paint, Color extra) => paint;
            }
        }
        """;

    private static readonly Lazy<Assembly> s_wire = new(() => Load(RunClean(Source)));
    private static readonly Lazy<Assembly> s_strings = new(() => Load(RunClean(StringEnumSource)));

    /// <summary>The ASP.NET Core web defaults, with no converter added: what a context without options writes.</summary>
    private static readonly JsonSerializerOptions s_defaults = new(JsonSerializerDefaults.Web) { TypeInfoResolver = new DefaultJsonTypeInfoResolver() };

    /// <summary>A context with <c>UseStringEnumConverter = true</c>.</summary>
    private static readonly JsonSerializerOptions s_stringEnums = new(JsonSerializerDefaults.Web)
    {
        TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
        Converters = { new JsonStringEnumConverter() },
    };

    private static McpServerDefinition Wire => Definition(s_wire.Value, "Wire.WireServer");

    /// <summary>Argument sets the input schema admits: every kind of DateTime, sub-second and negative spans, extremes.</summary>
    public static TheoryData<string> AdmittedPrimitives => new()
    {
        """{"text":"t","letter":"x","flag":true,"b":255,"sb":-128,"s":-32768,"us":65535,"i":2147483647,"ui":4294967295,"l":-9223372036854775808,"ul":18446744073709551615,"f":1.5,"d":2.5,"m":3.5,"dt":"2024-01-02T03:04:05","dto":"2024-01-02T03:04:05+01:00","date":"2024-01-02","time":"10:15:30","span":"00:00:00.0600000","id":"3f2504e0-4f89-11d3-9a0c-0305e82c3301","link":"https://example.com/a?b=c","bytes":"AQID","color":"Green","access":"Read","shade":"Dark"}""",
        """{"text":"","letter":"é","flag":false,"b":0,"sb":127,"s":32767,"us":0,"i":-2147483648,"ui":0,"l":9223372036854775807,"ul":0,"f":-3.4e38,"d":-1e300,"m":-79228162514264337593543950335,"dt":"2024-01-02T03:04:05.1234567Z","dto":"2024-01-02T03:04:05.5-14:00","date":"0001-01-01","time":"23:59:59.9999999","span":"-1.12:00:00.5","id":"3F2504E0-4F89-11D3-9A0C-0305E82C3301","link":"urn:isbn:0451450523","bytes":"","color":"Red","access":"Write","shade":"Light","maybeColor":null,"maybeInt":null}""",
        """{"text":"\u00e9\ud83d\ude00","letter":"\"","flag":true,"b":1,"sb":0,"s":0,"us":1,"i":0,"ui":1,"l":0,"ul":1,"f":0,"d":0,"m":0,"dt":"2024-06-30T23:59:59+02:00","dto":"9999-12-31T23:59:59.9999999Z","date":"2024-02-29","time":"00:00:00.5","span":"10675199.02:48:05.4775807","id":"00000000-0000-0000-0000-000000000000","link":"http://127.0.0.1:8080/","bytes":"/w==","color":"Blue","access":"None","shade":"Dark","maybeColor":"Blue","maybeInt":7}""",
    };

    [Theory]
    [MemberData(nameof(AdmittedPrimitives))]
    public async Task Every_admitted_primitive_argument_binds_and_the_structured_result_validates(string arguments)
    {
        JsonElement tool = ToolJson(Wire, "primitives");
        SchemaValidation.AssertValid(tool.GetProperty("inputSchema"), arguments);

        var call = await InvokeAsync(Wire, "primitives", arguments, options: s_defaults);

        Assert.Null(call.Errors);
        SchemaValidation.AssertValid(tool.GetProperty("outputSchema"), call.Value.GetProperty("structuredContent"));
    }

    [Theory]
    [MemberData(nameof(AdmittedPrimitives))]
    public async Task A_record_of_every_type_round_trips_through_its_input_and_output_schemas(string primitives)
    {
        // The structured result of one call is the record argument of the next: what the serializer writes must be
        // admitted by the input schema, bind, and come back valid against the output schema.
        JsonElement record = (await InvokeAsync(Wire, "primitives", primitives, options: s_defaults)).Value.GetProperty("structuredContent");
        string arguments = "{\"value\":" + record.GetRawText() + "}";
        JsonElement tool = ToolJson(Wire, "echo");
        SchemaValidation.AssertValid(tool.GetProperty("inputSchema"), arguments); // what the serializer wrote

        var call = await InvokeAsync(Wire, "echo", arguments, options: s_defaults);

        Assert.Null(call.Errors);
        JsonElement echoed = call.Value.GetProperty("structuredContent");
        SchemaValidation.AssertValid(tool.GetProperty("outputSchema"), echoed);
        Assert.Equal(record.GetRawText(), echoed.GetRawText());
    }

    [Fact]
    public async Task Wrapped_results_and_arrays_of_time_spans_validate()
    {
        JsonElement tool = ToolJson(Wire, "spans");
        const string Arguments = """{"spans":["00:00:00.0600000","-00:00:01","1.00:00:00","10675199.02:48:05.4775807","-10675199.02:48:05.4775808"]}""";
        SchemaValidation.AssertValid(tool.GetProperty("inputSchema"), Arguments);

        var call = await InvokeAsync(Wire, "spans", Arguments, options: s_defaults);

        JsonElement structured = call.Value.GetProperty("structuredContent");
        SchemaValidation.AssertValid(tool.GetProperty("outputSchema"), structured);
        Assert.Equal("00:00:00.0600000", structured.GetProperty("result")[0].GetString());
    }

    [Fact]
    public void Date_and_time_schemas_describe_what_the_serializer_writes_not_rfc3339_formats()
    {
        JsonElement properties = ToolJson(Wire, "primitives").GetProperty("inputSchema").GetProperty("properties");

        Assert.False(properties.GetProperty("span").TryGetProperty("format", out _)); // RFC 3339 durations have no fractional seconds
        Assert.False(properties.GetProperty("time").TryGetProperty("format", out _)); // RFC 3339 "time" requires an offset
        Assert.False(properties.GetProperty("dt").TryGetProperty("format", out _));   // an Unspecified DateTime has no offset
        Assert.Equal("date-time", properties.GetProperty("dto").GetProperty("format").GetString());
        Assert.Equal("date", properties.GetProperty("date").GetProperty("format").GetString());

        // What the schema refuses (and why a client must not send it).
        Assert.False(SchemaValidation.IsValid(properties.GetProperty("span"), "\"PT0.06S\""));
        Assert.False(SchemaValidation.IsValid(properties.GetProperty("span"), "\"24:00:00\""));
        Assert.False(SchemaValidation.IsValid(properties.GetProperty("time"), "\"10:15:30Z\""));
        Assert.False(SchemaValidation.IsValid(properties.GetProperty("time"), "\"10:15:30.12345678\""));
        Assert.False(SchemaValidation.IsValid(properties.GetProperty("dto"), "\"2024-01-02T03:04:05\""));
        Assert.False(SchemaValidation.IsValid(properties.GetProperty("dto"), "\"2024-01-02T03:04:05+15:00\""));
        Assert.False(SchemaValidation.IsValid(properties.GetProperty("dt"), "\"2024-01-02 03:04:05\""));
        Assert.False(SchemaValidation.IsValid(properties.GetProperty("i"), "2147483648"));
    }

    [Fact]
    public async Task A_time_with_an_offset_is_refused_with_what_to_send_instead()
    {
        var call = await InvokeAsync(Wire, "primitives", """{"time":"10:15:30Z"}""", options: s_defaults);

        Assert.Contains("'time': expected string in HH:mm:ss[.fffffff] time format (no offset), received string \"10:15:30Z\"", call.Errors);
    }

    [Fact]
    public async Task An_iso_8601_duration_still_binds_as_a_time_span_parameter()
    {
        var call = await InvokeAsync(Wire, "spans", """{"spans":["00:05:00"]}""", options: s_defaults);
        Assert.Equal("00:05:00", call.Value.GetProperty("structuredContent").GetProperty("result")[0].GetString());

        // A top-level TimeSpan parameter also takes ISO 8601 (PT1.5S); the schema only promises the "c" format.
        var primitive = await InvokeAsync(Wire, "primitives", """{"span":"PT1.5S"}""", options: s_defaults);
        Assert.DoesNotContain("'span'", primitive.Errors);
    }

    [Fact]
    public void Enums_are_names_where_names_are_read_and_written_and_numbers_elsewhere()
    {
        JsonElement tool = ToolJson(Wire, "primitives");
        JsonElement parameters = tool.GetProperty("inputSchema").GetProperty("properties");
        JsonElement record = tool.GetProperty("outputSchema").GetProperty("properties");

        // Parameters are bound by the generated binder, by name.
        Assert.Equal("""{"type":"string","enum":["Red","Green","Blue"]}""", parameters.GetProperty("color").GetRawText());
        Assert.Equal("""{"type":"string","enum":["None","Read","Write"]}""", parameters.GetProperty("access").GetRawText()); // one name binds

        // Inside a record System.Text.Json writes numbers, unless a string enum converter is on the enum.
        Assert.Equal("""{"type":"integer","enum":[0,1,2]}""", record.GetProperty("color").GetRawText());
        Assert.Equal("""{"type":"integer"}""", record.GetProperty("access").GetRawText());
        Assert.Equal("""{"type":"string","enum":["Light","Dark"]}""", record.GetProperty("shade").GetRawText());
        Assert.Equal("""{"type":["integer","null"],"enum":[0,1,2,null]}""", record.GetProperty("maybeColor").GetRawText());
        Assert.Equal("""{"type":"integer","enum":[0,1,2],"default":2}""", record.GetProperty("favourite").GetRawText());
    }

    [Fact]
    public async Task Enums_follow_a_context_with_UseStringEnumConverter()
    {
        McpServerDefinition paint = Definition(s_strings.Value, "WireStrings.PaintServer");
        JsonElement tool = ToolJson(paint, "mix");
        Assert.Equal("""{"type":"string","enum":["Red","Green","Blue"],"default":"Red"}""", tool.GetProperty("outputSchema").GetProperty("properties").GetProperty("base").GetRawText());
        const string Arguments = """{"paint":{"color":"Green"},"extra":"Blue"}""";
        SchemaValidation.AssertValid(tool.GetProperty("inputSchema"), Arguments);

        var call = await InvokeAsync(paint, "mix", Arguments, options: s_stringEnums);

        SchemaValidation.AssertValid(tool.GetProperty("outputSchema"), call.Value.GetProperty("structuredContent"));
        Assert.Equal("Green", call.Value.GetProperty("structuredContent").GetProperty("color").GetString());
    }

    [Fact]
    public async Task A_bad_value_inside_a_record_names_the_path_what_belongs_there_and_what_came()
    {
        var call = await InvokeAsync(Wire, "boxes", """{"box":{"value":"abc"},"boxes":[{"value":1},{"value":true}]}""", options: s_defaults);

        Assert.Equal(["boxes", "box"], call.ArgumentErrors.Select(e => e.Name).Order(StringComparer.Ordinal).Reverse());
        Assert.Contains("'box': invalid value at box.value: expected integer (32-bit), received string \"abc\"", call.Errors);
        Assert.Contains("'boxes': invalid value at boxes[1].value: expected integer (32-bit), received true", call.Errors);
    }

    [Fact]
    public async Task A_bad_enum_or_date_inside_a_record_says_what_the_serializer_reads()
    {
        var call = await InvokeAsync(Wire, "echo", """{"value":{"color":"Green","dt":"yesterday"}}""", options: s_defaults);

        Assert.Contains("'value': invalid value at value.color: expected integer (a value of Color; names need a string enum converter), received string \"Green\"", call.Errors);
    }

    [Fact]
    public async Task A_missing_required_member_is_reported_with_the_serializer_reason_and_a_scalar_with_the_expected_shape()
    {
        var missing = await InvokeAsync(Wire, "boxes", """{"box":{"value":1},"boxes":[],"strict":{}}""", options: s_defaults);
        Assert.Contains("'strict': invalid value: JSON deserialization for type 'Wire.Strict' was missing required properties", missing.Errors);

        var scalar = await InvokeAsync(Wire, "boxes", """{"box":"x","boxes":[]}""", options: s_defaults);
        Assert.Contains("'box': expected object, received string \"x\"", scalar.Errors);
    }
}
