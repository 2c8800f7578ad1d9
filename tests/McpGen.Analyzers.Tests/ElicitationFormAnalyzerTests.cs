namespace McpGen.Analyzers.Tests;

public sealed class ElicitationFormAnalyzerTests
{
    private static Task VerifyAsync(string markup, params string[] messages)
        => McpAnalyzerVerifier<ElicitationFormAnalyzer>.VerifyAsync(markup, messages);

    [Fact]
    public Task Valid_forms_are_not_reported()
        => VerifyAsync("""
            using System;
            using System.Collections.Generic;
            using System.ComponentModel;
            using System.ComponentModel.DataAnnotations;
            using McpGen;

            public enum Status { Active, [Description("Paused for now")] Paused }

            [McpElicitationForm]
            public partial class Settings
            {
                [EmailAddress, MaxLength(80)] public string Email { get; set; } = "";
                [Range(1, 10)] public int Level { get; init; } = 3;
                public double? Ratio { get; set; }
                public decimal Budget { get; set; }
                public bool Enabled { get; set; }
                public Status Status { get; set; }
                [McpLegacyEnumNames] public Status Legacy { get; set; }
                public List<Status> Many { get; set; } = new();
                public Status[]? Array { get; set; }
                public IReadOnlySet<Status>? Set { get; set; }
                public Uri? Site { get; set; }
                public DateTimeOffset When { get; set; }
                public DateOnly? Day { get; set; }
                public string Computed => Email;
                public static string Ignored { get; set; } = "";
            }

            [McpElicitationForm]
            public partial record Person(string Name, [DefaultValue(30)] int Age = 30);

            public partial class Outer
            {
                [McpElicitationForm]
                public partial class Inner { public string Text { get; set; } = ""; }
            }

            public class NotAForm { public Dictionary<string, object> Anything { get; set; } = new(); }
            """);

    [Fact]
    public Task Declarations_the_generator_cannot_implement_are_errors_at_the_name()
        => VerifyAsync("""
            using McpGen;

            [McpElicitationForm]
            public class {|MCPG0020:NotPartial|} { public string A { get; set; } = ""; }

            [McpElicitationForm]
            public partial class {|MCPG0020:Generic|}<T> { public string A { get; set; } = ""; }

            [McpElicitationForm]
            public abstract partial class {|MCPG0020:Abstract|} { public string A { get; set; } = ""; }

            [McpElicitationForm]
            public partial class {|MCPG0020:NoConstructor|}
            {
                public NoConstructor(int unrelated) { }
                public string A { get; set; } = "";
            }

            public class Plain
            {
                [McpElicitationForm]
                public partial class {|MCPG0020:Inner|} { public string A { get; set; } = ""; }
            }
            """,
            "The [McpElicitationForm] type 'NotPartial' is not partial; declare it as a non-generic, non-abstract partial class or record (nested only in partial non-generic types) with a parameterless or primary constructor",
            "The [McpElicitationForm] type 'Generic' is generic; declare it as a non-generic, non-abstract partial class or record (nested only in partial non-generic types) with a parameterless or primary constructor",
            "The [McpElicitationForm] type 'Abstract' is abstract; declare it as a non-generic, non-abstract partial class or record (nested only in partial non-generic types) with a parameterless or primary constructor",
            "The [McpElicitationForm] type 'NoConstructor' has no parameterless constructor and no constructor whose parameters all set its properties (like a record's primary constructor); declare it as a non-generic, non-abstract partial class or record (nested only in partial non-generic types) with a parameterless or primary constructor",
            "The [McpElicitationForm] type 'Inner' is nested in 'Plain', which is not partial; declare it as a non-generic, non-abstract partial class or record (nested only in partial non-generic types) with a parameterless or primary constructor");

    [Fact]
    public Task Fields_a_form_cannot_hold_are_errors_at_the_field()
        => VerifyAsync("""
            using System;
            using System.Collections.Generic;
            using System.ComponentModel;
            using System.Text.Json.Serialization;
            using McpGen;

            public enum Empty { }
            public sealed class Address { public string City { get; set; } = ""; }

            [McpElicitationForm]
            public partial class Form
            {
                public Address {|MCPG0021:Home|} { get; set; } = new();
                public string[] {|MCPG0021:Tags|} { get; set; } = [];
                public Dictionary<string, string>? {|MCPG0021:Extra|} { get; set; }
                public Guid {|MCPG0021:Id|} { get; set; }
                public Empty {|MCPG0021:Nothing|} { get; set; }
                [DefaultValue("x")] public int {|MCPG0021:Count|} { get; set; }
                public string Name { get; set; } = "";
                [JsonPropertyName("name")] public string {|MCPG0021:Alias|} { get; set; } = "";
            }

            [McpElicitationForm]
            public partial record Positional(string Name, Address {|MCPG0021:Where|});
            """,
            "Field 'Home' of elicitation form 'Form' has type 'Address', which an elicitation form cannot hold: use string, a number, bool, an enum, or an array or list of an enum (forms are flat: no nested objects)",
            "Field 'Tags' of elicitation form 'Form' has type 'string[]', which an elicitation form cannot hold: use string, a number, bool, an enum, or an array or list of an enum (forms are flat: no nested objects)",
            "Field 'Extra' of elicitation form 'Form' has type 'System.Collections.Generic.Dictionary<string, string>?', which an elicitation form cannot hold: use string, a number, bool, an enum, or an array or list of an enum (forms are flat: no nested objects)",
            "Field 'Id' of elicitation form 'Form' has type 'System.Guid', which an elicitation form cannot hold: use string, a number, bool, an enum, or an array or list of an enum (forms are flat: no nested objects)",
            "Field 'Nothing' of elicitation form 'Form' is the enum 'Empty', which has no members to choose from",
            "Field 'Count' of elicitation form 'Form' has the default value x (String), which does not fit its type 'int'",
            "Field 'Alias' of elicitation form 'Form' uses the JSON name 'name' of another field; give it another [JsonPropertyName]",
            "Field 'Where' of elicitation form 'Positional' has type 'Address', which an elicitation form cannot hold: use string, a number, bool, an enum, or an array or list of an enum (forms are flat: no nested objects)");
}
