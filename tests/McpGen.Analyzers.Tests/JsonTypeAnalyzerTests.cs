using McpGen.CodeFixes;
using Microsoft.CodeAnalysis.Testing;

namespace McpGen.Analyzers.Tests;

public sealed class ToolParameterTypeAnalyzerTests
{
    [Fact]
    public Task Types_without_a_schema_mapping_are_errors_at_the_parameter_type()
        => McpAnalyzerVerifier<ToolParameterTypeAnalyzer>.VerifyAsync(
            """
            using System;
            using System.Collections.Generic;
            using System.IO;
            using McpGen;

            public record WithDelegate(Func<int> Callback);

            [McpServer]
            public partial class Server
            {
                [McpTool]
                public string Bad(
                    {|MCPG0011:Dictionary<int, string>|} byNumber,
                    {|MCPG0011:Action|} callback,
                    {|MCPG0011:(int X, int Y)|} point,
                    {|MCPG0011:int[,]|} grid,
                    {|MCPG0011:List<Action>|} callbacks,
                    {|MCPG0011:Exception|} error,
                    {|MCPG0011:WithDelegate|} holder) => "";
            }
            """,
            "Parameter 'byNumber' of tool 'Bad' has type 'Dictionary<int, string>', which has no JSON Schema mapping (dictionary keys must be strings); use a JSON-friendly type (string, number, bool, enum, date/time, Guid, Uri, a collection, a dictionary with string keys, or a class or record)",
            "Parameter 'callback' of tool 'Bad' has type 'Action', which has no JSON Schema mapping (a delegate cannot be read from JSON); use a JSON-friendly type (string, number, bool, enum, date/time, Guid, Uri, a collection, a dictionary with string keys, or a class or record)",
            "Parameter 'point' of tool 'Bad' has type '(int X, int Y)', which has no JSON Schema mapping (use a record instead of a tuple); use a JSON-friendly type (string, number, bool, enum, date/time, Guid, Uri, a collection, a dictionary with string keys, or a class or record)",
            "Parameter 'grid' of tool 'Bad' has type 'int[,]', which has no JSON Schema mapping (use a jagged array or a list instead of a multi-dimensional array); use a JSON-friendly type (string, number, bool, enum, date/time, Guid, Uri, a collection, a dictionary with string keys, or a class or record)",
            "Parameter 'callbacks' of tool 'Bad' has type 'List<Action>', which has no JSON Schema mapping (its element type has none); use a JSON-friendly type (string, number, bool, enum, date/time, Guid, Uri, a collection, a dictionary with string keys, or a class or record)",
            "Parameter 'error' of tool 'Bad' has type 'Exception', which has no JSON Schema mapping (framework types other than the supported ones have none); use a JSON-friendly type (string, number, bool, enum, date/time, Guid, Uri, a collection, a dictionary with string keys, or a class or record)",
            "Parameter 'holder' of tool 'Bad' has type 'WithDelegate', which has no JSON Schema mapping (one of its properties has none); use a JSON-friendly type (string, number, bool, enum, date/time, Guid, Uri, a collection, a dictionary with string keys, or a class or record)");

    [Fact]
    public Task Supported_json_types_special_parameters_and_services_are_clean()
        => McpAnalyzerVerifier<ToolParameterTypeAnalyzer>.VerifyAsync("""
            using System;
            using System.Collections.Generic;
            using System.Security.Claims;
            using System.Text.Json;
            using System.Threading;
            using Microsoft.AspNetCore.Http;
            using Microsoft.AspNetCore.Mvc;
            using Microsoft.Extensions.DependencyInjection;
            using Microsoft.Extensions.Logging;
            using McpGen;

            public enum Unit { Celsius, Fahrenheit }
            public record Location(string City, double? Latitude, List<string> Tags);
            public interface IForecasts { }
            public abstract class Store { }
            public sealed class Concrete { }

            [McpServer]
            public partial class Server
            {
                [McpTool]
                public string Good(
                    string s, bool b, byte by, short sh, int i, long l, ulong ul, float f, double d, decimal m, char c,
                    Unit unit, Unit? maybeUnit, int? maybe, DateTime dt, DateTimeOffset dto, DateOnly date, TimeOnly time,
                    TimeSpan span, Guid id, Uri uri, string[] names, List<int> numbers, HashSet<string> set,
                    IEnumerable<Location> locations, IReadOnlyList<double> values, Dictionary<string, int> counts,
                    IReadOnlyDictionary<string, Location> byName, Location location, Location? optional, byte[] data,
                    JsonElement any, object anything,
                    CancellationToken cancellationToken, HttpContext http, ClaimsPrincipal user, IServiceProvider services,
                    McpRequestContext context, IProgress<McpProgress> progress, ILogger<Server> logger, IForecasts forecasts,
                    Store store, [FromServices] Concrete fromServices, [FromKeyedServices("k")] Concrete keyed) => "";

                public string NotATool(Action callback) => "";
            }

            public class NotAServer
            {
                [McpTool] public string Tool(Action callback) => "";
            }
            """);
}

