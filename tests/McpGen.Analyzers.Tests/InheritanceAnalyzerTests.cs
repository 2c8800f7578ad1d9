namespace McpGen.Analyzers.Tests;

/// <summary>MCP methods inherited from base classes: analyzed where they are declared, once per declaration.</summary>
public sealed class InheritanceAnalyzerTests
{
    [Fact]
    public Task Duplicate_tool_name_across_base_and_derived_is_reported_at_the_later_declaration()
        => McpAnalyzerVerifier<ToolNameAnalyzer>.VerifyAsync(
            """
            using McpGen;

            [McpServer]
            public partial class Server : ToolsBase
            {
                [McpTool("echo")] public static string Echo(string text) => text;
            }

            public abstract class ToolsBase
            {
                [McpTool({|MCPG0009:"echo"|})] public static string Repeat(string text) => text;
                [McpTool("unique")] public static string Unique() => "";
            }
            """,
            "Server 'Server' already has a tool named 'echo' (method 'Echo'); give this tool another name with [McpTool(\"...\")]");

    [Fact]
    public Task Push_rule_follows_an_inherited_tool_into_each_stateless_server_once()
        => McpAnalyzerVerifier<SessionRequirementAnalyzer>.VerifyAsync(
            """
            using System.Threading.Tasks;
            using McpGen;

            public sealed class Sampler
            {
                [RequiresMcpSession("sampling")]
                public Task<string> CreateMessageAsync(string prompt) => Task.FromResult(prompt);
            }

            public abstract class AskBase
            {
                [McpTool] public Task<string> Ask(Sampler s) => {|MCPG0013:{|MCPG0013:s.CreateMessageAsync("x")|}|};
            }

            [McpServer(Session = McpSessionMode.Stateless)] public partial class A : AskBase { }
            [McpServer(Session = McpSessionMode.Stateless)] public partial class B : AskBase { }
            [McpServer(Session = McpSessionMode.Sticky)] public partial class C : AskBase { }
            [McpServer(Session = McpSessionMode.Stateless)] public partial class D : AskBase
            {
                public new Task<string> Ask(Sampler s) => Task.FromResult("hidden: not a tool of D");
            }
            """,
            "Tool 'Ask' needs an MCP session for sampling (through 'Sampler.CreateMessageAsync'), which stateless server 'A' cannot provide; set Session = McpSessionMode.Store (any replica) or Session = McpSessionMode.Sticky (load-balancer affinity) on [McpServer]",
            "Tool 'Ask' needs an MCP session for sampling (through 'Sampler.CreateMessageAsync'), which stateless server 'B' cannot provide; set Session = McpSessionMode.Store (any replica) or Session = McpSessionMode.Sticky (load-balancer affinity) on [McpServer]");

    [Fact]
    public Task Subscribable_inherited_resource_is_reported_for_the_stateless_server_only()
        => McpAnalyzerVerifier<ResourceAnalyzer>.VerifyAsync(
            """
            using McpGen;

            public abstract class ResourcesBase
            {
                [McpResource("a://watched", {|MCPG0018:Subscribable = true|})] public static string Watched() => "";
            }

            [McpServer(Session = McpSessionMode.Stateless)] public partial class Stateless : ResourcesBase { }
            [McpServer(Session = McpSessionMode.Sticky)] public partial class Sticky : ResourcesBase { }
            """);

    [Fact]
    public Task A_base_shared_by_two_servers_is_reported_once_per_declaration()
        => McpAnalyzerVerifier<ResourceAnalyzer>.VerifyAsync(
            """
            using McpGen;

            public abstract class ResourcesBase
            {
                [McpResource({|MCPG0015:"a://{x}{y}"|})] public static string Adjacent(string x, string y) => x + y;
            }

            [McpServer] public partial class One : ResourcesBase { }
            [McpServer] public partial class Two : ResourcesBase { }
            """);

    [Fact]
    public Task Prompt_and_completion_problems_in_a_shared_base_are_reported_once()
        => McpAnalyzerVerifier<CompletionAnalyzer>.VerifyAsync(
            """
            using McpGen;

            public abstract class PromptsBase
            {
                [McpPrompt("review")] public static string Review(string code) => code;
                [McpCompletion(Prompt = "review", {|MCPG0017:Argument = "missing"|})] public static string[] Missing(string value) => new string[0];
            }

            [McpServer] public partial class One : PromptsBase { }
            [McpServer] public partial class Two : PromptsBase { }
            """);

    [Fact]
    public Task Tool_in_a_base_of_a_server_is_not_outside_a_server_unless_private_or_unused()
        => McpAnalyzerVerifier<ToolMethodAnalyzer>.VerifyAsync(
            """
            using McpGen;

            public abstract class ToolsBase
            {
                [McpTool] public static string Served() => "";
                [McpTool] private static string {|MCPG0004:Secret|}() => "";
                [McpTool] public string {|MCPG0005:Generic|}<T>() => "";
            }

            public class Unused
            {
                [McpTool] public static string {|MCPG0004:Nowhere|}() => "";
            }

            [McpServer] public partial class One : ToolsBase { }
            [McpServer] public partial class Two : ToolsBase { }
            """);

    [Fact]
    public Task Missing_description_of_an_inherited_tool_is_reported_once_at_the_base()
        => McpAnalyzerVerifier<ToolDescriptionAnalyzer>.VerifyAsync(
            """
            using McpGen;

            public abstract class ToolsBase
            {
                [McpTool] public static string {|MCPG0010:Undocumented|}() => "";
            }

            [McpServer] public partial class One : ToolsBase { }
            [McpServer] public partial class Two : ToolsBase { }
            """);
}
