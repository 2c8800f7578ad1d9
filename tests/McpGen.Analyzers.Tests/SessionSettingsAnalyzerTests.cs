namespace McpGen.Analyzers.Tests;

public sealed class SessionSettingsAnalyzerTests
{
    [Fact]
    public Task Stateless_true_with_a_session_mode_is_reported_at_the_Stateless_argument()
        => McpAnalyzerVerifier<SessionSettingsAnalyzer>.VerifyAsync(
            """
            using McpGen;

            [McpServer({|MCPG0003:Stateless = true|}, Session = McpSessionMode.Store)]
            public partial class A { }

            [McpServer(Session = McpSessionMode.Sticky, {|MCPG0003:Stateless = true|})]
            public partial class B { }

            [McpServer({|MCPG0003:Stateless = false|}, Session = McpSessionMode.Stateless)]
            public partial class C { }
            """,
            "[McpServer] on 'A' sets Stateless = true and Session = McpSessionMode.Store, which disagree; keep only Session = McpSessionMode.Store, or remove it",
            "[McpServer] on 'B' sets Stateless = true and Session = McpSessionMode.Sticky, which disagree; keep only Session = McpSessionMode.Sticky, or remove it",
            "[McpServer] on 'C' sets Stateless = false and Session = McpSessionMode.Stateless, which disagree; keep only Session = McpSessionMode.Stateless, or remove it");

    [Fact]
    public Task Agreeing_or_single_settings_are_clean()
        => McpAnalyzerVerifier<SessionSettingsAnalyzer>.VerifyAsync("""
            using McpGen;

            [McpServer] public partial class A { }
            [McpServer(Stateless = true)] public partial class B { }
            [McpServer(Stateless = false)] public partial class C { }
            [McpServer(Session = McpSessionMode.Store)] public partial class D { }
            [McpServer(Stateless = true, Session = McpSessionMode.Stateless)] public partial class E { }
            [McpServer(Stateless = false, Session = McpSessionMode.Store)] public partial class F { }
            [McpServer(Stateless = false, Session = McpSessionMode.Sticky)] public partial class G { }
            [McpServer(Session = McpSessionMode.Store, LegacySse = true)] public partial class H { }
            [McpServer(Stateless = false, LegacySse = true)] public partial class I { }
            [McpServer(LegacySse = false)] public partial class J { }
            """);

    [Fact]
    public Task LegacySse_on_a_stateless_server_is_reported_at_the_LegacySse_argument()
        => McpAnalyzerVerifier<SessionSettingsAnalyzer>.VerifyAsync(
            """
            using McpGen;

            [McpServer({|MCPG0040:LegacySse = true|})]
            public partial class A { }

            [McpServer(Session = McpSessionMode.Stateless, {|MCPG0040:LegacySse = true|})]
            public partial class B { }
            """,
            "[McpServer] on 'A' sets LegacySse = true on a stateless server; the HTTP+SSE transport keeps a stream per client and needs Session = McpSessionMode.Sticky or McpSessionMode.Store",
            "[McpServer] on 'B' sets LegacySse = true on a stateless server; the HTTP+SSE transport keeps a stream per client and needs Session = McpSessionMode.Sticky or McpSessionMode.Store");
}

public sealed class ToolMethodAnalyzerTests
{
    [Fact]
    public Task Tool_outside_a_server_is_a_warning()
        => McpAnalyzerVerifier<ToolMethodAnalyzer>.VerifyAsync(
            """
            using McpGen;

            public class Helpers
            {
                [McpTool] public static string {|MCPG0004:Echo|}(string text) => text;
            }

            [McpServer]
            public partial class Server
            {
                [McpTool] public static string Echo(string text) => text;
            }
            """,
            "'Echo' is marked [McpTool] but 'Helpers' has no [McpServer] attribute, so it is not exposed; add [McpServer] to 'Helpers' or move the method into a server class");

    [Fact]
    public Task Generic_async_void_and_by_ref_tools_are_errors()
        => McpAnalyzerVerifier<ToolMethodAnalyzer>.VerifyAsync(
            """
            using System.Threading.Tasks;
            using McpGen;

            [McpServer]
            public partial class Server
            {
                [McpTool] public T {|MCPG0005:Identity|}<T>(T value) => value;

                [McpTool] public async {|MCPG0006:void|} Fire() => await Task.Yield();

                [McpTool]
                public unsafe void Refs(ref int {|MCPG0007:a|}, out int {|MCPG0007:b|}, in int {|MCPG0007:c|}, ref readonly int {|MCPG0007:d|}, int* {|MCPG0007:e|}, int fine)
                    => b = a + c + d + *e + fine;
            }
            """,
            "Tool method 'Identity' is generic; a tool needs concrete parameter types for its JSON Schema, so remove the type parameters",
            "Tool method 'Fire' is async void, so its result and exceptions cannot be observed; return Task or Task<T>",
            "Parameter 'a' of tool 'Refs' is passed by ref; tool arguments are passed by value from JSON, so take a plain value parameter",
            "Parameter 'b' of tool 'Refs' is an out parameter; tool arguments are passed by value from JSON, so take a plain value parameter",
            "Parameter 'c' of tool 'Refs' is passed by in; tool arguments are passed by value from JSON, so take a plain value parameter",
            "Parameter 'd' of tool 'Refs' is passed by ref readonly; tool arguments are passed by value from JSON, so take a plain value parameter",
            "Parameter 'e' of tool 'Refs' is a pointer; tool arguments are passed by value from JSON, so take a plain value parameter");

