using McpGen.CodeFixes;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Testing;

namespace McpGen.Analyzers.Tests;

public sealed class MakePartialCodeFixTests
{
    [Fact]
    public Task Adds_partial_after_the_modifiers()
        => MakePartial.VerifyAsync(
            MakePartialCodeFixProvider.EquivalenceKey,
            ["""
            using McpGen;

            /// <summary>Weather.</summary>
            [McpServer]
            public sealed class {|MCPG0001:WeatherServer|}
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
        => MakePartial.VerifyAsync(
            MakePartialCodeFixProvider.EquivalenceKey,
            ["""
            namespace Demo
            {
                // the server
                [McpGen.McpServer]
                class {|MCPG0001:WeatherServer|} { }
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
    {
        var test = MakePartial.Create(
            MakePartialCodeFixProvider.EquivalenceKey,
            ["""
            using McpGen;

            [McpServer] public class {|MCPG0001:A|} { }
            [McpServer] internal class {|MCPG0001:B|} { }
            """],
            ["""
            using McpGen;

            [McpServer] public partial class A { }
            [McpServer] internal partial class B { }
            """]);
        test.NumberOfIncrementalIterations = 2;
        test.NumberOfFixAllIterations = 1;
        return test.RunAsync();
    }

    [Fact]
    public Task Fix_all_in_document_project_and_solution_each_reach_their_scope()
    {
        // Two documents in the test project and one server in a second project: Fix All in document needs one pass
        // per document, in project one pass per project, in solution a single pass.
        var test = MakePartial.Create(
            MakePartialCodeFixProvider.EquivalenceKey,
            [
                """
                [McpGen.McpServer] public class {|MCPG0001:A|} { }
                [McpGen.McpServer] public class {|MCPG0001:B|} { }
                """,
                """
                [McpGen.McpServer] public class {|MCPG0001:C|} { }
                """,
            ],
            [
                """
                [McpGen.McpServer] public partial class A { }
                [McpGen.McpServer] public partial class B { }
                """,
                """
                [McpGen.McpServer] public partial class C { }
                """,
            ]);
        test.AddProject(
            "Other",
            ["""
            [McpGen.McpServer] public class {|MCPG0001:D|} { }
            """],
            ["""
            [McpGen.McpServer] public partial class D { }
            """]);
        test.NumberOfIncrementalIterations = 4;
        test.NumberOfFixAllInDocumentIterations = 3;
        test.NumberOfFixAllInProjectIterations = 2;
        test.NumberOfFixAllIterations = 1;
        return test.RunAsync();
    }

    private static class MakePartial
    {
        public static Task VerifyAsync(string key, string[] sources, string[] fixedSources, string? expectedTitle = null)
            => McpCodeFixVerifier<ServerDeclarationAnalyzer, MakePartialCodeFixProvider>.VerifyAsync(key, sources, fixedSources, expectedTitle);

        public static McpCodeFixTest<ServerDeclarationAnalyzer, MakePartialCodeFixProvider> Create(string key, string[] sources, string[] fixedSources)
            => McpCodeFixVerifier<ServerDeclarationAnalyzer, MakePartialCodeFixProvider>.Create(key, sources, fixedSources);
    }
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
        => McpCodeFixVerifier<SessionRequirementAnalyzer, SessionModeCodeFixProvider>.VerifyAsync(
            key,
            ["""
            using McpGen;

            [McpServer]
            public partial class Server
            {
                [McpTool] public string Tool() => {|MCPG0013:Push.Sample()|};
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
        => McpCodeFixVerifier<SessionRequirementAnalyzer, SessionModeCodeFixProvider>.VerifyAsync(
            SessionModeCodeFixProvider.UseStoreKey,
            ["""
            using McpGen;

            [McpServer(Name = "weather", Stateless = true, Version = "2.0")]
            public partial class Server
            {
                [McpTool] public string Tool() => {|MCPG0013:Push.Sample()|};
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
            "Use Session = McpSessionMode.Store (any replica serves the session)");

    [Fact]
    public Task Qualifies_the_mode_when_McpGen_is_not_imported_and_edits_the_attribute_in_another_file()
        => McpCodeFixVerifier<SessionRequirementAnalyzer, SessionModeCodeFixProvider>.VerifyAsync(
            SessionModeCodeFixProvider.UseStoreKey,
            ["""
            [McpGen.McpServer(Stateless = true, Session = McpGen.McpSessionMode.Stateless)]
            public partial class Server { }
            """,
            """
            public partial class Server
            {
                [McpGen.McpTool] public string Tool() => {|MCPG0014:Push.Ask()|};
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
    {
        // One fix rewrites the attribute, which clears all three diagnostics: one incremental iteration, one Fix All pass.
        var test = McpCodeFixVerifier<SessionRequirementAnalyzer, SessionModeCodeFixProvider>.Create(
            SessionModeCodeFixProvider.UseStoreKey,
            ["""
            using McpGen;

            [McpServer]
            public partial class Server
            {
                [McpTool] public string One() => {|MCPG0013:Push.Sample()|};
                [McpTool] public string Two() => {|MCPG0013:Push.Sample()|} + {|MCPG0013:Push.Sample()|};
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
        test.NumberOfIncrementalIterations = 1;
        test.NumberOfFixAllIterations = 1;
        return test.RunAsync();
    }

    [Fact]
    public Task Fix_all_gives_every_stateless_server_of_each_document_and_project_a_session()
    {
        // MCPG0013 and MCPG0014 share the fixer's Use-Store key, so one Fix All covers both ids.
        var test = McpCodeFixVerifier<SessionRequirementAnalyzer, SessionModeCodeFixProvider>.Create(
            SessionModeCodeFixProvider.UseStoreKey,
            [
                """
                [McpGen.McpServer]
                public partial class A { [McpGen.McpTool] public string T() => {|MCPG0013:Push.Sample()|}; }
                """ + Api,
                """
                [McpGen.McpServer(Stateless = true)]
                public partial class B { [McpGen.McpTool] public string T() => {|MCPG0014:Push.Ask()|}; }
                """,
            ],
            [
                """
                [McpGen.McpServer(Session = McpGen.McpSessionMode.Store)]
                public partial class A { [McpGen.McpTool] public string T() => Push.Sample(); }
                """ + Api,
                """
                [McpGen.McpServer(Session = McpGen.McpSessionMode.Store)]
                public partial class B { [McpGen.McpTool] public string T() => Push.Ask(); }
                """,
            ]);
        test.AddProject(
            "Other",
            ["""
            [McpGen.McpServer]
            public partial class C { [McpGen.McpTool] public string T() => {|MCPG0013:Push.Sample()|}; }
            """ + Api],
            ["""
            [McpGen.McpServer(Session = McpGen.McpSessionMode.Store)]
            public partial class C { [McpGen.McpTool] public string T() => Push.Sample(); }
            """ + Api]);
        test.NumberOfIncrementalIterations = 3;
        test.NumberOfFixAllInDocumentIterations = 3;
        test.NumberOfFixAllInProjectIterations = 2;
        test.NumberOfFixAllIterations = 1;
        return test.RunAsync();
    }

    [Fact]
    public Task Conflict_fix_removes_Stateless_and_keeps_Session()
        => McpCodeFixVerifier<SessionSettingsAnalyzer, SessionModeCodeFixProvider>.VerifyAsync(
            SessionModeCodeFixProvider.RemoveStatelessKey,
            ["""
            using McpGen;

            [McpServer({|MCPG0003:Stateless = true|}, Session = McpSessionMode.Sticky)]
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
        => McpCodeFixVerifier<ToolNameAnalyzer, RenameDuplicateToolCodeFixProvider>.VerifyAsync(
            RenameDuplicateToolCodeFixProvider.EquivalenceKey,
            ["""
            using McpGen;

            [McpServer]
            public partial class Server
            {
                [McpTool("get_forecast")] public string Forecast() => "";
                [McpTool("get_forecast_2")] public string Other() => "";
                [McpTool(Title = "Forecast")] public string {|MCPG0009:GetForecast|}() => "";
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
            "Rename tool to 'get_forecast_3'");

    [Fact]
    public Task Replaces_an_explicit_duplicate_name()
        => McpCodeFixVerifier<ToolNameAnalyzer, RenameDuplicateToolCodeFixProvider>.VerifyAsync(
            RenameDuplicateToolCodeFixProvider.EquivalenceKey,
            ["""
            using McpGen;

            [McpServer]
            public partial class Server
            {
                [McpTool] public string Echo() => "";
                [McpTool({|MCPG0009:"echo"|})] public string Again() => "";
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
    {
        // MCPG0009 on a base-class tool comes from the analysis of the server (the derived type), so it is not local
        // to the base's declaration: an IDE that analyzes only the base's span does not see it, and the fix is offered
        // there only after full analysis. The library rejects such fixes by default; this test accepts it knowingly.
        var test = McpCodeFixVerifier<ToolNameAnalyzer, RenameDuplicateToolCodeFixProvider>.Create(
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
                [McpTool({|MCPG0009:"echo"|})] public string Again() => "";
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
        test.CodeFixTestBehaviors = CodeFixTestBehaviors.SkipLocalDiagnosticCheck;
        return test.RunAsync();
    }

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
        => McpCodeFixVerifier<HandlerParameterAnalyzer, AddFromServicesCodeFixProvider>.VerifyAsync(
            AddFromServicesCodeFixProvider.EquivalenceKey,
            ["""
            using System.IO;
            using McpGen;

            [McpServer]
            public partial class Server
            {
                [McpTool]
                public static string Upload(string name, {|MCPG0050:Stream|} archive) => name;
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
            "Add [FromServices] to 'archive'");

    [Fact]
    public Task Marks_a_framework_class_without_a_JSON_mapping_FromServices_when_the_attribute_is_in_scope()
        => McpCodeFixVerifier<ToolParameterTypeAnalyzer, AddFromServicesCodeFixProvider>.VerifyAsync(
            AddFromServicesCodeFixProvider.EquivalenceKey,
            ["""
            using System.Net.Http;
            using McpGen;
            using Microsoft.AspNetCore.Mvc;

            [McpServer]
            public partial class Server
            {
                [McpTool]
                public static string Fetch(string url, {|MCPG0011:HttpClient|} client) => url;
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

    [Fact]
    public Task Fix_all_marks_every_parameter_of_both_ids_in_each_document_and_project()
    {
        // MCPG0050 (HandlerParameterAnalyzer) and MCPG0011 share the fixer; this runs the first analyzer, with two
        // parameters in one document, one in another and one in a second project; the using is added once per document.
        var test = McpCodeFixVerifier<HandlerParameterAnalyzer, AddFromServicesCodeFixProvider>.Create(
            AddFromServicesCodeFixProvider.EquivalenceKey,
            [
                """
                using System.IO;
                using McpGen;

                [McpServer]
                public partial class A
                {
                    [McpTool] public static string Upload({|MCPG0050:Stream|} body, {|MCPG0050:TextReader|} reader) => "";
                }
                """,
                """
                using System.IO;

                public partial class A
                {
                    [McpGen.McpTool] public static string Read({|MCPG0050:TextReader|} input) => "";
                }
                """,
            ],
            [
                """
                using System.IO;
                using McpGen;
                using Microsoft.AspNetCore.Mvc;

                [McpServer]
                public partial class A
                {
                    [McpTool] public static string Upload([FromServices] Stream body, [FromServices] TextReader reader) => "";
                }
                """,
                """
                using System.IO;
                using Microsoft.AspNetCore.Mvc;

                public partial class A
                {
                    [McpGen.McpTool] public static string Read([FromServices] TextReader input) => "";
                }
                """,
            ]);
        test.AddProject(
            "Other",
            ["""
            using System.IO;

            [McpGen.McpServer]
            public partial class B
            {
                [McpGen.McpTool] public static string Upload({|MCPG0050:Stream|} body) => "";
            }
            """],
            ["""
            using System.IO;
            using Microsoft.AspNetCore.Mvc;

            [McpGen.McpServer]
            public partial class B
            {
                [McpGen.McpTool] public static string Upload([FromServices] Stream body) => "";
            }
            """]);
        test.NumberOfIncrementalIterations = 4;
        test.NumberOfFixAllInDocumentIterations = 3;
        test.NumberOfFixAllInProjectIterations = 2;
        test.NumberOfFixAllIterations = 1;
        return test.RunAsync();
    }
}
