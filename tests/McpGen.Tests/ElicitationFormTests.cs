using System.Reflection;
using System.Text;
using System.Text.Json;
using McpGen.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using static McpGen.Tests.GeneratorHarness;

namespace McpGen.Tests;

/// <summary>[McpElicitationForm]: the compile-time requestedSchema, and the generated reader run against real content.</summary>
public sealed class ElicitationFormTests
{
    private static readonly Lazy<Assembly> s_forms = new(() => Load(RunClean(TestSources.Forms)));

    [Fact]
    public void FormsSnapshot() => VerifySnapshots(RunClean(TestSources.Forms));

    [Fact]
    public void Sep1034_schema_has_a_default_for_every_primitive()
    {
        JsonElement schema = Schema("Forms.Sep1034Defaults");

        Assert.Equal("object", schema.GetProperty("type").GetString());
        Assert.False(schema.TryGetProperty("required", out _));
        JsonElement p = schema.GetProperty("properties");
        Assert.Equal("""{"type":"string","default":"John Doe"}""", p.GetProperty("name").GetRawText());
        Assert.Equal("""{"type":"integer","default":30}""", p.GetProperty("age").GetRawText());
        Assert.Equal("""{"type":"number","default":95.5}""", p.GetProperty("score").GetRawText());
        Assert.Equal("""{"type":"string","enum":["active","inactive","pending"],"default":"active"}""", p.GetProperty("status").GetRawText());
        Assert.Equal("""{"type":"boolean","default":true}""", p.GetProperty("verified").GetRawText());
    }

    [Fact]
    public void Sep1330_schema_has_the_five_enum_shapes()
    {
        JsonElement p = Schema("Forms.Sep1330Enums").GetProperty("properties");

        Assert.Equal("""{"type":"string","enum":["option1","option2","option3"]}""", p.GetProperty("untitledSingle").GetRawText());
        Assert.Equal("""{"type":"string","oneOf":[{"const":"value1","title":"First Option"},{"const":"value2","title":"Second Option"},{"const":"value3","title":"Third Option"}]}""",
            p.GetProperty("titledSingle").GetRawText());
        Assert.Equal("""{"type":"string","enum":["opt1","opt2","opt3"],"enumNames":["Option One","Option Two","Option Three"]}""", p.GetProperty("legacyEnum").GetRawText());
        Assert.Equal("""{"type":"array","items":{"type":"string","enum":["option1","option2","option3"]}}""", p.GetProperty("untitledMulti").GetRawText());
        Assert.Equal("""{"type":"array","items":{"anyOf":[{"const":"value1","title":"First Option"},{"const":"value2","title":"Second Option"},{"const":"value3","title":"Third Option"}]}}""",
            p.GetProperty("titledMulti").GetRawText());
    }

    [Fact]
    public void Record_schema_has_titles_descriptions_formats_constraints_and_required()
    {
        JsonElement schema = Schema("Forms.Contact");

        Assert.Equal(["name", "email", "newsletter"], schema.GetProperty("required").EnumerateArray().Select(e => e.GetString()));
        JsonElement p = schema.GetProperty("properties");
        Assert.Equal(["name", "email", "age", "website", "slots", "birthday", "newsletter", "budget"], p.EnumerateObject().Select(e => e.Name));
        Assert.Equal("""{"type":"string","title":"Your name","minLength":2,"maxLength":20}""", p.GetProperty("name").GetRawText());
        Assert.Equal("""{"type":"string","description":"Where to reach you.","format":"email"}""", p.GetProperty("email").GetRawText());
        Assert.Equal("""{"type":"integer","minimum":0,"maximum":150}""", p.GetProperty("age").GetRawText());
        Assert.Equal("""{"type":"string","format":"uri"}""", p.GetProperty("website").GetRawText());
        Assert.Equal("""{"type":"array","description":"When to call.","items":{"anyOf":[{"const":"Morning","title":"Morning"},{"const":"Evening","title":"Late afternoon"}]},"maxItems":2}""",
            p.GetProperty("slots").GetRawText());
        Assert.Equal("""{"type":"string","format":"date"}""", p.GetProperty("birthday").GetRawText());
        Assert.Equal("""{"type":"boolean"}""", p.GetProperty("newsletter").GetRawText());
        Assert.Equal("""{"type":"number","minimum":0.5,"maximum":10,"default":2.5}""", p.GetProperty("budget").GetRawText());
    }

    [Fact]
    public void Reader_applies_defaults_for_absent_fields()
    {
        object form = Read("Forms.Sep1034Defaults", """{"age":25}""");

        Assert.Equal("John Doe", Property(form, "Name"));
        Assert.Equal(25, Property(form, "Age"));
        Assert.Equal(95.5, Property(form, "Score"));
        Assert.Equal("Active", Property(form, "Status")!.ToString());
        Assert.Equal(true, Property(form, "Verified"));
    }

