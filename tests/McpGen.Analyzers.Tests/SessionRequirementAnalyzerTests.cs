namespace McpGen.Analyzers.Tests;

public sealed class SessionRequirementAnalyzerTests
{
    /// <summary>Marked "runtime" APIs declared in the test source, standing in for the push APIs of a later issue.</summary>
    private const string PushApis = """

        namespace Push
        {
            using System.Threading.Tasks;
            using McpGen;

            public sealed class Sampler
            {
                [RequiresMcpSession("sampling")]
                public Task<string> CreateMessageAsync(string prompt) => Task.FromResult(prompt);

                public Task PingLocalAsync() => Task.CompletedTask;

                [RequiresMcpSession("roots")]
                public string[] Roots => [];

                [RequiresMcpSession("the GET stream")]
                public Sampler() { }

                public Sampler(int unmarked) { }
            }

            [RequiresMcpSession("list-changed notifications")]
            public interface INotifier
            {
                void ToolsChanged();
            }

            public sealed class Notifier : INotifier
            {
                public void ToolsChanged() { }
            }

            [RequiresMcpSession("ping")]
            public static class Pinger
            {
                public static Task PingAsync() => Task.CompletedTask;
            }

            public static class Extensions
            {
                [RequiresMcpSession("form elicitation through a server-to-client request")]
                public static Task<string> ElicitAsync(this Sampler sampler, string message) => Task.FromResult(message);
            }

            public sealed class Input
            {
                [RequiresMcpClientInput("form elicitation")]
                public Task<string> AskAsync(string question) => Task.FromResult(question);
            }
        }
        """;

    private static Task VerifyAsync(string markup, params string[] messages)
        => McpAnalyzerVerifier<SessionRequirementAnalyzer>.VerifyAsync(markup + PushApis, messages);

    [Fact]
    public Task Marked_call_in_a_tool_of_a_default_server_is_an_error_with_the_fix_in_the_message()
        => VerifyAsync("""
            using System.Threading.Tasks;
            using McpGen;
            using Push;

            [McpServer]
            public partial class Server
            {
                [McpTool]
                public async Task<string> Summarize(Sampler sampler, string text)
                {
                    string summary = await {|MCPG0013:sampler.CreateMessageAsync(text)|};
                    await sampler.PingLocalAsync();
                    return summary;
                }
            }
            """,
            "Tool 'Summarize' needs an MCP session for sampling (through 'Sampler.CreateMessageAsync'), which stateless server 'Server' cannot provide; set Session = McpSessionMode.Store (any replica) or Session = McpSessionMode.Sticky (load-balancer affinity) on [McpServer]");

    [Theory]
    [InlineData("[McpServer(Stateless = true)]")]
    [InlineData("[McpServer(Session = McpSessionMode.Stateless)]")]
    [InlineData("[McpServer(Stateless = true, Session = McpSessionMode.Stateless)]")]
    [InlineData("[McpServer(Stateless = false, Session = McpSessionMode.Stateless)]")] // Session wins, as in the generator
    public Task Every_spelling_of_a_stateless_server_is_reported(string attribute)
        => VerifyAsync($$"""
            using System.Threading.Tasks;
            using McpGen;
            using Push;

            {{attribute}}
            public partial class Server
            {
                [McpTool] public Task<string> Ask(Sampler s) => {|MCPG0013:s.CreateMessageAsync("x")|};
            }
            """);

    [Fact]
    public Task Properties_constructors_static_members_of_marked_types_and_extension_methods_are_followed()
        => VerifyAsync("""
            using System.Threading.Tasks;
            using McpGen;
            using Push;

            [McpServer]
            public partial class Server
            {
                [McpTool]
                public async Task<int> Everything(Sampler sampler)
                {
                    var created = {|MCPG0013:new Sampler()|};
                    var plain = new Sampler(1);
                    string[] roots = {|MCPG0013:sampler.Roots|};
                    await {|MCPG0013:Pinger.PingAsync()|};
                    await {|MCPG0013:sampler.ElicitAsync("?")|};
                    return roots.Length;
                }
            }
            """,
            "Tool 'Everything' needs an MCP session for the GET stream (through 'Sampler'), which stateless server 'Server' cannot provide; set Session = McpSessionMode.Store (any replica) or Session = McpSessionMode.Sticky (load-balancer affinity) on [McpServer]",
            "Tool 'Everything' needs an MCP session for roots (through 'Sampler.Roots'), which stateless server 'Server' cannot provide; set Session = McpSessionMode.Store (any replica) or Session = McpSessionMode.Sticky (load-balancer affinity) on [McpServer]",
            "Tool 'Everything' needs an MCP session for ping (through 'Pinger.PingAsync'), which stateless server 'Server' cannot provide; set Session = McpSessionMode.Store (any replica) or Session = McpSessionMode.Sticky (load-balancer affinity) on [McpServer]",
            "Tool 'Everything' needs an MCP session for form elicitation through a server-to-client request (through 'Extensions.ElicitAsync'), which stateless server 'Server' cannot provide; set Session = McpSessionMode.Store (any replica) or Session = McpSessionMode.Sticky (load-balancer affinity) on [McpServer]");

    [Fact]
    public Task Members_of_marked_interfaces_are_followed_through_the_interface_and_the_implementation()
        => VerifyAsync("""
            using McpGen;
            using Push;

            [McpServer]
            public partial class Server
            {
                [McpTool]
                public void Changed(INotifier viaInterface, Notifier viaClass)
                {
                    {|MCPG0013:viaInterface.ToolsChanged()|};
                    {|MCPG0013:viaClass.ToolsChanged()|};
                }
            }
            """);

