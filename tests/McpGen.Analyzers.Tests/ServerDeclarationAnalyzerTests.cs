namespace McpGen.Analyzers.Tests;

public sealed class ServerDeclarationAnalyzerTests
{
    [Fact]
    public Task Non_partial_server_class_is_reported_at_its_name()
        => McpAnalyzerVerifier<ServerDeclarationAnalyzer>.VerifyAsync("""
            using McpGen;

            [McpServer]
            public class {|MCPG0001:WeatherServer|}
            {
                [McpTool] public static string Echo(string message) => message;
            }
            """);

    [Fact]
    public Task Only_the_declaration_missing_partial_is_reported_when_a_class_is_split()
        => McpAnalyzerVerifier<ServerDeclarationAnalyzer>.VerifyAsync(
            """
            using McpGen;

            [McpServer]
            public partial class Split { }

            public class {|CS0260:{|MCPG0001:Split|}|} { }
            """);

    [Fact]
    public Task Partial_server_class_is_clean()
        => McpAnalyzerVerifier<ServerDeclarationAnalyzer>.VerifyAsync("""
            using McpGen;

            [McpServer(Stateless = true)]
            public partial class WeatherServer
            {
                [McpTool] public static string Echo(string message) => message;
            }
            """);

    [Fact]
    public Task Classes_without_the_attribute_are_ignored()
        => McpAnalyzerVerifier<ServerDeclarationAnalyzer>.VerifyAsync("""
            public class Plain { }
            """);

    [Fact]
    public Task Generic_static_and_badly_nested_servers_are_reported_once_with_every_reason()
        => McpAnalyzerVerifier<ServerDeclarationAnalyzer>.VerifyAsync(
            """
            using McpGen;

            public class Outer
            {
                [McpServer]
                public partial class {|MCPG0002:Inner|} { }
            }

            public partial class GenericOuter<T>
            {
                [McpServer]
                public partial class {|MCPG0002:Inner|} { }
            }

            [McpServer]
            public partial class {|MCPG0002:Generic|}<T> { }

            [McpServer]
            public static partial class {|MCPG0002:Tools|} { }

            public static partial class Host
            {
                [McpServer]
                internal static partial class {|MCPG0002:Both|}<T> { }
            }
            """,
            "The [McpServer] class 'Inner' is nested in 'Outer', which is not partial; declare it as a non-generic, non-static partial class, at top level or nested only in non-generic partial types",
            "The [McpServer] class 'Inner' is nested in generic 'GenericOuter'; declare it as a non-generic, non-static partial class, at top level or nested only in non-generic partial types",
            "The [McpServer] class 'Generic' is generic; declare it as a non-generic, non-static partial class, at top level or nested only in non-generic partial types",
            "The [McpServer] class 'Tools' is static; declare it as a non-generic, non-static partial class, at top level or nested only in non-generic partial types",
            "The [McpServer] class 'Both' is generic and static; declare it as a non-generic, non-static partial class, at top level or nested only in non-generic partial types");

    [Fact]
    public Task A_server_nested_in_partial_non_generic_types_is_clean()
        => McpAnalyzerVerifier<ServerDeclarationAnalyzer>.VerifyAsync("""
            using McpGen;

            public partial class Outer
            {
                internal partial record Middle
                {
                    [McpServer]
                    public partial class Inner { }
                }
            }
            """);

    [Fact]
    public Task A_non_partial_server_nested_in_a_non_partial_type_gets_both_diagnostics()
        => McpAnalyzerVerifier<ServerDeclarationAnalyzer>.VerifyAsync("""
            using McpGen;

            public class Outer
            {
                [McpServer]
                public class {|MCPG0001:{|MCPG0002:Inner|}|} { }
            }
            """);
}