    [Fact]
    public void Reader_reads_every_enum_shape()
    {
        object form = Read("Forms.Sep1330Enums",
            """{"untitledSingle":"option1","titledSingle":"value2","legacyEnum":"opt3","untitledMulti":["option1","option2"],"titledMulti":["value1","value2"],"extra":{"ignored":[1]}}""");

        Assert.Equal("option1", Property(form, "UntitledSingle")!.ToString());
        Assert.Equal("value2", Property(form, "TitledSingle")!.ToString());
        Assert.Equal("opt3", Property(form, "LegacyEnum")!.ToString());
        Assert.Equal(["option1", "option2"], ((System.Collections.IEnumerable)Property(form, "UntitledMulti")!).Cast<object>().Select(o => o.ToString()));
        Assert.Equal(["value1", "value2"], ((Array)Property(form, "TitledMulti")!).Cast<object>().Select(o => o.ToString()));
        Assert.Null(Property(Read("Forms.Sep1330Enums", "{}"), "UntitledMulti"));
    }

    [Fact]
    public void Reader_builds_records_through_their_constructor_and_keeps_initializers()
    {
        object full = Read("Forms.Contact",
            """{"name":"Ada","email":"ada@example.com","age":36,"website":"https://ada.dev/","slots":["Evening"],"birthday":"1815-12-10","newsletter":true,"budget":7.25}""");
        object minimal = Read("Forms.Contact", """{"name":"Bo","email":"bo@example.com","newsletter":false}""");

        Assert.Equal("Ada", Property(full, "Name"));
        Assert.Equal(36, Property(full, "Age"));
        Assert.Equal(new Uri("https://ada.dev/"), Property(full, "Website"));
        Assert.Equal(["Evening"], ((System.Collections.IEnumerable)Property(full, "Slots")!).Cast<object>().Select(o => o.ToString()));
        Assert.Equal(new DateOnly(1815, 12, 10), Property(full, "Birthday"));
        Assert.Equal(true, Property(full, "Subscribe"));
        Assert.Equal(7.25m, Property(full, "Budget"));
        Assert.Equal("Ada!", Property(full, "Computed"));
        Assert.Null(Property(minimal, "Age"));
        Assert.Null(Property(minimal, "Website"));
        Assert.Equal(["Morning"], ((System.Collections.IEnumerable)Property(minimal, "Slots")!).Cast<object>().Select(o => o.ToString()));
        Assert.Equal(2.5m, Property(minimal, "Budget"));
        Assert.Equal(false, Property(minimal, "Subscribe"));
    }

    [Theory]
    [InlineData("Forms.Contact", """{"email":"a@b.c","newsletter":true}""", "'name' is required")]
    [InlineData("Forms.Contact", """{"name":"A","email":"a@b.c","newsletter":true}""", "'name' must have at least 2 characters")]
    [InlineData("Forms.Contact", """{"name":"Aaaaaaaaaaaaaaaaaaaaa","email":"a@b.c","newsletter":true}""", "'name' must have at most 20 characters")]
    [InlineData("Forms.Contact", """{"name":null,"email":"a@b.c","newsletter":true}""", "'name' must be a string")]
    [InlineData("Forms.Contact", """{"name":"Al","email":"a@b.c","newsletter":true,"age":200}""", "'age' must be between 0 and 150")]
    [InlineData("Forms.Contact", """{"name":"Al","email":"a@b.c","newsletter":true,"age":1.5}""", "'age' must be an integer from -2147483648 to 2147483647")]
    [InlineData("Forms.Contact", """{"name":"Al","email":"a@b.c","newsletter":"yes"}""", "'newsletter' must be true or false")]
    [InlineData("Forms.Contact", """{"name":"Al","email":"a@b.c","newsletter":true,"website":"not a uri"}""", "'website' must be an absolute URI")]
    [InlineData("Forms.Contact", """{"name":"Al","email":"a@b.c","newsletter":true,"slots":["Noon"]}""", "'slots' must hold only: Morning, Evening")]
    [InlineData("Forms.Contact", """{"name":"Al","email":"a@b.c","newsletter":true,"slots":["Morning","Evening","Morning"]}""", "'slots' must have at most 2 items")]
    [InlineData("Forms.Contact", """{"name":"Al","email":"a@b.c","newsletter":true,"birthday":"10/12/1815"}""", "'birthday' must be a date (yyyy-MM-dd)")]
    [InlineData("Forms.Contact", """{"name":"Al","email":"a@b.c","newsletter":true,"budget":0.1}""", "'budget' must be between 0.5 and 10")]
    [InlineData("Forms.Sep1034Defaults", """{"status":"gone"}""", "'status' must be one of: active, inactive, pending")]
    [InlineData("Forms.Sep1034Defaults", """{"age":3000000000}""", "'age' must be an integer from -2147483648 to 2147483647")]
    [InlineData("Forms.Sep1034Defaults", """["not an object"]""", "the content must be a JSON object")]
    [InlineData("Forms.Outer+Inner", """{"note":"x"}""", "'count' is required")]
    public void Reader_reports_what_is_wrong(string type, string json, string expected)
    {
        (bool ok, object? content, string? error) = TryRead(type, json);

        Assert.False(ok);
        Assert.Null(content);
        Assert.Equal(expected, error);
    }

