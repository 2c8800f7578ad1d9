using McpGen.CodeFixes;

namespace McpGen.Analyzers.Tests;

public sealed class ResourceAnalyzerTests
{
    private static Task VerifyAsync(string markup, params string[] messages)
        => McpAnalyzerVerifier<ResourceAnalyzer>.VerifyAsync(markup, messages);

    [Fact]
    public Task Valid_resources_are_not_reported()
        => VerifyAsync("""
            using System;
            using System.Collections.Generic;
            using System.Threading;
            using System.Threading.Tasks;
            using McpGen;

            public enum Unit { Metric, Imperial }
            public interface IWeather { }

            [McpServer(Session = McpSessionMode.Store)]
            public partial class Server
            {
                [McpResource("config://app/settings", Subscribable = true)]
                public static string Settings() => "";

                [McpResource("weather://{city}/{+path}/{days}/{unit}/{id}/{metric}/{big}/{exact}")]
                public static Task<byte[]> Forecast(string city, string path, int days, Unit unit, Guid id, bool metric, long big, double exact, IWeather weather, CancellationToken cancellationToken)
                    => Task.FromResult(Array.Empty<byte>());

                [McpResource("{+all}")]
                public static ValueTask<IEnumerable<ResourceContents>> All(string all) => default;

                [McpResource("blob://x")]
                public static ReadOnlyMemory<byte> Blob() => default;
            }

            public partial class NotAServer
            {
                [McpResource("a://{x}{y}")]
                public static int Ignored() => 0;
            }
            """);

    [Fact]
    public Task Templates_the_generator_rejects_are_errors_at_the_argument()
        => VerifyAsync("""
            using McpGen;

            [McpServer]
            public partial class Server
            {
                [McpResource({|MCPG0015:"a://{x}{y}"|})]
                public static string Adjacent(string x, string y) => "";

                [McpResource({|MCPG0015:"a://{?q}"|})]
                public static string Query(string q) => "";

                [McpResource({|MCPG0015:"a://{x}/{x}"|})]
                public static string Repeated(string x) => "";

                [McpResource({|MCPG0015:"a://{x"|})]
                public static string Unclosed(string x) => "";

                [McpResource({|MCPG0015:"a://{x}}"|})]
                public static string Unopened(string x) => "";

                [McpResource({|MCPG0015:""|})]
                public static string Empty() => "";
            }
            """,
            "Resource 'a://{x}{y}' (method 'Adjacent') cannot be served: variable 'y' follows another variable with no literal text between them, so the URI cannot be split; put a literal such as '/' between them",
            "Resource 'a://{?q}' (method 'Query') cannot be served: the expression '{?q}' is not supported; only {name} and {+name} are supported (RFC 6570 level 1 and reserved expansion), with names of letters, digits and '_' not starting with a digit",
            "Resource 'a://{x}/{x}' (method 'Repeated') cannot be served: variable 'x' appears twice; give each variable its own name",
            "Resource 'a://{x' (method 'Unclosed') cannot be served: the template has a '{' without a '}' at position 4; balance the braces",
            "Resource 'a://{x}}' (method 'Unopened') cannot be served: the template has a '}' without a '{' at position 7; balance the braces",
            "Resource 'Empty' (method 'Empty') cannot be served: its URI is empty; pass a URI such as \"config://app/settings\" or a template such as \"weather://{city}/forecast\"");

    [Fact]
    public Task Variables_and_parameters_must_match_and_types_must_parse()
        => VerifyAsync("""
            using System;
            using System.Threading.Tasks;
            using McpGen;

            [McpServer]
            public partial class Server
            {
                [McpResource({|MCPG0015:"a://{city}/{day}"|})]
                public static string Missing(string city) => "";

                [McpResource("a://{city}")]
                public static string Extra(string city, int {|MCPG0015:days|}) => "";

                [McpResource("a://fixed")]
                public static string Fixed(string {|MCPG0015:city|}) => "";

                [McpResource("a://{when}/{n}")]
                public static string Types({|MCPG0015:DateTime|} when, {|MCPG0015:int?|} n) => "";

                [McpResource("a://x")]
                public static {|MCPG0015:int|} Number() => 0;

                [McpResource("a://y")]
                public static {|MCPG0015:Task|} NoValue() => Task.CompletedTask;

                [McpResource("a://z")]
                public static string {|MCPG0015:Generic|}<T>() => "";
            }
            """,
            "Resource 'a://{city}/{day}' (method 'Missing') cannot be served: template variable 'day' has no parameter; add a parameter named 'day' (string, int, long, double, bool, Guid or an enum)",
            "Resource 'a://{city}' (method 'Extra') cannot be served: parameter 'days' is not a variable of the template; add {days} to the template, rename the parameter to one of its variables (city), or take a special value or a service",
            "Resource 'a://fixed' (method 'Fixed') cannot be served: parameter 'city' has nothing to bind to, since a fixed URI has no variables; make the URI a template with {city}, or take a special value or a service",
            "Resource 'a://{when}/{n}' (method 'Types') cannot be served: template variable 'when' is bound to type 'DateTime', which the generator cannot parse from a URI; use string, int, long, double, bool, Guid or an enum, and convert in the method",
            "Resource 'a://{when}/{n}' (method 'Types') cannot be served: template variable 'n' is bound to 'int?', but a matched variable always has a value; use the non-nullable type",
            "Resource 'a://x' (method 'Number') cannot be served: it returns 'int'; return string (text), byte[] or ReadOnlyMemory<byte> (blob), ResourceContents or a list of them, or a Task/ValueTask of those",
            "Resource 'a://y' (method 'NoValue') cannot be served: it returns 'Task'; return string (text), byte[] or ReadOnlyMemory<byte> (blob), ResourceContents or a list of them, or a Task/ValueTask of those",
            "Resource 'a://z' (method 'Generic') cannot be served: it is generic; remove the type parameters");

