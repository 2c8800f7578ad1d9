using McpGen.CodeFixes;
using Microsoft.CodeAnalysis.CodeFixes;

namespace McpGen.Analyzers.Tests;

public sealed class MakePartialCodeFixTests
{
    [Fact]
    public Task Adds_partial_after_the_modifiers()
        => CodeFixVerifier.VerifyAsync(
            new ServerDeclarationAnalyzer(),
            new MakePartialCodeFixProvider(),
            "MCPG0001",
            MakePartialCodeFixProvider.EquivalenceKey,
            ["""
            using McpGen;

            /// <summary>Weather.</summary>
            [McpServer]
            public sealed class WeatherServer
            {
            }
            """],
            ["""
            using McpGen;

            /// <summary>Weather.</summary>
            [McpServer]
            public sealed partial class WeatherServer
            {
            }
            """],
            expectedTitle: "Make 'WeatherServer' partial");

    [Fact]
    public Task Adds_partial_to_a_class_without_modifiers_keeping_its_trivia()
        => CodeFixVerifier.VerifyAsync(
            new ServerDeclarationAnalyzer(),
            new MakePartialCodeFixProvider(),
            "MCPG0001",
            MakePartialCodeFixProvider.EquivalenceKey,
            ["""
            namespace Demo
            {
                // the server
                [McpGen.McpServer]
                class WeatherServer { }
            }
            """],
            ["""
            namespace Demo
            {
                // the server
                [McpGen.McpServer]
                partial class WeatherServer { }
            }
            """]);

    [Fact]
    public Task Fix_all_makes_every_server_partial()
        => CodeFixVerifier.VerifyFixAllAsync(
            new ServerDeclarationAnalyzer(),
            new MakePartialCodeFixProvider(),
            "MCPG0001",
            MakePartialCodeFixProvider.EquivalenceKey,
            ["""
            using McpGen;

            [McpServer] public class A { }
            [McpServer] internal class B { }
            """],
            ["""
            using McpGen;

            [McpServer] public partial class A { }
            [McpServer] internal partial class B { }
            """]);
}

public sealed class SessionModeCodeFixTests
{
    private const string Api = """

        public static class Push
        {
            [McpGen.RequiresMcpSession("sampling")]
            public static string Sample() => "";

            [McpGen.RequiresMcpClientInput("form elicitation")]
            public static string Ask() => "";
        }
        """;

    [Theory]
    [InlineData(SessionModeCodeFixProvider.UseStoreKey, "Store")]
    [InlineData(SessionModeCodeFixProvider.UseStickyKey, "Sticky")]
    public Task Adds_Session_to_a_bare_attribute(string key, string mode)
        => CodeFixVerifier.VerifyAsync(
            new SessionRequirementAnalyzer(),
            new SessionModeCodeFixProvider(),
            "MCPG0013",
            key,
            ["""
            using McpGen;

            [McpServer]
            public partial class Server
            {
                [McpTool] public string Tool() => Push.Sample();
            }
            """ + Api],
            [$$"""
            using McpGen;

            [McpServer(Session = McpSessionMode.{{mode}})]
            public partial class Server
            {
                [McpTool] public string Tool() => Push.Sample();
            }
            """ + Api]);

    [Fact]
    public Task Replaces_Stateless_true_in_place_and_keeps_other_arguments()
        => CodeFixVerifier.VerifyAsync(
            new SessionRequirementAnalyzer(),
            new SessionModeCodeFixProvider(),
            "MCPG0013",
            SessionModeCodeFixProvider.UseStoreKey,
            ["""
            using McpGen;

            [McpServer(Name = "weather", Stateless = true, Version = "2.0")]
            public partial class Server
            {
                [McpTool] public string Tool() => Push.Sample();
            }
            """ + Api],
            ["""
            using McpGen;

            [McpServer(Name = "weather", Session = McpSessionMode.Store, Version = "2.0")]
            public partial class Server
            {
                [McpTool] public string Tool() => Push.Sample();
            }
            """ + Api],
            expectedTitle: "Use Session = McpSessionMode.Store (any replica serves the session)");

