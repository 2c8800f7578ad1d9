namespace McpGen.Tests;

/// <summary>Input programs for the generator tests. Each carries its usings (the test compilation has no implicit usings).</summary>
internal static class TestSources
{
    public const string Usings = """
        #pragma warning disable CS1591, CS1573 // test inputs are not fully documented
        using System;
        using System.Collections.Generic;
        using System.Collections.Immutable;
        using System.ComponentModel;
        using System.Security.Claims;
        using System.Text.Json.Serialization;
        using System.Threading;
        using System.Threading.Tasks;
        using McpGen;

        """;

    public const string Weather = Usings + """
        namespace Sample;

        public interface IForecasts { Forecast Get(string city, int days); }

        public sealed class FakeForecasts : IForecasts { public Forecast Get(string city, int days) => new(city, days, 21.5, Condition.Rain); }

        public sealed record Forecast(string City, int Days, double TemperatureC, Condition Condition);

        [JsonConverter(typeof(JsonStringEnumConverter<Condition>))] public enum Condition { Sunny, Cloudy, Rain }

        [McpServer(Stateless = true)]
        public partial class WeatherServer(IForecasts forecasts)
        {
            /// <summary>Forecast for a city.</summary>
            /// <param name="city">City name, e.g. "Oslo".</param>
            /// <param name="days">How many days ahead (1-10).</param>
            [McpTool(ReadOnly = true)]
            public Task<Forecast> GetForecast(string city, int days = 3, CancellationToken ct = default) => Task.FromResult(forecasts.Get(city, days));

            [McpTool("echo"), Description("Echoes the message.")] public static string Echo(string message) => message;
        }
        """;

    public const string Schemas = Usings + """
        namespace Schemas;

        public enum Priority { Low, Normal, High }

        /// <summary>A postal address.</summary>
        /// <param name="Street">The street and number.</param>
        /// <param name="City">The city, if known.</param>
        /// <param name="Zip">The postal code.</param>
        public sealed record Address(string Street, string? City = null, int Zip = 0);

        public sealed class Person
        {
            /// <summary>Full name.</summary>
            public required string Name { get; init; }

            [Description("Age in years.")]
            public int Age { get; set; } = 42;

            [JsonPropertyName("e_mail")]
            public string? Email { get; set; }

            [JsonIgnore]
            public string Secret { get; set; } = "";

            public Address? Home { get; set; }

            public List<string> Tags { get; set; } = new();

            public string URLValue { get; set; } = "";
        }

        public sealed class TreeNode
        {
            public required string Label { get; init; }

            public List<TreeNode> Children { get; init; } = new();
        }

        [McpServer]
        public partial class SchemaServer
        {
            [McpTool]
            public static string Primitives(string text, char letter, bool flag, byte b, sbyte sb, short s, ushort us, int i, uint ui, long l, ulong ul, float f, double d, decimal m) => text;

            [McpTool]
            public static string Formats(DateTime dt, DateTimeOffset dto, DateOnly date, TimeOnly time, TimeSpan span, Guid id, Uri link) => dt.ToString("O");

            [McpTool]
            public static string Nullables(int? count, string? note, Priority? priority, Address? address) => note ?? "";

            [McpTool]
            public static string Defaults(int days = 3, string unit = "metric", Priority priority = Priority.High, double ratio = 0.5, bool verbose = false, string? tag = null) => unit;

            [McpTool]
            public static string Collections(string[] names, List<int> numbers, IList<double> a, IReadOnlyList<string> b, IEnumerable<Guid> c, ICollection<long> d, HashSet<string> set, ISet<int> iset, ImmutableArray<string> imm, Dictionary<string, int> counts, IReadOnlyDictionary<string, Address> addresses) => "";

            [McpTool]
            public static string Objects(Person person, Address address) => person.Name;

            [McpTool]
            public static string Recursive(TreeNode tree) => tree.Label;

            [McpTool]
            public static string Enums(Priority priority) => priority.ToString();

            /// <summary>Says "hi" — to everyone.
            /// Second line with a tab	and ünïcödé ✓ and 😀.</summary>
            [McpTool(Title = "No \"parameters\"")]
            public static void NoParameters() { }
        }
        """;

