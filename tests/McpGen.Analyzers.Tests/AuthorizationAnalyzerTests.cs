namespace McpGen.Analyzers.Tests;

public sealed class AuthorizationAnalyzerTests
{
    private static Task VerifyAsync(string markup, params string[] messages)
        => McpAnalyzerVerifier<AuthorizationAnalyzer>.VerifyAsync(markup, messages);

    [Fact]
    public Task Consistent_authorization_is_clean()
        => VerifyAsync("""
            using McpGen;
            using Microsoft.AspNetCore.Authorization;

            [McpServer, Authorize, McpScope("notes:read")]
            public partial class Server
            {
                [McpTool] public static string List() => "";
                [McpTool, McpScope("notes:write", "notes:admin"), Authorize(Policy = "Editors", Roles = "admin")] public static string Write() => "";
                [McpTool, AllowAnonymous] public static string Ping() => "";
                [McpResource("notes://{id}"), McpScope("notes:read")] public static string Note(string id) => id;
                [McpPrompt, Authorize("Editors")] public static string Draft(string topic) => topic;
                [McpCompletion(Prompt = "draft", Argument = "topic")] public static string[] Topics(string value) => new[] { value };
            }

            public partial class NotAServer
            {
                [AllowAnonymous, Authorize] public static string Other() => "";
            }
            """);

    [Fact]
    public Task AllowAnonymous_beside_Authorize_or_McpScope_on_one_handler_is_an_error()
        => VerifyAsync("""
            using McpGen;
            using Microsoft.AspNetCore.Authorization;

            [McpServer]
            public partial class Server
            {
                [McpTool, {|MCPG0060:AllowAnonymous|}, Authorize] public static string A() => "";
                [McpResource("x://y"), McpScope("notes:read"), {|MCPG0060:AllowAnonymous|}] public static string B() => "";
                [McpPrompt, {|MCPG0060:AllowAnonymous|}, Authorize(Roles = "admin"), McpScope("notes:read")] public static string C() => "";
            }
            """,
            "Handler 'A' has [AllowAnonymous] and [Authorize]; [AllowAnonymous] wins and lifts [Authorize], so anyone may use it: remove [AllowAnonymous] to require [Authorize], or remove [Authorize] to keep it public",
            "Handler 'B' has [AllowAnonymous] and [McpScope]; [AllowAnonymous] wins and lifts [McpScope], so anyone may use it: remove [AllowAnonymous] to require [McpScope], or remove [McpScope] to keep it public",
            "Handler 'C' has [AllowAnonymous] and [Authorize] and [McpScope]; [AllowAnonymous] wins and lifts [Authorize] and [McpScope], so anyone may use it: remove [AllowAnonymous] to require [Authorize] and [McpScope], or remove [Authorize] and [McpScope] to keep it public");

    [Fact]
    public Task AllowAnonymous_on_the_class_lifts_the_handlers_requirements_and_is_an_error()
        => VerifyAsync("""
            using McpGen;
            using Microsoft.AspNetCore.Authorization;

            [McpServer, {|MCPG0060:AllowAnonymous|}, McpScope("notes:read")]
            public partial class Server
            {
                [McpTool] public static string B() => "";
            }

            [McpServer, {|MCPG0060:AllowAnonymous|}]
            public partial class Open
            {
                [McpTool, Authorize] public static string A() => "";
                [McpTool] public static string C() => "";
            }
            """,
            "Server class 'Server' has [AllowAnonymous] and [McpScope]; [AllowAnonymous] wins and lifts [McpScope], so anyone may use it: remove [AllowAnonymous] to require [McpScope], or remove [McpScope] to keep it public",
            "Handler 'A' (through [AllowAnonymous] on 'Open') has [AllowAnonymous] and [Authorize]; [AllowAnonymous] wins and lifts [Authorize], so anyone may use it: remove [AllowAnonymous] to require [Authorize], or remove [Authorize] to keep it public");

    [Fact]
    public Task Scopes_that_are_not_scope_tokens_are_errors()
        => VerifyAsync("""
            using McpGen;

            [McpServer, {|MCPG0061:McpScope("")|}]
            public partial class Server
            {
                [McpTool, {|MCPG0061:McpScope("notes:read notes:write")|}] public static string A() => "";
                [McpTool, {|MCPG0061:McpScope("  ")|}] public static string B() => "";
                [McpTool, {|MCPG0061:McpScope()|}] public static string C() => "";
                [McpTool, {|MCPG0061:McpScope("ok", "quo\"te")|}] public static string D() => "";
                [McpTool, McpScope("notes:read", "https://api.example.com/notes.write")] public static string E() => "";
            }
            """,
            "[McpScope] on 'Server' has an empty scope; a scope is one non-empty OAuth scope token (printable ASCII without spaces, '\"' or '\\', such as \"notes:write\"): pass each scope as its own argument",
            "[McpScope] on 'A' has the scope \"notes:read notes:write\", which contains a space (two scopes in one string); a scope is one non-empty OAuth scope token (printable ASCII without spaces, '\"' or '\\', such as \"notes:write\"): pass each scope as its own argument",
            "[McpScope] on 'B' has a scope of only whitespace; a scope is one non-empty OAuth scope token (printable ASCII without spaces, '\"' or '\\', such as \"notes:write\"): pass each scope as its own argument",
            "[McpScope] on 'C' names no scope; a scope is one non-empty OAuth scope token (printable ASCII without spaces, '\"' or '\\', such as \"notes:write\"): pass each scope as its own argument",
            "[McpScope] on 'D' has the scope \"quo\"te\", which contains the character U+0022; a scope is one non-empty OAuth scope token (printable ASCII without spaces, '\"' or '\\', such as \"notes:write\"): pass each scope as its own argument");

    [Fact]
    public Task Authorization_on_a_completion_method_is_a_warning()
        => VerifyAsync("""
            using McpGen;
            using Microsoft.AspNetCore.Authorization;

            [McpServer]
            public partial class Server
            {
                [McpPrompt, Authorize] public static string Draft(string topic) => topic;

                [McpCompletion(Prompt = "draft", Argument = "topic"), {|MCPG0062:Authorize|}, {|MCPG0062:McpScope("notes:read")|}]
                public static string[] Topics(string value) => new[] { value };
            }
            """,
            "[Authorize] on completion method 'Topics' has no effect: a completion is allowed to exactly the callers of the prompt or resource template it completes; put the attribute on that handler instead",
            "[McpScope] on completion method 'Topics' has no effect: a completion is allowed to exactly the callers of the prompt or resource template it completes; put the attribute on that handler instead");
}