    [Fact]
    public Task Qualifies_the_mode_when_McpGen_is_not_imported_and_edits_the_attribute_in_another_file()
        => CodeFixVerifier.VerifyAsync(
            new SessionRequirementAnalyzer(),
            new SessionModeCodeFixProvider(),
            "MCPG0014",
            SessionModeCodeFixProvider.UseStoreKey,
            ["""
            [McpGen.McpServer(Stateless = true, Session = McpGen.McpSessionMode.Stateless)]
            public partial class Server { }
            """,
            """
            public partial class Server
            {
                [McpGen.McpTool] public string Tool() => Push.Ask();
            }
            """ + Api],
            ["""
            [McpGen.McpServer(Session = McpGen.McpSessionMode.Store)]
            public partial class Server { }
            """,
            """
            public partial class Server
            {
                [McpGen.McpTool] public string Tool() => Push.Ask();
            }
            """ + Api]);

    [Fact]
    public Task Fix_all_rewrites_the_attribute_once_for_several_calls()
        => CodeFixVerifier.VerifyFixAllAsync(
            new SessionRequirementAnalyzer(),
            new SessionModeCodeFixProvider(),
            "MCPG0013",
            SessionModeCodeFixProvider.UseStoreKey,
            ["""
            using McpGen;

            [McpServer]
            public partial class Server
            {
                [McpTool] public string One() => Push.Sample();
                [McpTool] public string Two() => Push.Sample() + Push.Sample();
            }
            """ + Api],
            ["""
            using McpGen;

            [McpServer(Session = McpSessionMode.Store)]
            public partial class Server
            {
                [McpTool] public string One() => Push.Sample();
                [McpTool] public string Two() => Push.Sample() + Push.Sample();
            }
            """ + Api]);

    [Fact]
    public Task Conflict_fix_removes_Stateless_and_keeps_Session()
        => CodeFixVerifier.VerifyAsync(
            new SessionSettingsAnalyzer(),
            new SessionModeCodeFixProvider(),
            "MCPG0003",
            SessionModeCodeFixProvider.RemoveStatelessKey,
            ["""
            using McpGen;

            [McpServer(Stateless = true, Session = McpSessionMode.Sticky)]
            public partial class Server { }
            """],
            ["""
            using McpGen;

            [McpServer(Session = McpSessionMode.Sticky)]
            public partial class Server { }
            """]);
}

public sealed class RenameDuplicateToolCodeFixTests
{
    [Fact]
    public Task Adds_a_name_to_a_default_named_duplicate()
        => CodeFixVerifier.VerifyAsync(
            new ToolNameAnalyzer(),
            new RenameDuplicateToolCodeFixProvider(),
            "MCPG0009",
            RenameDuplicateToolCodeFixProvider.EquivalenceKey,
            ["""
            using McpGen;

            [McpServer]
            public partial class Server
            {
                [McpTool("get_forecast")] public string Forecast() => "";
                [McpTool("get_forecast_2")] public string Other() => "";
                [McpTool(Title = "Forecast")] public string GetForecast() => "";
            }
            """],
            ["""
            using McpGen;

            [McpServer]
            public partial class Server
            {
                [McpTool("get_forecast")] public string Forecast() => "";
                [McpTool("get_forecast_2")] public string Other() => "";
                [McpTool("get_forecast_3", Title = "Forecast")] public string GetForecast() => "";
            }
            """],
            expectedTitle: "Rename tool to 'get_forecast_3'");

    [Fact]
    public Task Replaces_an_explicit_duplicate_name()
        => CodeFixVerifier.VerifyAsync(
            new ToolNameAnalyzer(),
            new RenameDuplicateToolCodeFixProvider(),
            "MCPG0009",
            RenameDuplicateToolCodeFixProvider.EquivalenceKey,
            ["""
            using McpGen;

            [McpServer]
            public partial class Server
            {
                [McpTool] public string Echo() => "";
                [McpTool("echo")] public string Again() => "";
                [McpTool] public string Plain() => "";
            }
            """],
            ["""
            using McpGen;

            [McpServer]
            public partial class Server
            {
                [McpTool] public string Echo() => "";
                [McpTool("echo_2")] public string Again() => "";
                [McpTool] public string Plain() => "";
            }
            """]);