    public const string Specials = Usings + """
        using Microsoft.AspNetCore.Http;
        using Microsoft.AspNetCore.Mvc;
        using Microsoft.Extensions.DependencyInjection;
        using Microsoft.Extensions.Logging;

        namespace Specials;

        public interface IClock { DateTimeOffset Now { get; } }

        public sealed class FixedClock(int year) : IClock { public DateTimeOffset Now => new(year, 1, 1, 0, 0, 0, TimeSpan.Zero); }

        public abstract class Repository { public abstract string Load(string id); }

        public sealed class SqlRepository : Repository { public override string Load(string id) => "loaded " + id; }

        public sealed class Greeter { public string Greet(string name) => "Hello " + name; }

        [McpServer(Name = "specials", Version = "2.0.0", Title = "Specials", Instructions = "Use with \"care\".", Session = McpSessionMode.Store)]
        public sealed partial class SpecialsServer(IClock clock, ILogger<SpecialsServer>? logger = null) : IDisposable
        {
            public static int Disposed;

            public void Dispose() => Disposed++;

            [McpTool]
            public string Context(string id, CancellationToken cancellationToken, HttpContext http, ClaimsPrincipal user, IServiceProvider services, McpRequestContext request, IProgress<McpProgress> progress)
            {
                progress.Report(new McpProgress(1, 2, "half"));
                return $"{id}|{cancellationToken.CanBeCanceled}|{http is not null}|{user is not null}|{services is not null}|{request.ProtocolVersion}|{clock.Now.Year}|{logger is not null}";
            }

            [McpTool]
            public static string Services([FromServices] Greeter greeter, [FromKeyedServices("fast")] IClock fast, Repository repository, ILogger<SpecialsServer> log, IClock? optional, string name) =>
                greeter.Greet(name) + "|" + fast.Now.Year + "|" + repository.Load(name) + "|" + (optional is null ? "none" : "some");

            [McpTool]
            public void Progress(IProgress<McpProgress> progress) => progress.Report(new McpProgress(1));

            [McpTool]
            public async Task<string> WaitAsync(int milliseconds, CancellationToken cancellationToken)
            {
                await Task.Delay(milliseconds, cancellationToken);
                return "done";
            }
        }
        """;