/// <summary>What the System.Text.Json generator would add to a context (that generator does not run in these tests).</summary>
internal static class StjStub
{
    public static string For(string ns, params string[] contexts)
        => $"namespace {ns}\n{{\n" + string.Concat(contexts.Select(c => $$"""
                partial class {{c}}
                {
                    public {{c}}() : base(null) { }
                    protected override System.Text.Json.JsonSerializerOptions? GeneratedSerializerOptions => null;
                    public override System.Text.Json.Serialization.Metadata.JsonTypeInfo? GetTypeInfo(System.Type type) => null;
                }

                """)) + "}\n";
}

public sealed class JsonSerializerContextAnalyzerTests
{
    private const string Types = """

        namespace Demo
        {
            using System.Collections.Generic;

            public record Location(string City, Coordinates Where);
            public record Coordinates(double Latitude, double Longitude);
            public record Forecast(string Summary, List<Day> Days);
            public record Day(int Index, double High);
            public record Unlisted(string Name);
        }
        """;

    [Fact]
    public Task Unregistered_json_parameters_and_results_are_warnings_and_registered_or_reachable_ones_are_not()
        => McpAnalyzerVerifier<JsonSerializerContextAnalyzer>.VerifyAsync(
            [
                """
                using System.Collections.Generic;
                using System.Text.Json.Serialization;
                using System.Threading.Tasks;
                using McpGen;
                using Demo;

                namespace App
                {
                    [JsonSerializable(typeof(Location))]
                    [JsonSerializable(typeof(Forecast))]
                    internal partial class AppJsonContext : JsonSerializerContext
                    {
                    }

                    [McpServer]
                    public partial class Server
                    {
                        [McpTool]
                        public Task<Forecast> Registered(Location location, Location? maybe, Coordinates reachable, List<Day> alsoReachable, Day day, string text, int count)
                            => Task.FromResult(new Forecast(text, alsoReachable));

                        [McpTool]
                        public async Task<{|MCPG0012:Unlisted|}> Missing({|MCPG0012:Unlisted|} unlisted, {|MCPG0012:List<Unlisted>|} many, {|MCPG0012:int[]|} numbers, {|MCPG0012:Dictionary<string, int>|} counts)
                        {
                            await Task.Yield();
                            return unlisted;
                        }

                        [McpTool]
                        public {|MCPG0012:Unlisted?|} Nullable() => null;

                        [McpTool] public string Text() => "";
                        [McpTool] public int Number() => 1;
                        [McpTool] public CallToolResult Result() => new();
                        [McpTool] public TextContent Content() => new("x");
                        [McpTool] public IEnumerable<ContentBlock> Contents() => [];
                        [McpTool] public Task Nothing() => Task.CompletedTask;
                    }

                    public class NotAServer
                    {
                        [McpTool] public Unlisted Tool(Unlisted value) => value;
                    }
                }
                """ + Types,
                StjStub.For("App", "AppJsonContext"),
            ],
            [
                "The result of tool 'Missing' is serialized through a JsonSerializerContext, but no context in the compilation has [JsonSerializable(typeof(Unlisted))]; add it to your context, or it fails when trimmed or compiled ahead of time",
                "Parameter 'unlisted' of tool 'Missing' is serialized through a JsonSerializerContext, but no context in the compilation has [JsonSerializable(typeof(Unlisted))]; add it to your context, or it fails when trimmed or compiled ahead of time",
                "Parameter 'many' of tool 'Missing' is serialized through a JsonSerializerContext, but no context in the compilation has [JsonSerializable(typeof(List<Unlisted>))]; add it to your context, or it fails when trimmed or compiled ahead of time",
                "Parameter 'numbers' of tool 'Missing' is serialized through a JsonSerializerContext, but no context in the compilation has [JsonSerializable(typeof(int[]))]; add it to your context, or it fails when trimmed or compiled ahead of time",
                "Parameter 'counts' of tool 'Missing' is serialized through a JsonSerializerContext, but no context in the compilation has [JsonSerializable(typeof(Dictionary<string, int>))]; add it to your context, or it fails when trimmed or compiled ahead of time",
                "The result of tool 'Nullable' is serialized through a JsonSerializerContext, but no context in the compilation has [JsonSerializable(typeof(Unlisted))]; add it to your context, or it fails when trimmed or compiled ahead of time",
            ]);

    [Fact]
    public Task Without_any_context_every_json_type_is_reported()
        => McpAnalyzerVerifier<JsonSerializerContextAnalyzer>.VerifyAsync("""
            using McpGen;
            using Demo;

            [McpServer]
            public partial class Server
            {
                [McpTool] public string Tool({|MCPG0012:Location|} location, string city) => city;
            }
            """ + Types);
}

