namespace McpGen.Analyzers.Tests;

/// <summary>MCPG0014 on the real client-input API of <c>McpRequestContext</c> (every member carries [RequiresMcpClientInput]).</summary>
public sealed class ClientInputRequirementTests
{
    private static Task VerifyAsync(string markup, params string[] messages)
        => McpAnalyzerVerifier<SessionRequirementAnalyzer>.VerifyAsync(markup, messages);

    [Fact]
    public Task Every_ask_of_a_stateless_tool_is_reported_and_ClientSupports_is_not()
        => VerifyAsync("""
            using System;
            using System.Diagnostics.CodeAnalysis;
            using System.Threading;
            using System.Threading.Tasks;
            using McpGen;

            // What the generator emits for an [McpElicitationForm] type (the analyzer test runs no generator).
            public sealed class Name : IMcpElicitationForm<Name>
            {
                public static ReadOnlySpan<byte> RequestedSchema => "{}"u8;

                public static bool TryReadContent(ReadOnlySpan<byte> json, [NotNullWhen(true)] out Name? content, [NotNullWhen(false)] out string? error)
                {
                    content = new Name();
                    error = null;
                    return true;
                }
            }

            [McpServer]
            public partial class Server
            {
                [McpTool]
                public async Task<string> Ask(McpRequestContext context, CancellationToken ct)
                {
                    if (!context.ClientSupports(McpClientCapability.FormElicitation))
                    {
                        return "no";
                    }

                    await {|MCPG0014:context.ElicitAsync<Name>("Name?", ct)|};
                    await {|MCPG0014:context.ElicitAsync<Name>("Name?", "key", ct)|};
                    await {|MCPG0014:context.ElicitUrlAsync("Sign in", new Uri("https://example.com"), ct)|};
                    await {|MCPG0014:context.SampleAsync(CreateMessageRequest.FromPrompt("Hi"), ct)|};
                    await {|MCPG0014:context.ListRootsAsync(ct)|};
                    return "yes";
                }
            }

            [McpServer(Session = McpSessionMode.Store)]
            public partial class StoreServer
            {
                [McpTool]
                public async Task<string> Ask(McpRequestContext context) => (await context.ListRootsAsync()).Count.ToString();
            }
            """,
            "Tool 'Ask' asks the client for input (form elicitation, through 'McpRequestContext.ElicitAsync'); on stateless server 'Server' only 2026-07-28 clients can complete it, initialize-era clients cannot; set Session = McpSessionMode.Store or Session = McpSessionMode.Sticky on [McpServer] to serve them too",
            "Tool 'Ask' asks the client for input (form elicitation, through 'McpRequestContext.ElicitAsync'); on stateless server 'Server' only 2026-07-28 clients can complete it, initialize-era clients cannot; set Session = McpSessionMode.Store or Session = McpSessionMode.Sticky on [McpServer] to serve them too",
            "Tool 'Ask' asks the client for input (URL elicitation, through 'McpRequestContext.ElicitUrlAsync'); on stateless server 'Server' only 2026-07-28 clients can complete it, initialize-era clients cannot; set Session = McpSessionMode.Store or Session = McpSessionMode.Sticky on [McpServer] to serve them too",
            "Tool 'Ask' asks the client for input (sampling, through 'McpRequestContext.SampleAsync'); on stateless server 'Server' only 2026-07-28 clients can complete it, initialize-era clients cannot; set Session = McpSessionMode.Store or Session = McpSessionMode.Sticky on [McpServer] to serve them too",
            "Tool 'Ask' asks the client for input (roots, through 'McpRequestContext.ListRootsAsync'); on stateless server 'Server' only 2026-07-28 clients can complete it, initialize-era clients cannot; set Session = McpSessionMode.Store or Session = McpSessionMode.Sticky on [McpServer] to serve them too");
}