    public const string Returns = Usings + """
        namespace Returns;

        public enum Mood { Happy, Sad }

        public sealed record Point(int X, int Y);

        [McpServer]
        public static partial class Holder { }

        [McpServer]
        public partial class ReturnServer
        {
            [McpTool] public static string Text() => "hello";
            [McpTool] public static string? NullText() => null;
            [McpTool] public static TextContent Block() => new("block");
            [McpTool] public static ContentBlock Image() => new ImageContent(new byte[] { 1, 2, 3 }, "image/png");
            [McpTool] public static IEnumerable<ContentBlock> Blocks() => new ContentBlock[] { "a", new TextContent("b") };
            [McpTool] public static ContentBlock[] BlockArray() => new ContentBlock[] { "a" };
            [McpTool] public static List<TextContent> BlockList() => new() { new("x") };
            [McpTool] public static CallToolResult Result() => CallToolResult.Error("nope");
            [McpTool] public static Point Structured() => new(1, 2);
            [McpTool] public static List<Point> StructuredList() => new() { new(1, 2) };
            [McpTool] public static int[] Numbers() => new[] { 1, 2, 3 };
            [McpTool] public static Dictionary<string, int> Map() => new() { ["a"] = 1 };
            [McpTool] public static int Integer() => 42;
            [McpTool] public static uint Unsigned() => 7;
            [McpTool] public static bool Flag() => true;
            [McpTool] public static double Ratio() => 0.25;
            [McpTool] public static decimal Money() => 1.50m;
            [McpTool] public static Guid Id() => new("3f2504e0-4f89-11d3-9a0c-0305e82c3301");
            [McpTool] public static DateOnly Day() => new(2024, 2, 29);
            [McpTool] public static TimeSpan Span() => TimeSpan.FromMinutes(90);
            [McpTool] public static Mood Feeling() => Mood.Sad;
            [McpTool] public static int? Maybe(bool some) => some ? 5 : null;
            [McpTool] public static void Nothing() { }
            [McpTool] public static Task NothingAsync() => Task.CompletedTask;
            [McpTool] public static ValueTask NothingValueTask() => default;
            [McpTool] public static async Task<string> TextAsync() { await Task.Yield(); return "later"; }
            [McpTool] public static ValueTask<CallToolResult> ResultAsync() => new(CallToolResult.FromText("vt"));
            [McpTool] public static Task<int> IntegerAsync() => Task.FromResult(7);
            [McpTool] public static async ValueTask<Point> StructuredAsync() { await Task.Yield(); return new(3, 4); }
            [McpTool] public static Task<IEnumerable<ContentBlock>> BlocksAsync() => Task.FromResult<IEnumerable<ContentBlock>>(new ContentBlock[] { "z" });
        }

        [McpServer]
        public partial class AsyncDisposableServer : IAsyncDisposable
        {
            public static int Disposed;

            public ValueTask DisposeAsync() { Disposed++; return default; }

            [McpTool] public string Hello() => "hi";
        }
        """;
    public const string Resources = Usings + """
        using System.Linq;

        namespace Resources;

        public interface IGreeter { string Greet(string name); }

        public sealed class Greeter : IGreeter { public string Greet(string name) => "Hello, " + name; }

        public enum Unit { Celsius, Fahrenheit }

        [McpServer(Name = "library")]
        public partial class LibraryServer(IGreeter greeter) : IDisposable
        {
            public static int Disposed;

            public void Dispose() => Disposed++;

            /// <summary>The application settings.</summary>
            [McpResource("config://app/settings", Title = "Settings", MimeType = "application/json", Subscribable = true)]
            public static string Settings() => "{\"theme\":\"dark\"}";

            [McpResource("config://app/logo"), Description("The logo.")]
            public static byte[] Logo() => new byte[] { 1, 2, 3 };

            [McpResource("config://app/memory", MimeType = "image/png")]
            public static ReadOnlyMemory<byte> Memory() => new byte[] { 4, 5 };

            [McpResource("config://app/pair")]
            public static IEnumerable<ResourceContents> Pair() => new ResourceContents[] { new TextResourceContents("config://app/pair#a", "a"), new TextResourceContents("config://app/pair#b", "b", "text/markdown") };

            [McpResource("config://app/one", Name = "one_entry")]
            public static Task<ResourceContents> One() => Task.FromResult<ResourceContents>(new TextResourceContents("config://app/one", "one"));

            /// <summary>A greeting for someone.</summary>
            [McpResource("greeting://{name}")]
            public string Greeting(string name) => greeter.Greet(name);

            [McpResource("weather://{city}/days/{days}", MimeType = "text/plain")]
            public static async Task<string> Forecast(string city, int days, CancellationToken cancellationToken = default)
            {
                await Task.Yield();
                return city + " for " + days + " days";
            }

            [McpResource("weather://{city}/unit/{unit}.txt")]
            public static ValueTask<string> InUnit(string city, Unit unit) => new(city + " in " + unit);

            [McpResource("file:///{+path}")]
            public static string File(string path, McpRequestContext request) => "file " + path;

            [McpResource("bad://{a}{b}")] public static string Adjacent(string a, string b) => a + b;

            [McpResource("bad://{a,b}")] public static string List(string a) => a;

            [McpResource("bad://{x}/void")] public static void Nothing(string x) { }

            [McpResource("bad://{x}/obj")] public static string Unbindable(string x, Action y) => x;

            /// <summary>Asks for a code review.</summary>
            /// <param name="code">The code to review.</param>
            /// <param name="language">The language, if known.</param>
            [McpPrompt(Title = "Code review")]
            public static string Review(string code, string? language, string style = "strict") => "Review this " + (language ?? "code") + " (" + style + "): " + code;

            [McpPrompt("greet")]
            public PromptMessage Greet([Description("Who to greet.")] string name) => PromptMessage.Assistant(greeter.Greet(name));

            [McpPrompt]
            public static async Task<IEnumerable<PromptMessage>> Conversation(string topic, CancellationToken cancellationToken)
            {
                await Task.Yield();
                return new[] { PromptMessage.User("Tell me about " + topic), PromptMessage.Assistant("Sure.") };
            }

            [McpPrompt]
            public static ValueTask<GetPromptResult> Full() => new(new GetPromptResult { Description = "full", Messages = { PromptMessage.User("hi") } });

            [McpPrompt] public static List<PromptMessage> Listed() => new() { PromptMessage.User("listed") };

            [McpPrompt] public static string Invalid(int count) => "";

            [McpCompletion(Prompt = "review", Argument = "language")]
            public static IEnumerable<string> Languages(string value) => new[] { "csharp", "python", "c" }.Where(l => l.StartsWith(value, StringComparison.Ordinal));

            [McpCompletion(ResourceTemplate = "weather://{city}/days/{days}", Argument = "city")]
            [McpCompletion(ResourceTemplate = "weather://{city}/unit/{unit}.txt", Argument = "city")]
            public static async Task<string[]> Cities(string value, McpCompletionContext context, CancellationToken cancellationToken)
            {
                await Task.Delay(1, cancellationToken);
                return new[] { "Oslo", "Osaka", "Paris" }.Where(c => c.StartsWith(value, StringComparison.OrdinalIgnoreCase)).Append(context.Arguments.TryGetValue("days", out string? days) ? "days=" + days : "none").ToArray();
            }

            [McpCompletion(Prompt = "greet", Argument = "name")]
            public List<string> Names(string value, IGreeter other) => new() { greeter.Greet(value), other.Greet("x") };

            [McpCompletion(Prompt = "missing", Argument = "x")] public static string[] Missing(string value) => new string[0];

            [McpCompletion(Prompt = "review", Argument = "nope")] public static string[] NoArgument(string value) => new string[0];
        }

        [McpServer]
        public partial class TemplateOnlyServer
        {
            [McpResource("items://{id}")]
            public static string Item(Guid id) => id.ToString();

            [McpResource("flags://{on}/{ratio}/{count}")]
            public static string Flags(bool on, double ratio, long count) => on + " " + ratio.ToString(System.Globalization.CultureInfo.InvariantCulture) + " " + count;
        }
        """;