    [Fact]
    public Task Lambdas_local_functions_and_method_groups_in_the_tool_are_followed()
        => VerifyAsync("""
            using System;
            using System.Threading.Tasks;
            using McpGen;
            using Push;

            [McpServer]
            public partial class Server
            {
                [McpTool]
                public async Task<string> Nested(Sampler sampler)
                {
                    Func<Task<string>> lambda = () => {|MCPG0013:sampler.CreateMessageAsync("a")|};
                    Func<string, Task<string>> group = {|MCPG0013:sampler.CreateMessageAsync|};
                    return await lambda() + await group("b") + await Local();

                    Task<string> Local() => {|MCPG0013:sampler.CreateMessageAsync("c")|};
                }
            }
            """);

    [Fact]
    public Task A_marked_helper_moves_the_report_to_its_callers_and_an_unmarked_helper_is_not_followed()
        => VerifyAsync("""
            using System.Threading.Tasks;
            using McpGen;
            using Push;

            [McpServer]
            public partial class Server
            {
                [McpTool]
                public async Task<string> ViaHelpers(Sampler sampler)
                    => await {|MCPG0013:AskModelAsync(sampler)|} + await Unmarked(sampler);

                [RequiresMcpSession("sampling")]
                private static Task<string> AskModelAsync(Sampler sampler) => sampler.CreateMessageAsync("inside a marked helper");

                private static Task<string> Unmarked(Sampler sampler) => sampler.CreateMessageAsync("not a tool");
            }
            """,
            "Tool 'ViaHelpers' needs an MCP session for sampling (through 'Server.AskModelAsync'), which stateless server 'Server' cannot provide; set Session = McpSessionMode.Store (any replica) or Session = McpSessionMode.Sticky (load-balancer affinity) on [McpServer]");

    [Fact]
    public Task A_marked_tool_is_reported_once_at_its_name()
        => VerifyAsync("""
            using System.Threading.Tasks;
            using McpGen;
            using Push;

            [McpServer]
            public partial class Server
            {
                [McpTool, RequiresMcpSession("sampling")]
                public Task<string> {|MCPG0013:Ask|}(Sampler sampler) => sampler.CreateMessageAsync("x");
            }
            """,
            "Tool 'Ask' needs an MCP session for sampling (through 'Ask'), which stateless server 'Server' cannot provide; set Session = McpSessionMode.Store (any replica) or Session = McpSessionMode.Sticky (load-balancer affinity) on [McpServer]");

    [Theory]
    [InlineData("[McpServer(Session = McpSessionMode.Store)]")]
    [InlineData("[McpServer(Session = McpSessionMode.Sticky)]")]
    [InlineData("[McpServer(Stateless = false)]")]
    [InlineData("[McpServer(Stateless = false, Session = McpSessionMode.Store)]")]
    public Task Servers_with_a_session_are_never_reported(string attribute)
        => VerifyAsync($$"""
            using System.Threading.Tasks;
            using McpGen;
            using Push;

            {{attribute}}
            public partial class Server
            {
                [McpTool]
                public async Task<string> Ask(Sampler sampler, Input input)
                    => await sampler.CreateMessageAsync("x") + await input.AskAsync("y") + await Helper(sampler);

                [McpTool, RequiresMcpSession("sampling")]
                public Task<string> Marked(Sampler sampler) => sampler.CreateMessageAsync("x");

                [RequiresMcpSession("sampling")]
                private static Task<string> Helper(Sampler sampler) => sampler.CreateMessageAsync("z");
            }
            """);

    [Fact]
    public Task Non_tool_methods_and_classes_without_McpServer_are_not_reported()
        => VerifyAsync("""
            using System.Threading.Tasks;
            using McpGen;
            using Push;

            [McpServer]
            public partial class Server
            {
                public Task<string> NotATool(Sampler sampler) => sampler.CreateMessageAsync("x");
            }

            public class NotAServer
            {
                [McpTool] public Task<string> Tool(Sampler sampler) => sampler.CreateMessageAsync("x");
            }
            """);

    [Fact]
    public Task Client_input_on_a_stateless_server_is_a_warning_naming_the_fix()
        => VerifyAsync("""
            using System.Threading.Tasks;
            using McpGen;
            using Push;

            [McpServer]
            public partial class Server
            {
                [McpTool]
                public Task<string> Confirm(Input input) => {|MCPG0014:input.AskAsync("Sure?")|};
            }
            """,
            "Tool 'Confirm' asks the client for input (form elicitation, through 'Input.AskAsync'); on stateless server 'Server' only 2026-07-28 clients can complete it, initialize-era clients cannot; set Session = McpSessionMode.Store or Session = McpSessionMode.Sticky on [McpServer] to serve them too");

    [Fact]
    public Task Progress_and_request_context_are_fine_on_a_stateless_server()
        => VerifyAsync("""
            using System;
            using McpGen;

            [McpServer]
            public partial class Server
            {
                [McpTool]
                public string Work(McpRequestContext context, IProgress<McpProgress> progress)
                {
                    progress.Report(new McpProgress(1, 2));
                    context.ReportProgress(new McpProgress(2, 2));
                    return context.ProtocolVersion;
                }
            }
            """);
}