    [Fact]
    public Task Subscribable_resource_on_a_stateless_server_is_a_warning_with_the_modes_that_deliver_it()
        => VerifyAsync("""
            using McpGen;

            [McpServer]
            public partial class Default
            {
                [McpResource("a://watched", {|MCPG0018:Subscribable = true|})]
                public static string Watched() => "";

                [McpResource("a://quiet", Subscribable = false)]
                public static string Quiet() => "";
            }

            [McpServer(Stateless = false)]
            public partial class Sticky
            {
                [McpResource("a://watched", Subscribable = true)]
                public static string Watched() => "";
            }

            [McpServer(Session = McpSessionMode.Store)]
            public partial class Store
            {
                [McpResource("a://watched", Subscribable = true)]
                public static string Watched() => "";
            }
            """,
            "Resource 'a://watched' is subscribable, but stateless server 'Default' cannot deliver its updates to initialize-era clients (they need a session's GET stream), and its subscriptions/listen streams hear other replicas' changes only through a shared backplane; set Session = McpSessionMode.Store (any replica) or Session = McpSessionMode.Sticky (load-balancer affinity) on [McpServer], or remove Subscribable = true");

    [Fact]
    public Task Duplicate_uris_and_templates_are_reported_after_the_first()
        => McpAnalyzerVerifier<DuplicateResourcePromptAnalyzer>.VerifyAsync("""
            using McpGen;

            [McpServer]
            public partial class Server
            {
                [McpResource("a://one")]
                public static string One() => "";

                [McpResource({|MCPG0019:"a://one"|})]
                public static string Again() => "";

                [McpResource("a://{id}")]
                public static string Item(string id) => "";

                [McpResource({|MCPG0019:"a://{id}"|})]
                public static string ItemAgain(string id) => "";

                [McpResource("a://{other}")]
                public static string Other(string other) => "";
            }

            [McpServer]
            public partial class Elsewhere
            {
                [McpResource("a://one")]
                public static string One() => "";
            }
            """,
            "Server 'Server' already has a resource with URI 'a://one' (method 'One'); the generator leaves out both, so give this one another URI",
            "Server 'Server' already has a resource template 'a://{id}' (method 'Item'); the generator leaves out both, so give this one another template");
}

public sealed class PromptAnalyzerTests
{
    private static Task VerifyAsync(string markup, params string[] messages)
        => McpAnalyzerVerifier<PromptAnalyzer>.VerifyAsync(markup, messages);

    [Fact]
    public Task String_special_and_service_parameters_are_accepted()
        => VerifyAsync("""
            using System;
            using System.Threading;
            using McpGen;

            public interface IGlossary { }

            [McpServer]
            public partial class Server
            {
                [McpPrompt]
                public static string Summarize(string text, string? language, string tone = "neutral", IGlossary? glossary = null, IServiceProvider? services = null, CancellationToken cancellationToken = default) => text;

                [McpPrompt("summarize_v2")]
                public static string Again(string text) => text;
            }

            public class NotAServer
            {
                [McpPrompt]
                public static string Ignored(int count) => "";
            }
            """);