    [Fact]
    public Task Well_formed_tools_are_clean()
        => McpAnalyzerVerifier<ToolMethodAnalyzer>.VerifyAsync("""
            using System.Threading;
            using System.Threading.Tasks;
            using McpGen;

            [McpServer]
            public partial class Server
            {
                [McpTool] public static string Echo(string text) => text;
                [McpTool] public async Task Run(CancellationToken cancellationToken) => await Task.Delay(1, cancellationToken);
                [McpTool] public async ValueTask<int> Count(int[] values) { await Task.Yield(); return values.Length; }
                public async void NotATool() => await Task.Yield();
                public T NotAToolEither<T>(ref T value) => value;
            }
            """);
}

public sealed class ToolNameAnalyzerTests
{
    [Fact]
    public Task Invalid_names_are_reported_at_the_name_argument_or_the_method()
        => McpAnalyzerVerifier<ToolNameAnalyzer>.VerifyAsync(
            """
            using McpGen;

            [McpServer]
            public partial class Server
            {
                [McpTool({|MCPG0008:"get weather"|})] public string A() => "";
                [McpTool({|MCPG0008:""|})] public string B() => "";
                [McpTool({|MCPG0008:"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"|})] public string C() => "";
                [McpTool] public string {|MCPG0008:Größe|}() => "";
                [McpTool("ok.name-1_x")] public string D() => "";
                [McpTool("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")] public string E() => "";
            }
            """,
            "Tool name 'get weather' is not valid; use 1 to 128 characters of A-Z, a-z, 0-9, '_', '-' and '.'",
            "Tool name '' is not valid; use 1 to 128 characters of A-Z, a-z, 0-9, '_', '-' and '.'",
            "Tool name 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' is not valid; use 1 to 128 characters of A-Z, a-z, 0-9, '_', '-' and '.'",
            "Tool name 'größe' is not valid; use 1 to 128 characters of A-Z, a-z, 0-9, '_', '-' and '.'");

    [Fact]
    public Task Duplicates_after_the_first_are_reported_with_default_names_in_snake_case()
        => McpAnalyzerVerifier<ToolNameAnalyzer>.VerifyAsync(
            """
            using McpGen;

            [McpServer]
            public partial class Server
            {
                [McpTool] public string GetForecast() => "";
                [McpTool({|MCPG0009:"get_forecast"|})] public string Forecast() => "";
                [McpTool] public string HTTPStatus() => "";
                [McpTool] public string {|MCPG0009:http_status|}() => "";
                [McpTool(Title = "t")] public string {|MCPG0009:get_forecast|}(int day) => "";
                [McpTool("Get_Forecast")] public string CaseDiffers() => "";
            }
            """,
            "Server 'Server' already has a tool named 'get_forecast' (method 'GetForecast'); give this tool another name with [McpTool(\"...\")]",
            "Server 'Server' already has a tool named 'http_status' (method 'HTTPStatus'); give this tool another name with [McpTool(\"...\")]",
            "Server 'Server' already has a tool named 'get_forecast' (method 'GetForecast'); give this tool another name with [McpTool(\"...\")]");

    [Fact]
    public Task Duplicates_across_partial_files_keep_the_first_file_in_path_order_and_other_servers_do_not_count()
        => McpAnalyzerVerifier<ToolNameAnalyzer>.VerifyAsync(
            [
                """
                using McpGen;

                [McpServer]
                public partial class Server
                {
                    [McpTool] public string Echo() => "";
                }

                [McpServer]
                public partial class Other
                {
                    [McpTool] public string Echo() => "";
                }
                """,
                """
                using McpGen;

                public partial class Server
                {
                    [McpTool({|MCPG0009:"echo"|})] public string EchoAgain() => "";
                }
                """,
            ],
            []);
}

public sealed class ToolDescriptionAnalyzerTests
{
    [Fact]
    public Task Tool_without_summary_or_Description_gets_an_info()
        => McpAnalyzerVerifier<ToolDescriptionAnalyzer>.VerifyAsync(
            """
            using System.ComponentModel;
            using McpGen;

            [McpServer]
            public partial class Server
            {
                /// <summary>Echoes the text.</summary>
                [McpTool] public string Echo(string text) => text;

                [McpTool, Description("Reverses the text.")] public string Reverse(string text) => text;

                // <summary>not a doc comment</summary>
                [McpTool] public string {|MCPG0010:Plain|}(string text) => text;

                /// <remarks>No summary.</remarks>
                [McpTool] public string {|MCPG0010:RemarksOnly|}(string text) => text;

                [McpTool, Description("")] public string {|MCPG0010:EmptyDescription|}(string text) => text;

                public string NotATool() => "";
            }

            public class NotAServer
            {
                [McpTool] public string Tool() => "";
            }
            """,
            "Tool 'Plain' has no description; add an XML <summary> or a [Description] attribute so the model knows when to call it",
            "Tool 'RemarksOnly' has no description; add an XML <summary> or a [Description] attribute so the model knows when to call it",
            "Tool 'EmptyDescription' has no description; add an XML <summary> or a [Description] attribute so the model knows when to call it");
}
