using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis.Diagnostics;

namespace McpGen.Analyzers.Tests;

/// <summary>MCPG0050 (not a service by convention), MCPG0051 (special parameter on the wrong kind) and MCPG0052 (client input from a completion).</summary>
public sealed partial class HandlerParameterAnalyzerTests
{
    private const string NotServices = """
        using System;
        using System.Collections.Generic;
        using System.IO;
        using McpGen;
        using Microsoft.AspNetCore.Mvc;

        public interface IForecasts { }
        public abstract class Store { }

        [McpServer]
        public partial class Server
        {
            [McpTool]
            public static string Upload({|MCPG0050:Stream|} body, {|MCPG0050:IProgress<int>|} steps, IForecasts forecasts, Store store, TimeProvider clock,
                [FromServices] Stream registered, IProgress<McpProgress> progress, int count) => "";

            [McpResource("docs://{name}")]
            public static string Doc(string name, {|MCPG0050:TextReader|} reader) => name;

            [McpPrompt]
            public static string Review(string topic, {|MCPG0050:IDisposable|} scope, IForecasts forecasts) => topic;

            [McpCompletion(Prompt = "review", Argument = "topic")]
            public static IEnumerable<string> Topics(string value, {|MCPG0050:IAsyncEnumerable<string>|} more, Store store) => [];
        }
        """;

    private const string Specials = """
        using System;
        using System.Collections.Generic;
        using System.Threading;
        using McpGen;
        using Microsoft.AspNetCore.Http;

        public interface IForecasts { }

        [McpServer]
        public partial class Server({|MCPG0051:HttpContext|} http, IServiceProvider services, IForecasts forecasts)
        {
            [McpTool]
            public string Forecast(string city, {|MCPG0051:McpCompletionContext|} completion, IProgress<McpProgress> progress, CancellationToken ct) => city;

            [McpPrompt]
            public static string Review(string topic, McpRequestContext context, IProgress<McpProgress> progress) => topic;

            [McpCompletion(Prompt = "review", Argument = "topic")]
            public static IEnumerable<string> Topics(string value, McpCompletionContext context, {|MCPG0051:IProgress<McpProgress>|} progress, McpRequestContext request, HttpContext http) => [];
        }
        """;

    [Fact]
    public Task Interfaces_and_abstract_classes_the_convention_excludes_are_errors_on_every_kind()
        => McpAnalyzerVerifier<HandlerParameterAnalyzer>.VerifyAsync(
            NotServices,
            "Parameter 'body' of tool 'upload' has type 'Stream', which McpGen does not resolve from dependency injection by convention: a handler has no request or response stream; take the content as a string or byte[] argument, or return it; if your app registers it as a service, mark the parameter [FromServices]",
            "Parameter 'steps' of tool 'upload' has type 'IProgress<int>', which McpGen does not resolve from dependency injection by convention: progress is reported through IProgress<McpProgress> (the only progress type a handler receives); take that instead; if your app registers it as a service, mark the parameter [FromServices]",
            "Parameter 'reader' of resource 'docs://{name}' has type 'TextReader', which McpGen does not resolve from dependency injection by convention: a handler has no request or response stream; take the content as a string or byte[] argument, or return it; if your app registers it as a service, mark the parameter [FromServices]",
            "Parameter 'scope' of prompt 'review' has type 'IDisposable', which McpGen does not resolve from dependency injection by convention: the types of the System namespace (other than TimeProvider and IServiceProvider) are values and language features, not services; if your app registers it as a service, mark the parameter [FromServices]",
            "Parameter 'more' of completion method 'Topics' has type 'IAsyncEnumerable<string>', which McpGen does not resolve from dependency injection by convention: an enumerator or async stream is neither a JSON argument nor a service; take a list or an array; if your app registers it as a service, mark the parameter [FromServices]");