    [Fact]
    public Task Non_string_parameters_are_errors_at_the_type()
        => VerifyAsync("""
            using System.Collections.Generic;
            using McpGen;

            [McpServer]
            public partial class Server
            {
                [McpPrompt("review")]
                public static string Review({|MCPG0016:int|} lines, {|MCPG0016:bool?|} strict, {|MCPG0016:List<string>|} tags, string code) => code;

                [McpPrompt]
                public static string Fill(ref {|MCPG0016:string|} text) => text;
            }
            """,
            "Parameter 'lines' of prompt 'review' is of type 'int', but prompt arguments are strings on the wire; take a string (string? or a default value makes it optional) and convert it in the method, or take a special value or a service",
            "Parameter 'strict' of prompt 'review' is of type 'bool?', but prompt arguments are strings on the wire; take a string (string? or a default value makes it optional) and convert it in the method, or take a special value or a service",
            "Parameter 'tags' of prompt 'review' is of type 'List<string>', but prompt arguments are strings on the wire; take a string (string? or a default value makes it optional) and convert it in the method, or take a special value or a service",
            "Parameter 'text' of prompt 'fill' is passed by ref, but prompt arguments are strings on the wire; take a string (string? or a default value makes it optional) and convert it in the method, or take a special value or a service");

    [Fact]
    public Task Duplicate_prompt_names_are_reported_after_the_first()
        => McpAnalyzerVerifier<DuplicateResourcePromptAnalyzer>.VerifyAsync("""
            using McpGen;

            [McpServer]
            public partial class Server
            {
                [McpPrompt]
                public static string Summarize(string text) => text;

                [McpPrompt({|MCPG0019:"summarize"|})]
                public static string Other(string text) => text;

                [McpPrompt]
                public static string {|MCPG0019:Summarize|}(string text, string language) => text;
            }
            """,
            "Server 'Server' already has a prompt named 'summarize' (method 'Summarize'); the generator leaves out both, so give this one another name with [McpPrompt(\"...\")]",
            "Server 'Server' already has a prompt named 'summarize' (method 'Summarize'); the generator leaves out both, so give this one another name with [McpPrompt(\"...\")]");
}

public sealed class CompletionAnalyzerTests
{
    private const string Targets = """

            [McpPrompt]
            public static string Summarize(string text, string? language, System.Threading.CancellationToken cancellationToken) => text;

            [McpResource("weather://{city}/{+path}")]
            public static string Forecast(string city, string path) => city;

            [McpResource("config://fixed")]
            public static string Fixed() => "";
        }
        """;

    private static Task VerifyAsync(string markup, params string[] messages)
        => McpAnalyzerVerifier<CompletionAnalyzer>.VerifyAsync(markup + Targets, messages);

    [Fact]
    public Task Valid_completions_are_not_reported()
        => VerifyAsync("""
            using System.Collections.Generic;
            using System.Threading;
            using System.Threading.Tasks;
            using McpGen;

            public interface ILanguages { }

            [McpServer]
            public partial class Server
            {
                [McpCompletion(Prompt = "summarize", Argument = "language")]
                [McpCompletion(ResourceTemplate = "weather://{city}/{+path}", Argument = "city")]
                public static IEnumerable<string> Languages(string value, McpCompletionContext context, ILanguages languages, CancellationToken cancellationToken) => [];

                [McpCompletion(Prompt = "summarize", Argument = "text")]
                public static Task<string[]> Texts(string value) => Task.FromResult(new string[0]);

                [McpCompletion(ResourceTemplate = "weather://{city}/{+path}", Argument = "path")]
                public static ValueTask<List<string>> Paths(string value) => default;
            """);

    [Fact]
    public Task Unknown_targets_and_arguments_are_errors()
        => VerifyAsync("""
            using System.Collections.Generic;
            using McpGen;

            [McpServer]
            public partial class Server
            {
                [McpCompletion({|MCPG0017:Prompt = "summary"|}, Argument = "language")]
                [McpCompletion(Prompt = "summarize", {|MCPG0017:Argument = "tone"|})]
                [McpCompletion({|MCPG0017:ResourceTemplate = "weather://{town}"|}, Argument = "town")]
                [McpCompletion(ResourceTemplate = "weather://{city}/{+path}", {|MCPG0017:Argument = "country"|})]
                [McpCompletion({|MCPG0017:ResourceTemplate = "config://fixed"|}, Argument = "x")]
                [McpCompletion(Prompt = "summarize", {|MCPG0017:ResourceTemplate = "weather://{city}/{+path}"|}, Argument = "city")]
                [{|MCPG0017:McpCompletion(Argument = "city")|}]
                [McpCompletion(Prompt = "summarize", {|MCPG0017:Argument = ""|})]
                public static IEnumerable<string> Complete(string value) => [];
            """,
            "Completion method 'Complete' cannot be served: server 'Server' has no prompt named 'summary'; name one of its prompts ('summarize')",
            "Completion method 'Complete' cannot be served: prompt 'summarize' has no argument 'tone'; name one of its arguments ('text', 'language')",
            "Completion method 'Complete' cannot be served: server 'Server' has no resource template 'weather://{town}'; name one of its templates exactly as declared ('weather://{city}/{+path}')",
            "Completion method 'Complete' cannot be served: template 'weather://{city}/{+path}' has no variable 'country'; name one of its variables ('city', 'path')",
            "Completion method 'Complete' cannot be served: server 'Server' has a resource with the fixed URI 'config://fixed', which has no variables to complete; name one of its templates ('weather://{city}/{+path}')",
            "Completion method 'Complete' cannot be served: [McpCompletion] sets both Prompt and ResourceTemplate; set exactly one (use one attribute per target)",
            "Completion method 'Complete' cannot be served: [McpCompletion] sets neither Prompt nor ResourceTemplate; set Prompt = \"<prompt name>\" or ResourceTemplate = \"<template as declared>\"",
            "Completion method 'Complete' cannot be served: [McpCompletion] has no Argument; set Argument to the prompt argument it completes");

