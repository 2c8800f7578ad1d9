namespace McpGen.Analyzers.Tests;

public sealed class ServerDeclarationAnalyzerTests
{
    [Fact]
    public Task Non_partial_server_class_is_reported_at_its_name()
        => AnalyzerVerifier.VerifyAsync(new ServerDeclarationAnalyzer(), """
            using McpGen;

            [McpServer]
            public class {|MCPG0001:WeatherServer|}
            {
                [McpTool] public static string Echo(string message) => message;
            }
            """);

    [Fact]
    public Task Only_the_declaration_missing_partial_is_reported_when_a_class_is_split()
        => AnalyzerVerifier.VerifyAsync(new ServerDeclarationAnalyzer(), """
            using McpGen;

            [McpServer]
            public partial class Split { }

            public class {|MCPG0001:Split|} { }
            """);

    [Fact]
    public Task Partial_server_class_is_clean()
        => AnalyzerVerifier.VerifyAsync(new ServerDeclarationAnalyzer(), """
            using McpGen;

            [McpServer(Stateless = true)]
            public partial class WeatherServer
            {
                [McpTool] public static string Echo(string message) => message;
            }
            """);

    [Fact]
    public Task Classes_without_the_attribute_are_ignored()
        => AnalyzerVerifier.VerifyAsync(new ServerDeclarationAnalyzer(), """
            public class Plain { }
            """);
}