    public const string Inheritance = Usings + """
        namespace Inheritance;

        public abstract class ToolsBase
        {
            [McpTool, Description("Static, from the root base.")] public static string RootStatic(string text) => "root:" + text;

            [McpTool, Description("Base greeting.")] public virtual string Greet(string name) => "base hello " + name;

            [McpTool, Description("Hidden by a derived method.")] public string Hidden() => "base hidden";

            [McpTool("protected_tool"), Description("Protected.")] protected string Guarded() => "guarded";

            [McpTool("private_tool"), Description("Private: not reachable, not exposed.")] private static string Secret() => "secret";

            [McpTool, Description("Abstract shape.")] public abstract string Shape();

            [McpResource("inherit://base/text"), Description("A resource from the base.")] public static string BaseText() => "base text";

            [McpPrompt("base_prompt"), Description("A prompt from the base.")] public string BasePrompt(string topic) => "About " + topic;

            [McpCompletion(Prompt = "base_prompt", Argument = "topic")] public static string[] Topics(string value) => new[] { "cats", "dogs" };
        }

        public abstract class MiddleBase : ToolsBase
        {
            [McpTool("middle_static"), Description("Internal static, from the middle.")] internal static string MiddleStatic() => "middle";

            // An override without attributes keeps the tool of the overridden method, and is what it calls.
            public override string Greet(string name) => "middle hello " + name;
        }

        [McpServer]
        public partial class DerivedServer : MiddleBase
        {
            [McpTool, Description("Own tool.")] public static string Own() => "own";

            [McpTool, Description("Derived shape.")] public override string Shape() => "circle";

            // Hides ToolsBase.Hidden (same signature) without [McpTool]: "hidden" is not a tool of this server.
            public new string Hidden() => "derived hidden";
        }

        [McpServer(Name = "other")]
        public partial class OtherServer : ToolsBase
        {
            public override string Shape() => "square";
        }
        """;