    [Fact]
    public Task Method_shapes_the_generator_rejects_are_errors()
        => VerifyAsync("""
            using System;
            using System.Collections.Generic;
            using System.Threading.Tasks;
            using McpGen;

            [McpServer]
            public partial class Server
            {
                [McpCompletion(Prompt = "summarize", Argument = "language")]
                public static IEnumerable<string> {|MCPG0017:NoValue|}(McpCompletionContext context) => [];

                [McpCompletion(Prompt = "summarize", Argument = "text")]
                public static {|MCPG0017:string|} OneString(string value) => value;

                [McpCompletion(ResourceTemplate = "weather://{city}/{+path}", Argument = "city")]
                public static {|MCPG0017:Task|} NoResult(string value) => Task.CompletedTask;

                [McpCompletion(ResourceTemplate = "weather://{city}/{+path}", Argument = "path")]
                public static IEnumerable<string> Extra(string value, {|MCPG0017:int|} limit, IProgress<McpProgress> progress) => [];
            """,
            "Completion method 'NoValue' cannot be served: it has no string parameter for the partial value; add one, such as 'string value'",
            "Completion method 'OneString' cannot be served: it returns 'string'; return IEnumerable<string> (a string[] or List<string> too) or a Task/ValueTask of it",
            "Completion method 'NoResult' cannot be served: it returns 'Task'; return IEnumerable<string> (a string[] or List<string> too) or a Task/ValueTask of it",
            "Completion method 'Extra' cannot be served: parameter 'limit' cannot be bound: the first string parameter receives the partial value, and the others must be a McpCompletionContext, a CancellationToken, another special value or a service; use McpCompletionContext for the other arguments");

    [Fact]
    public Task A_target_claimed_twice_is_reported_at_the_second_claim()
        => VerifyAsync("""
            using System.Collections.Generic;
            using McpGen;

            [McpServer]
            public partial class Server
            {
                [McpCompletion(Prompt = "summarize", Argument = "language")]
                public static IEnumerable<string> First(string value) => [];

                [McpCompletion(Prompt = "summarize", {|MCPG0017:Argument = "language"|})]
                [McpCompletion(ResourceTemplate = "weather://{city}/{+path}", Argument = "city")]
                public static IEnumerable<string> Second(string value) => [];
            """,
            "Completion method 'Second' cannot be served: method 'First' already completes argument 'language' of prompt 'summarize', and the generator leaves out both; keep one");

    [Fact]
    public Task Targets_that_are_themselves_invalid_are_left_to_their_own_rules()
        => McpAnalyzerVerifier<CompletionAnalyzer>.VerifyAsync("""
            using System.Collections.Generic;
            using McpGen;

            [McpServer]
            public partial class Server
            {
                [McpPrompt]
                public static string Broken(int count) => "";

                [McpResource("a://{x}{y}")]
                public static string Adjacent(string x, string y) => "";

                [McpCompletion(Prompt = "broken", Argument = "count")]
                [McpCompletion(ResourceTemplate = "a://{x}{y}", Argument = "x")]
                public static IEnumerable<string> Complete(string value) => [];
            }
            """);
}

public sealed class SubscribableResourceCodeFixTests
{
    [Theory]
    [InlineData(SessionModeCodeFixProvider.UseStoreKey, "Store")]
    [InlineData(SessionModeCodeFixProvider.UseStickyKey, "Sticky")]
    public Task Gives_the_server_a_session(string key, string mode)
        => McpCodeFixVerifier<ResourceAnalyzer, SessionModeCodeFixProvider>.VerifyAsync(
            key,
            ["""
            using McpGen;

            [McpServer(Stateless = true)]
            public partial class Server
            {
                [McpResource("a://watched", {|MCPG0018:Subscribable = true|})]
                public static string Watched() => "";
            }
            """],
            [$$"""
            using McpGen;

            [McpServer(Session = McpSessionMode.{{mode}})]
            public partial class Server
            {
                [McpResource("a://watched", Subscribable = true)]
                public static string Watched() => "";
            }
            """]);
}