    [Fact]
    public Task Renames_a_duplicate_in_a_base_class_avoiding_the_names_of_the_server()
        => CodeFixVerifier.VerifyAsync(
            new ToolNameAnalyzer(),
            new RenameDuplicateToolCodeFixProvider(),
            "MCPG0009",
            RenameDuplicateToolCodeFixProvider.EquivalenceKey,
            ["""
            using McpGen;

            [McpServer]
            public partial class Server : ToolsBase
            {
                [McpTool] public string Echo() => "";
                [McpTool("echo_2")] public string Other() => "";
            }

            public abstract class ToolsBase
            {
                [McpTool("echo")] public string Again() => "";
            }
            """],
            ["""
            using McpGen;

            [McpServer]
            public partial class Server : ToolsBase
            {
                [McpTool] public string Echo() => "";
                [McpTool("echo_2")] public string Other() => "";
            }

            public abstract class ToolsBase
            {
                [McpTool("echo_3")] public string Again() => "";
            }
            """]);

    [Fact]
    public void Has_no_fix_all()
        => Assert.Null(new RenameDuplicateToolCodeFixProvider().GetFixAllProvider());

    [Fact]
    public void Fixers_offer_the_ids_of_their_family()
    {
        Assert.Equal(["MCPG0001"], new MakePartialCodeFixProvider().FixableDiagnosticIds.ToArray());
        Assert.Equal(["MCPG0013", "MCPG0014", "MCPG0018", "MCPG0003"], new SessionModeCodeFixProvider().FixableDiagnosticIds.ToArray());
        Assert.Equal(["MCPG0009"], new RenameDuplicateToolCodeFixProvider().FixableDiagnosticIds.ToArray());
        Assert.Same(WellKnownFixAllProviders.BatchFixer, new SessionModeCodeFixProvider().GetFixAllProvider());
    }
}

public sealed class AddFromServicesCodeFixTests
{
    [Fact]
    public Task Marks_an_excluded_parameter_FromServices_and_adds_the_using()
        => CodeFixVerifier.VerifyAsync(
            new HandlerParameterAnalyzer(),
            new AddFromServicesCodeFixProvider(),
            "MCPG0050",
            AddFromServicesCodeFixProvider.EquivalenceKey,
            ["""
            using System.IO;
            using McpGen;

            [McpServer]
            public partial class Server
            {
                [McpTool]
                public static string Upload(string name, Stream archive) => name;
            }
            """],
            ["""
            using System.IO;
            using McpGen;
            using Microsoft.AspNetCore.Mvc;

            [McpServer]
            public partial class Server
            {
                [McpTool]
                public static string Upload(string name, [FromServices] Stream archive) => name;
            }
            """],
            expectedTitle: "Add [FromServices] to 'archive'");

    [Fact]
    public Task Marks_a_framework_class_without_a_JSON_mapping_FromServices_when_the_attribute_is_in_scope()
        => CodeFixVerifier.VerifyAsync(
            new ToolParameterTypeAnalyzer(),
            new AddFromServicesCodeFixProvider(),
            "MCPG0011",
            AddFromServicesCodeFixProvider.EquivalenceKey,
            ["""
            using System.Net.Http;
            using McpGen;
            using Microsoft.AspNetCore.Mvc;

            [McpServer]
            public partial class Server
            {
                [McpTool]
                public static string Fetch(string url, HttpClient client) => url;
            }
            """],
            ["""
            using System.Net.Http;
            using McpGen;
            using Microsoft.AspNetCore.Mvc;

            [McpServer]
            public partial class Server
            {
                [McpTool]
                public static string Fetch(string url, [FromServices] HttpClient client) => url;
            }
            """]);
}