    [Fact]
    public Task Special_parameters_a_kind_cannot_receive_are_errors()
        => McpAnalyzerVerifier<HandlerParameterAnalyzer>.VerifyAsync(
            Specials,
            "Parameter 'http' of the constructor of server 'Server' is HttpContext, which a server constructor cannot receive: the server is created from dependency injection, which holds no values of the request; take it as a parameter of each handler that needs it",
            "Parameter 'completion' of tool 'forecast' is McpCompletionContext, which a tool cannot receive: only [McpCompletion] methods receive McpCompletionContext (the other arguments of the prompt or template being completed); remove the parameter",
            "Parameter 'progress' of completion method 'Topics' is IProgress<McpProgress>, which a completion cannot receive: a completion answer is always plain JSON, with no stream to report progress on; remove the parameter");

    /// <summary>The other parameter rules stay quiet where MCPG0050/MCPG0051 speak: one diagnostic per mistake.</summary>
    [Theory]
    [MemberData(nameof(OtherParameterAnalyzers))]
    public Task The_other_parameter_rules_do_not_report_the_same_parameters(string analyzer)
        => analyzer switch
        {
            nameof(ToolParameterTypeAnalyzer) => VerifyQuietAsync<ToolParameterTypeAnalyzer>(),
            nameof(ResourceAnalyzer) => VerifyQuietAsync<ResourceAnalyzer>(),
            nameof(PromptAnalyzer) => VerifyQuietAsync<PromptAnalyzer>(),
            nameof(CompletionAnalyzer) => VerifyQuietAsync<CompletionAnalyzer>(),
            _ => VerifyQuietAsync<JsonSerializerContextAnalyzer>(),
        };

    private static async Task VerifyQuietAsync<TAnalyzer>()
        where TAnalyzer : DiagnosticAnalyzer, new()
    {
        await McpAnalyzerVerifier<TAnalyzer>.VerifyAsync(Unmarked(NotServices));
        await McpAnalyzerVerifier<TAnalyzer>.VerifyAsync(Unmarked(Specials));
    }

    public static TheoryData<string> OtherParameterAnalyzers()
        => new(nameof(ToolParameterTypeAnalyzer), nameof(ResourceAnalyzer), nameof(PromptAnalyzer), nameof(CompletionAnalyzer), nameof(JsonSerializerContextAnalyzer));

    [Fact]
    public Task Client_input_from_a_completion_is_an_error_in_every_mode()
        => McpAnalyzerVerifier<CompletionClientInputAnalyzer>.VerifyAsync(
            """
            using System;
            using System.Collections.Generic;
            using System.Linq;
            using System.Threading.Tasks;
            using McpGen;

            [McpServer(Session = McpSessionMode.Store)]
            public partial class Server
            {
                [McpPrompt]
                public static string Review(string topic, string folder) => topic;

                [McpCompletion(Prompt = "review", Argument = "topic")]
                public static async Task<IEnumerable<string>> Topics(string value, McpRequestContext context)
                {
                    Func<Task<IReadOnlyList<McpRoot>>> roots = () => {|MCPG0052:context.ListRootsAsync()|};
                    await roots();
                    return [value];
                }

                [McpCompletion(Prompt = "review", Argument = "folder"), RequiresMcpClientInput("roots")]
                public static IEnumerable<string> {|MCPG0052:Folders|}(string value) => [];

                [McpTool]
                public static async Task<string> Ask(McpRequestContext context) => (await context.ListRootsAsync()).Count.ToString();
            }
            """,
            "Completion method 'Topics' asks the client for input (roots, through 'McpRequestContext.ListRootsAsync'), but MCP allows client input only while answering tools/call, resources/read and prompts/get; completion/complete must answer at once, so ask in the tool, resource or prompt instead",
            "Completion method 'Folders' asks the client for input (roots, through 'Folders'), but MCP allows client input only while answering tools/call, resources/read and prompts/get; completion/complete must answer at once, so ask in the tool, resource or prompt instead");

    private static string Unmarked(string markup) => MarkupRegex().Replace(markup, "$1");

    [GeneratedRegex(@"\{\|MCPG[0-9]{4}:(.*?)\|\}")]
    private static partial Regex MarkupRegex();
}