    [Fact]
    public void Forms_of_a_nested_type_and_the_hint_names_are_stable()
    {
        Compilation output = RunClean(TestSources.Forms);

        Assert.Equal(
            ["Forms.Contact.McpElicitationForm.g.cs", "Forms.Outer.Inner.McpElicitationForm.g.cs", "Forms.Sep1034Defaults.McpElicitationForm.g.cs", "Forms.Sep1330Enums.McpElicitationForm.g.cs"],
            GeneratedTrees(output).Select(t => Path.GetFileName(t.FilePath)));
        Assert.Equal("""{"type":"object","properties":{"note":{"type":"string","default":""},"count":{"type":"integer"}},"required":["count"]}""", Schema("Forms.Outer+Inner").GetRawText());
    }

    [Theory]
    [InlineData("[McpElicitationForm] public class NotPartial { public string A { get; set; } = \"\"; }")]
    [InlineData("[McpElicitationForm] public partial class Generic<T> { public string A { get; set; } = \"\"; }")]
    [InlineData("[McpElicitationForm] public abstract partial class Abstract { public string A { get; set; } = \"\"; }")]
    [InlineData("[McpElicitationForm] public partial class Nested { public Inner Child { get; set; } = new(); } public sealed class Inner { }")]
    [InlineData("[McpElicitationForm] public partial class Strings { public string[] Tags { get; set; } = []; }")]
    [InlineData("[McpElicitationForm] public partial class NoConstructor { public NoConstructor(int x) { } public string A { get; set; } = \"\"; }")]
    [InlineData("[McpElicitationForm] public partial class BadDefault { [DefaultValue(\"x\")] public int A { get; set; } }")]
    [InlineData("public class PlainOuter { [McpElicitationForm] public partial class Inner { public string A { get; set; } = \"\"; } }")]
    public Task Invalid_forms_produce_no_source(string declaration)
        // The official generator test: no generated source, no generator diagnostic, and no compiler error or
        // warning (the invalid declaration itself compiles; only the analyzers report it).
        => new McpGeneratorTest(TestSources.Usings + "namespace Bad;\n" + declaration).RunAsync();

    [Fact]
    public void Unrelated_edit_keeps_the_form_steps_cached()
    {
        CSharpCompilation compilation = CreateCompilation(TestSources.Forms);
        var (driver, _, _) = Run(compilation);
        CSharpCompilation edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("namespace Other; public class Unrelated { }", ParseOptions(), path: "Other.cs"));
        GeneratorRunResult result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        foreach (string step in new[] { TrackingNames.ElicitationFormSpecs, TrackingNames.ValidElicitationFormSpecs })
        {
            Assert.Equal(4, result.TrackedSteps[step].SelectMany(s => s.Outputs).Count());
            Assert.All(result.TrackedSteps[step].SelectMany(s => s.Outputs),
                o => Assert.Contains(o.Reason, new[] { IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged }));
        }
    }

    // ----- helpers: call the static interface members of a loaded form type -----

    private static Type FormType(string name) => s_forms.Value.GetType(name, throwOnError: true)!;

    private static JsonElement Schema(string type)
        => JsonDocument.Parse((string)typeof(ElicitationFormTests).GetMethod(nameof(SchemaOf), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(FormType(type)).Invoke(null, null)!).RootElement.Clone();

    private static string SchemaOf<T>()
        where T : class, IMcpElicitationForm<T> => Encoding.UTF8.GetString(T.RequestedSchema);

    private static (bool Ok, object? Content, string? Error) TryRead(string type, string json)
        => ((bool, object?, string?))typeof(ElicitationFormTests).GetMethod(nameof(TryReadOf), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(FormType(type)).Invoke(null, [Encoding.UTF8.GetBytes(json)])!;

    private static (bool, object?, string?) TryReadOf<T>(byte[] json)
        where T : class, IMcpElicitationForm<T>
    {
        bool ok = T.TryReadContent(json, out T? content, out string? error);
        return (ok, content, error);
    }

    private static object Read(string type, string json)
    {
        (bool ok, object? content, string? error) = TryRead(type, json);
        Assert.True(ok, error);
        return content!;
    }

    private static object? Property(object form, string name) => form.GetType().GetProperty(name)!.GetValue(form);
}