public sealed class AddJsonSerializableCodeFixTests
{
    /// <summary>The server; <c>{0}</c>..<c>{3}</c> are where the result type and the parameter type may be marked.</summary>
    private const string ServerTemplate = """
        using System.Collections.Generic;
        using McpGen;

        namespace Demo;

        public record Forecast(string Summary);
        public record Day(int Index);

        [McpServer]
        public partial class Server
        {
            [McpTool] public {0}Forecast{1} Get({2}List<Day>{3} days) => new("x");
        }
        """;

    private static string Server(bool result, bool parameter)
        => ServerTemplate
            .Replace("{0}", result ? "{|MCPG0012:" : "").Replace("{1}", result ? "|}" : "")
            .Replace("{2}", parameter ? "{|MCPG0012:" : "").Replace("{3}", parameter ? "|}" : "");

    private static readonly string Plain = Server(result: false, parameter: false);

    [Fact]
    public Task Adds_the_attribute_after_the_last_JsonSerializable_of_the_context_in_another_file()
        => McpCodeFixVerifier<JsonSerializerContextAnalyzer, AddJsonSerializableCodeFixProvider>.VerifyAsync(
            AddJsonSerializableCodeFixProvider.EquivalenceKeyPrefix + "Demo.AppJsonContext",
            [Server(result: false, parameter: true), """
            using System.Text.Json.Serialization;

            namespace Demo;

            /// <summary>The app's JSON types.</summary>
            [JsonSourceGenerationOptions(WriteIndented = false)]
            [JsonSerializable(typeof(Forecast))]
            internal partial class AppJsonContext : JsonSerializerContext
            {
            }
            """, StjStub.For("Demo", "AppJsonContext")],
            [Plain, """
            using System.Text.Json.Serialization;

            namespace Demo;

            /// <summary>The app's JSON types.</summary>
            [JsonSourceGenerationOptions(WriteIndented = false)]
            [JsonSerializable(typeof(Forecast))]
            [JsonSerializable(typeof(System.Collections.Generic.List<Day>))]
            internal partial class AppJsonContext : JsonSerializerContext
            {
            }
            """, StjStub.For("Demo", "AppJsonContext")],
            "Add [JsonSerializable(typeof(List<Day>))] to 'AppJsonContext'");

    [Fact]
    public Task Adds_the_first_attribute_to_a_context_without_attributes_keeping_its_doc_comment()
    {
        // One application (FixOne): the result's type is added, the parameter's diagnostic remains.
        var test = McpCodeFixVerifier<JsonSerializerContextAnalyzer, AddJsonSerializableCodeFixProvider>.Create(
            AddJsonSerializableCodeFixProvider.EquivalenceKeyPrefix + "Demo.Outer.Json",
            [Server(result: true, parameter: true) + """

            public static partial class Outer
            {
                /// <summary>Nested context.</summary>
                internal partial class Json : System.Text.Json.Serialization.JsonSerializerContext
                {
                }
            }
            """, Nested],
            [Server(result: false, parameter: true) + """

            public static partial class Outer
            {
                /// <summary>Nested context.</summary>
                [System.Text.Json.Serialization.JsonSerializable(typeof(Forecast))]
                internal partial class Json : System.Text.Json.Serialization.JsonSerializerContext
                {
                }
            }
            """, Nested],
            "Add [JsonSerializable(typeof(Forecast))] to 'Json'");
        test.CodeFixTestBehaviors = CodeFixTestBehaviors.FixOne;
        test.NumberOfIncrementalIterations = 1;
        return test.RunAsync();
    }

    private const string Nested = """
        namespace Demo
        {
            public static partial class Outer
            {
                partial class Json
                {
                    public Json() : base(null) { }
                    protected override System.Text.Json.JsonSerializerOptions? GeneratedSerializerOptions => null;
                    public override System.Text.Json.Serialization.Metadata.JsonTypeInfo? GetTypeInfo(System.Type type) => null;
                }
            }
        }
        """;

    [Theory]
    [InlineData("A")]
    [InlineData("B")]
    public Task Offers_one_action_per_context(string name)
    {
        string contexts = """
            namespace Demo;

            internal partial class A : System.Text.Json.Serialization.JsonSerializerContext { }
            internal partial class B : System.Text.Json.Serialization.JsonSerializerContext { }
            """;
        var test = McpCodeFixVerifier<JsonSerializerContextAnalyzer, AddJsonSerializableCodeFixProvider>.Create(
            AddJsonSerializableCodeFixProvider.EquivalenceKeyPrefix + "Demo." + name,
            [Server(result: true, parameter: true), contexts, StjStub.For("Demo", "A", "B")],
            [Server(result: false, parameter: true), contexts.Replace(
                $"internal partial class {name} :",
                $"[System.Text.Json.Serialization.JsonSerializable(typeof(Forecast))]\ninternal partial class {name} :"), StjStub.For("Demo", "A", "B")]);
        test.CodeFixTestBehaviors = CodeFixTestBehaviors.FixOne;
        test.NumberOfIncrementalIterations = 1;
        return test.RunAsync();
    }
}