    public const string Metadata = Usings + """"
        namespace Metadata;

        public enum ContactMethod
        {
            [JsonStringEnumMemberName("phone")] Phone,
            [JsonStringEnumMemberName("email")] Email,
        }

        /// <summary>A postal address.</summary>
        [McpSchema("""{"$anchor": "addressDef", "description": "A postal address."}""")]
        public sealed class Address
        {
            public string Street { get; set; } = "";

            public string City { get; set; } = "";
        }

        /// <summary>A point, used twice by one tool: it goes to $defs.</summary>
        public sealed record Point(int X, int Y);

        /// <summary>A bag that keeps unknown members, so its schema stays open.</summary>
        public sealed class Bag
        {
            public string? Label { get; set; }

            [JsonExtensionData]
            public Dictionary<string, object>? Extra { get; set; }
        }

        public sealed record Range(
            [property: McpSchema("""{"minimum": 0}""")] int Low,
            [McpSchema("""{"maximum": 100}""")] int High);

        [McpServer(Name = "metadata")]
        [McpIcon("https://example.com/server.png", MimeType = "image/png", Sizes = new[] { "48x48", "96x96" })]
        [McpIcon("data:image/svg+xml;base64,PHN2Zy8+", Theme = McpIconTheme.Dark)]
        public partial class MetadataServer
        {
            [McpTool("json_schema_2020_12_tool"), Description("Tool with JSON Schema 2020-12 features.")]
            [McpSchema("""
                {
                  "$schema": "https://json-schema.org/draft/2020-12/schema",
                  "allOf": [{ "anyOf": [{ "required": ["phone"] }, { "required": ["email"] }] }],
                  "if": { "properties": { "contactMethod": { "const": "phone" } }, "required": ["contactMethod"] },
                  "then": { "required": ["phone"] },
                  "else": { "required": ["email"] }
                }
                """)]
            public static string Contact(string? name = null, Address? address = null, ContactMethod? contactMethod = null, string? phone = null, string? email = null)
                => (name ?? "-") + "|" + (address?.City ?? "-") + "|" + (contactMethod?.ToString() ?? "-") + "|" + (phone ?? email ?? "-");

            [McpTool, Description("Runs a query in a region.")]
            [McpIcon("https://example.com/query.svg", MimeType = "image/svg+xml", Sizes = new[] { "any" }, Theme = McpIconTheme.Light)]
            [McpMeta("com.example/team", "\"search\""), McpMeta("com.example/cost", """{"tier": 2}""")]
            public static string Query(
                [McpHeader("Region")] string region,
                [McpHeader("Priority")] int priority,
                [McpHeader("Verbose")] bool verbose,
                [McpHeader("Tenant")] string? tenant = null,
                [McpHeader("Contact")] ContactMethod? via = null,
                [McpSchema("""{"minLength": 1, "pattern": "^SELECT"}""")] string sql = "SELECT 1")
                => region + "|" + priority + "|" + verbose + "|" + (tenant ?? "-") + "|" + (via?.ToString() ?? "-") + "|" + sql;

            [McpTool, Description("Shared, open and annotated types.")]
            [McpSchema("""{"additionalProperties": true}""")]
            public static string Shapes(Point from, Point to, Point? via, Bag bag, Range range) => from.X + "," + to.Y + "|" + (bag.Label ?? "-") + "|" + range.Low;

            [McpTool(Task = McpTaskSupport.Required, Rerunnable = true), Description("A long job that may run again.")]
            public static async Task<string> Reindex(int shards, CancellationToken cancellationToken)
            {
                await Task.Delay(shards, cancellationToken);
                return "reindexed " + shards;
            }

            [McpTool(Task = McpTaskSupport.Optional), Description("A report, as a task when the client can poll.")]
            public static string Report([McpHeader("Region")] string region) => "report " + region;

            [McpTool(Task = McpTaskSupport.Forbidden), Description("Never a task.")]
            public static string Now() => "now";

            [McpResource("meta://readme", MimeType = "text/plain"), Description("A readme.")]
            [McpIcon("https://example.com/readme.png")]
            [McpMeta("com.example/audience", """["user"]""")]
            public static string Readme() => "read me";

            [McpResource("meta://items/{id}"), Description("An item.")]
            [McpMeta("com.example/kind", "\"item\"")]
            public static string Item(string id) => "item " + id;

            [McpPrompt, Description("Summarizes a text.")]
            [McpIcon("https://example.com/summarize.png", Theme = McpIconTheme.Light)]
            [McpMeta("com.example/version", "2")]
            public static string Summarize(string text) => "Summarize: " + text;
        }
        """";
    public const string Forms = Usings + """
        using System.ComponentModel.DataAnnotations;

        namespace Forms;

        public enum Status
        {
            [JsonStringEnumMemberName("active")] Active,
            [JsonStringEnumMemberName("inactive")] Inactive,
            [JsonStringEnumMemberName("pending")] Pending,
        }

        public enum Option { option1, option2, option3 }

        public enum Choice
        {
            [Description("First Option")] value1,
            [Description("Second Option")] value2,
            [Description("Third Option")] value3,
        }

        public enum Legacy
        {
            [Description("Option One")] opt1,
            [Description("Option Two")] opt2,
            [Description("Option Three")] opt3,
        }

        public enum Slot { Morning, [Description("Late afternoon")] Evening }

        /// <summary>SEP-1034: a default for every primitive type (constant property initializers).</summary>
        [McpElicitationForm]
        public partial class Sep1034Defaults
        {
            public string Name { get; set; } = "John Doe";

            public int Age { get; set; } = 30;

            public double Score { get; set; } = 95.5;

            public Status Status { get; set; } = Status.Active;

            public bool Verified { get; set; } = true;
        }

        /// <summary>SEP-1330: the five enum shapes.</summary>
        [McpElicitationForm]
        public partial record Sep1330Enums
        {
            public Option? UntitledSingle { get; init; }

            public Choice? TitledSingle { get; init; }

            [McpLegacyEnumNames] public Legacy? LegacyEnum { get; init; }

            public IReadOnlyList<Option>? UntitledMulti { get; init; }

            public Choice[]? TitledMulti { get; init; }
        }

        /// <summary>A positional record with constraints, a required member and a non-constant initializer.</summary>
        /// <param name="Email">Where to reach you.</param>
        [McpElicitationForm]
        public partial record Contact(
            [property: DisplayName("Your name")][MinLength(2)][MaxLength(20)] string Name,
            [EmailAddress] string Email,
            [Range(0, 150)] int? Age = null,
            Uri? Website = null)
        {
            [Description("When to call."), MaxLength(2)] public HashSet<Slot> Slots { get; init; } = new() { Slot.Morning };

            public DateOnly? Birthday { get; init; }

            [JsonPropertyName("newsletter")] public required bool Subscribe { get; init; }

            [DefaultValue(2.5), Range(0.5, 10.0)] public decimal Budget { get; init; }

            public string Computed => Name + "!";
        }

        public partial class Outer
        {
            [McpElicitationForm]
            public partial class Inner
            {
                public string Note { get; set; } = "";

                public long Count { get; set; }
            }
        }
        """;
}
