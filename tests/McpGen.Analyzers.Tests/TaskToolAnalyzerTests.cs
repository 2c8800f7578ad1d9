namespace McpGen.Analyzers.Tests;

public sealed class TaskToolAnalyzerTests
{
    private static Task VerifyAsync(string markup, params string[] messages)
        => McpAnalyzerVerifier<TaskToolAnalyzer>.VerifyAsync(markup, messages);

    [Fact]
    public Task Task_tools_without_the_request_and_plain_tools_with_it_are_fine()
        => VerifyAsync("""
            using System.Security.Claims;
            using System.Threading;
            using System.Threading.Tasks;
            using McpGen;
            using Microsoft.AspNetCore.Http;

            [McpServer]
            public partial class Server
            {
                [McpTool(Task = McpTaskSupport.Required, Rerunnable = true)]
                public static Task<string> Reindex(int shards, ClaimsPrincipal user, McpRequestContext context, CancellationToken cancellationToken) => Task.FromResult("");

                [McpTool]
                public static string Headers(HttpContext http) => http.Request.Headers.UserAgent.ToString();

                [McpTool(Task = McpTaskSupport.Forbidden)]
                public static string Explicit(HttpContext http) => "";
            }
            """);

    [Fact]
    public Task A_task_tool_taking_HttpContext_and_Rerunnable_without_a_task_are_warnings()
        => VerifyAsync("""
            using McpGen;
            using Microsoft.AspNetCore.Http;

            [McpServer]
            public partial class Server
            {
                [McpTool(Task = McpTaskSupport.Optional)]
                public static string Report(HttpContext {|MCPG0070:http|}, string region) => region;

                [McpTool({|MCPG0071:Rerunnable = true|})]
                public static string Now() => "";
            }
            """,
            "Tool 'Report' may run as a task, which outlives its request: parameter 'http' gets a detached HttpContext with only the caller's User and a service scope of its own, not the request's headers, connection or features; take ClaimsPrincipal, services or McpRequestContext instead",
            "Rerunnable = true on tool 'Now' has no effect: it only matters for tasks; set Task = McpTaskSupport.Optional or Required, or remove Rerunnable");
}
