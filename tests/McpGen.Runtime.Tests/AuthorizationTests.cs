using System.Net;
using System.Security.Claims;
using System.Text.Encodings.Web;
using System.Text.Json;
using McpGen.Runtime.Tests.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace McpGen.Runtime.Tests;

/// <summary>
/// Per-handler authorization on a real Kestrel socket, with a test authentication scheme that reads the caller from
/// headers (X-User, X-Roles, X-Scope, X-Dept): lists differ by caller, forbidden calls get 401/403 with a JSON-RPC error,
/// scopes drive the step-up 403, and tools, resources (fixed and templates) and prompts follow one standard in both eras.
/// </summary>
public sealed class AuthorizationTests
{
    private const int AuthorizationError = -32000;

    private static readonly (string, string)[] Anonymous = [];
    private static readonly (string, string)[] Reader = [("X-User", "reader"), ("X-Scope", "notes:read")];
    private static readonly (string, string)[] Writer = [("X-User", "writer"), ("X-Scope", "notes:read notes:write")];
    private static readonly (string, string)[] Editor = [("X-User", "editor"), ("X-Roles", "admin"), ("X-Dept", "editorial")];
    private static readonly (string, string)[] AdminOutsideEditorial = [("X-User", "bob"), ("X-Roles", "admin")];

    private static McpAuthorization Requires(string[] scopes, params IAuthorizeData[] rules) => new(rules, scopes);

    private static McpToolDefinition Tool(string name, McpAuthorization? authorization)
        => new(name,
            System.Text.Encoding.UTF8.GetBytes("{\"name\":\"" + name + "\",\"inputSchema\":{\"type\":\"object\"}}"),
            ctx => { ctx.WriteText("ran " + name); return ValueTask.CompletedTask; })
        {
            Authorization = authorization,
        };

    /// <summary>The server as the generator would describe it (sticky, so initialize-era clients get sessions).</summary>
    private static FeatureServerDefinition Server(bool withAuthorization = true)
    {
        McpAuthorization? read = withAuthorization ? Requires(["notes:read"], new AuthorizeAttribute()) : null;
        McpAuthorization? write = withAuthorization ? Requires(["notes:write"], new AuthorizeAttribute()) : null;
        return new FeatureServerDefinition(
            [
                Tool("delete_note", withAuthorization ? Requires([], new AuthorizeAttribute { Policy = "Editors" }, new AuthorizeAttribute { Roles = "admin" }) : null),
                Tool("public_echo", null),
                Tool("read_notes", read),
                Tool("write_note", write),
            ],
            [
                new McpResourceDefinition("notes://public", false, """{"uri":"notes://public","name":"public"}"""u8.ToArray(),
                    ctx => { ctx.WriteResourceText("public", "text/plain"); return ValueTask.CompletedTask; }),
                new McpResourceDefinition("notes://secret", false, """{"uri":"notes://secret","name":"secret"}"""u8.ToArray(),
                    ctx => { ctx.WriteResourceText("secret", "text/plain"); return ValueTask.CompletedTask; })
                {
                    Authorization = withAuthorization ? Requires([], new AuthorizeAttribute { Roles = "admin" }) : null,
                },
                new McpResourceDefinition("notes://items/{id}", true, """{"uriTemplate":"notes://items/{id}","name":"item"}"""u8.ToArray(),
                    ctx => { ctx.WriteResourceText("item " + ctx.ResourceUri, "text/plain"); return ValueTask.CompletedTask; })
                {
                    Authorization = read,
                },
            ],
            [
                new McpPromptDefinition("draft", """{"name":"draft"}"""u8.ToArray(), ctx => { ctx.WritePromptText("Draft a note."); return ValueTask.CompletedTask; })
                {
                    Authorization = write,
                },
                new McpPromptDefinition("hello", """{"name":"hello"}"""u8.ToArray(), ctx => { ctx.WritePromptText("Say hello."); return ValueTask.CompletedTask; }),
            ],
            sessionMode: McpSessionMode.Sticky)
        {
            HasAuthorization = withAuthorization,
        };
    }

    private static Task<McpTestHost> StartAsync(McpServerDefinition? definition = null, Action<AuthorizationOptions>? policies = null)
        => McpTestHost.StartAsync(
            definition ?? Server(),
            services: services =>
            {
                services.AddAuthentication(HeaderAuthenticationHandler.SchemeName)
                    .AddScheme<AuthenticationSchemeOptions, HeaderAuthenticationHandler>(HeaderAuthenticationHandler.SchemeName, null);
                services.AddAuthorization(policies ?? (o => o.AddPolicy("Editors", p => p.RequireClaim("dept", "editorial"))));
            },
            pipeline: app => app.UseAuthentication(),
            kestrel: true);

    private static Task<HttpResponseMessage> ModernAsync(McpTestHost host, (string, string)[] user, string method, string paramsMembers = "", string? name = null)
    {
        var headers = new List<(string, string)>(user) { ("MCP-Protocol-Version", McpTestHost.Modern), ("Mcp-Method", method) };
        if (name is not null)
        {
            headers.Add(("Mcp-Name", name));
        }

        return host.Client.SendAsync(McpTestHost.Post(McpTestHost.ModernBody(method, paramsMembers), [.. headers]));
    }

    private static async Task<string[]> ModernListAsync(McpTestHost host, (string, string)[] user, string method, string member, string key)
    {
        JsonElement result = await McpTestHost.AssertResultAsync(await ModernAsync(host, user, method));
        Assert.Equal("private", result.GetProperty("cacheScope").GetString());
        return [.. result.GetProperty(member).EnumerateArray().Select(e => e.GetProperty(key).GetString()!)];
    }

    // ---- 2026-07-28 (stateless) ----

    [Fact]
    public async Task ToolsList_DiffersByCaller_AsDeclared()
    {
        await using McpTestHost host = await StartAsync();

        Assert.Equal(["public_echo"], await ModernListAsync(host, Anonymous, "tools/list", "tools", "name"));
        Assert.Equal(["public_echo", "read_notes"], await ModernListAsync(host, Reader, "tools/list", "tools", "name"));
        Assert.Equal(["public_echo", "read_notes", "write_note"], await ModernListAsync(host, Writer, "tools/list", "tools", "name"));
        Assert.Equal(["delete_note", "public_echo"], await ModernListAsync(host, Editor, "tools/list", "tools", "name"));
        Assert.Equal(["public_echo"], await ModernListAsync(host, AdminOutsideEditorial, "tools/list", "tools", "name"));

        // Cached per visibility, never across callers: the same callers again, in another order.
        Assert.Equal(["public_echo", "read_notes", "write_note"], await ModernListAsync(host, Writer, "tools/list", "tools", "name"));
        Assert.Equal(["public_echo"], await ModernListAsync(host, Anonymous, "tools/list", "tools", "name"));
        Assert.Equal(["public_echo", "read_notes"], await ModernListAsync(host, Reader, "tools/list", "tools", "name"));
    }

    [Fact]
    public async Task AllowedCall_RunsTheHandler()
    {
        await using McpTestHost host = await StartAsync();

        JsonElement result = await McpTestHost.AssertResultAsync(await ModernAsync(host, Writer, "tools/call", "\"name\":\"write_note\"", "write_note"));

        Assert.Equal("ran write_note", result.GetProperty("content")[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task UnauthenticatedCall_Gets401_FromTheSchemesChallenge_WithAJsonRpcError()
    {
        await using McpTestHost host = await StartAsync();

        HttpResponseMessage response = await ModernAsync(host, Anonymous, "tools/call", "\"name\":\"read_notes\"", "read_notes");

        JsonElement error = await McpTestHost.AssertErrorAsync(response, 401, AuthorizationError, "1");
        Assert.Contains("realm=\"test\"", string.Join(",", response.Headers.WwwAuthenticate.Select(h => h.ToString())));
        Assert.Contains("tool 'read_notes'", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task MissingScope_Gets403_InsufficientScope_NamingTheScope()
    {
        await using McpTestHost host = await StartAsync();

        HttpResponseMessage response = await ModernAsync(host, Reader, "tools/call", "\"name\":\"write_note\"", "write_note");

        JsonElement error = await McpTestHost.AssertErrorAsync(response, 403, AuthorizationError, "1");
        string challenge = string.Join(",", response.Headers.WwwAuthenticate.Select(h => h.ToString()));
        Assert.Contains("error=\"insufficient_scope\"", challenge);
        Assert.Contains("scope=\"notes:write\"", challenge);
        Assert.Contains("notes:write", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task FailingPolicy_Gets403_NamingThePolicy_AndAPassingOneRuns()
    {
        await using McpTestHost host = await StartAsync();

        HttpResponseMessage forbidden = await ModernAsync(host, AdminOutsideEditorial, "tools/call", "\"name\":\"delete_note\"", "delete_note");
        JsonElement error = await McpTestHost.AssertErrorAsync(forbidden, 403, AuthorizationError, "1");
        Assert.Contains("policy 'Editors'", error.GetProperty("message").GetString());
        Assert.DoesNotContain("insufficient_scope", string.Join(",", forbidden.Headers.WwwAuthenticate.Select(h => h.ToString())));

        JsonElement result = await McpTestHost.AssertResultAsync(await ModernAsync(host, Editor, "tools/call", "\"name\":\"delete_note\"", "delete_note"));
        Assert.Equal("ran delete_note", result.GetProperty("content")[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task Resources_AndTemplates_FollowTheSameRules()
    {
        await using McpTestHost host = await StartAsync();

        Assert.Equal(["notes://public"], await ModernListAsync(host, Anonymous, "resources/list", "resources", "uri"));
        Assert.Equal(["notes://public", "notes://secret"], await ModernListAsync(host, Editor, "resources/list", "resources", "uri"));
        Assert.Empty(await ModernListAsync(host, Anonymous, "resources/templates/list", "resourceTemplates", "uriTemplate"));
        Assert.Equal(["notes://items/{id}"], await ModernListAsync(host, Reader, "resources/templates/list", "resourceTemplates", "uriTemplate"));

        await McpTestHost.AssertErrorAsync(await ModernAsync(host, Anonymous, "resources/read", "\"uri\":\"notes://secret\"", "notes://secret"), 401, AuthorizationError, "1");
        await McpTestHost.AssertErrorAsync(await ModernAsync(host, Reader, "resources/read", "\"uri\":\"notes://secret\"", "notes://secret"), 403, AuthorizationError, "1");
        await McpTestHost.AssertResultAsync(await ModernAsync(host, Editor, "resources/read", "\"uri\":\"notes://secret\"", "notes://secret"));
        await McpTestHost.AssertResultAsync(await ModernAsync(host, Anonymous, "resources/read", "\"uri\":\"notes://public\"", "notes://public"));
        await McpTestHost.AssertErrorAsync(await ModernAsync(host, Editor, "resources/read", "\"uri\":\"notes://items/7\"", "notes://items/7"), 403, AuthorizationError, "1");
        await McpTestHost.AssertResultAsync(await ModernAsync(host, Reader, "resources/read", "\"uri\":\"notes://items/7\"", "notes://items/7"));
    }

    [Fact]
    public async Task Prompts_FollowTheSameRules()
    {
        await using McpTestHost host = await StartAsync();

        Assert.Equal(["hello"], await ModernListAsync(host, Reader, "prompts/list", "prompts", "name"));
        Assert.Equal(["draft", "hello"], await ModernListAsync(host, Writer, "prompts/list", "prompts", "name"));

        HttpResponseMessage response = await ModernAsync(host, Reader, "prompts/get", "\"name\":\"draft\"", "draft");
        await McpTestHost.AssertErrorAsync(response, 403, AuthorizationError, "1");
        Assert.Contains("scope=\"notes:write\"", string.Join(",", response.Headers.WwwAuthenticate.Select(h => h.ToString())));
        await McpTestHost.AssertResultAsync(await ModernAsync(host, Writer, "prompts/get", "\"name\":\"draft\"", "draft"));
    }

    // ---- 2025-11-25 (initialize, sticky session) ----

    private static async Task<(string Session, HttpResponseMessage Response)> InitializeAsync(McpTestHost host, (string, string)[] user, string version = "2025-11-25")
    {
        HttpResponseMessage response = await host.Client.SendAsync(McpTestHost.Post(
            $$$$"""{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"{{{{version}}}}","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}""", user));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (response.Headers.GetValues("Mcp-Session-Id").Single(), response);
    }

    private static Task<HttpResponseMessage> SessionAsync(McpTestHost host, (string, string)[] user, string session, string method, string paramsJson = "{}")
        => host.Client.SendAsync(McpTestHost.Post(
            $$"""{"jsonrpc":"2.0","id":1,"method":"{{method}}","params":{{paramsJson}}}""",
            [.. user, ("Mcp-Session-Id", session), ("MCP-Protocol-Version", "2025-11-25")]));

    private static async Task<JsonElement> SessionJsonAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    [Fact]
    public async Task SessionEra_ListsDifferByCaller_AndForbiddenCallsGet403()
    {
        await using McpTestHost host = await StartAsync();
        (string readerSession, _) = await InitializeAsync(host, Reader);
        (string editorSession, _) = await InitializeAsync(host, Editor);

        JsonElement readerList = await SessionJsonAsync(await SessionAsync(host, Reader, readerSession, "tools/list"));
        JsonElement editorList = await SessionJsonAsync(await SessionAsync(host, Editor, editorSession, "tools/list"));
        Assert.Equal(["public_echo", "read_notes"], readerList.GetProperty("result").GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("name").GetString()));
        Assert.Equal(["delete_note", "public_echo"], editorList.GetProperty("result").GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("name").GetString()));

        HttpResponseMessage forbidden = await SessionAsync(host, Reader, readerSession, "tools/call", """{"name":"write_note"}""");
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Contains("insufficient_scope", string.Join(",", forbidden.Headers.WwwAuthenticate.Select(h => h.ToString())));
        Assert.Equal(AuthorizationError, (await SessionJsonAsync(forbidden)).GetProperty("error").GetProperty("code").GetInt32());

        HttpResponseMessage prompt = await SessionAsync(host, Reader, readerSession, "prompts/get", """{"name":"draft"}""");
        Assert.Equal(HttpStatusCode.Forbidden, prompt.StatusCode);

        HttpResponseMessage allowed = await SessionAsync(host, Editor, editorSession, "tools/call", """{"name":"delete_note"}""");
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Equal("ran delete_note", (await SessionJsonAsync(allowed)).GetProperty("result").GetProperty("content")[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task BatchElement_ThatIsForbidden_GetsItsOwnJsonRpcError_NextToAnAllowedOne()
    {
        await using McpTestHost host = await StartAsync();
        (string session, _) = await InitializeAsync(host, Reader, "2025-03-26");

        HttpResponseMessage response = await host.Client.SendAsync(McpTestHost.Post(
            """[{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"write_note"}},{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"read_notes"}}]""",
            [.. Reader, ("Mcp-Session-Id", session)]));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        JsonElement[] answers = [.. JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.EnumerateArray()];
        JsonElement denied = answers.Single(a => a.GetProperty("id").GetInt32() == 1);
        JsonElement ran = answers.Single(a => a.GetProperty("id").GetInt32() == 2);
        Assert.Equal(AuthorizationError, denied.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Contains("notes:write", denied.GetProperty("error").GetProperty("message").GetString());
        Assert.Equal("ran read_notes", ran.GetProperty("result").GetProperty("content")[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task SessionEra_SubscribingToAProtectedResource_NeedsTheRightToReadIt()
    {
        await using McpTestHost host = await StartAsync(SubscribableServer());
        (string readerSession, _) = await InitializeAsync(host, Reader);
        (string writerSession, _) = await InitializeAsync(host, Writer);

        HttpResponseMessage denied = await SessionAsync(host, Reader, readerSession, "resources/subscribe", """{"uri":"notes://watched"}""");
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        Assert.Contains("insufficient_scope", string.Join(",", denied.Headers.WwwAuthenticate.Select(h => h.ToString())));
        Assert.Equal(AuthorizationError, (await SessionJsonAsync(denied)).GetProperty("error").GetProperty("code").GetInt32());

        HttpResponseMessage allowed = await SessionAsync(host, Writer, writerSession, "resources/subscribe", """{"uri":"notes://watched"}""");
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.True((await SessionJsonAsync(allowed)).TryGetProperty("result", out _));
    }

    [Fact]
    public async Task Listen_AgreesOnlyToResourcesTheCallerMayRead()
    {
        await using McpTestHost host = await StartAsync(SubscribableServer());

        Assert.Equal("""{"resourceSubscriptions":["notes://open"]}""", await AgreedListenFilterAsync(host, Reader));
        Assert.Equal("""{"resourceSubscriptions":["notes://open"]}""", await AgreedListenFilterAsync(host, Anonymous));
        Assert.Equal("""{"resourceSubscriptions":["notes://open","notes://watched"]}""", await AgreedListenFilterAsync(host, Writer));
    }

    /// <summary>Two subscribable resources: notes://open for anyone, notes://watched for callers with notes:write.</summary>
    private static FeatureServerDefinition SubscribableServer() => new(
        [Tool("public_echo", null)],
        [
            new McpResourceDefinition("notes://open", false, """{"uri":"notes://open","name":"open"}"""u8.ToArray(),
                ctx => { ctx.WriteResourceText("o", "text/plain"); return ValueTask.CompletedTask; }, subscribable: true),
            new McpResourceDefinition("notes://watched", false, """{"uri":"notes://watched","name":"watched"}"""u8.ToArray(),
                ctx => { ctx.WriteResourceText("w", "text/plain"); return ValueTask.CompletedTask; }, subscribable: true)
            {
                Authorization = Requires(["notes:write"], new AuthorizeAttribute()),
            },
        ],
        [],
        sessionMode: McpSessionMode.Sticky)
    {
        HasAuthorization = true,
    };

    private static async Task<string> AgreedListenFilterAsync(McpTestHost host, (string, string)[] user)
    {
        var headers = new List<(string, string)>(user) { ("MCP-Protocol-Version", McpTestHost.Modern), ("Mcp-Method", "subscriptions/listen") };
        using HttpRequestMessage request = McpTestHost.Post(
            McpTestHost.ModernBody("subscriptions/listen", "\"notifications\":{\"resourceSubscriptions\":[\"notes://open\",\"notes://watched\"]}"), [.. headers]);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using HttpResponseMessage response = await host.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token), System.Text.Encoding.UTF8);
        JsonElement ack = await SseReader.NextMessageAsync(reader, cts.Token);
        Assert.Equal("notifications/subscriptions/acknowledged", ack.GetProperty("method").GetString());
        return ack.GetProperty("params").GetProperty("notifications").GetRawText();
    }

    // ---- startup and the no-authorization path ----

    [Fact]
    public async Task UnknownPolicy_FailsAtMapMcp_NamingThePolicyAndTheHandler()
    {
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => StartAsync(policies: _ => { }));

        Assert.Contains("tool 'delete_note'", failure.Message);
        Assert.Contains("'Editors'", failure.Message);
        Assert.Contains("AddPolicy", failure.Message);
    }

    [Fact]
    public async Task AuthorizationNotRegistered_FailsAtMapMcp_SayingWhatToAdd()
    {
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => McpTestHost.StartAsync(Server(), kestrel: true));

        Assert.Contains("AddAuthorization()", failure.Message);
    }

    [Fact]
    public async Task ServerWithoutAuthorization_ListsEverything_AsSharedPublicPages()
    {
        await using McpTestHost host = await StartAsync(Server(withAuthorization: false));

        JsonElement result = await McpTestHost.AssertResultAsync(await ModernAsync(host, Anonymous, "tools/list"));

        Assert.Equal("public", result.GetProperty("cacheScope").GetString());
        Assert.Equal(4, result.GetProperty("tools").GetArrayLength());
        await McpTestHost.AssertResultAsync(await ModernAsync(host, Anonymous, "tools/call", "\"name\":\"write_note\"", "write_note"));
    }

    /// <summary>The caller from headers: X-User (name; absent = anonymous), X-Roles (comma-separated), X-Scope (one claim), X-Dept.</summary>
    private sealed class HeaderAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        public const string SchemeName = "Test";

        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            if (Request.Headers["X-User"].ToString() is not { Length: > 0 } user)
            {
                return Task.FromResult(AuthenticateResult.NoResult());
            }

            var claims = new List<Claim> { new(ClaimTypes.Name, user) };
            claims.AddRange(Request.Headers["X-Roles"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries).Select(r => new Claim(ClaimTypes.Role, r)));
            if (Request.Headers["X-Scope"].ToString() is { Length: > 0 } scope)
            {
                claims.Add(new Claim("scope", scope));
            }

            if (Request.Headers["X-Dept"].ToString() is { Length: > 0 } dept)
            {
                claims.Add(new Claim("dept", dept));
            }

            var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
        }

        protected override Task HandleChallengeAsync(AuthenticationProperties properties)
        {
            Response.StatusCode = 401;
            Response.Headers.WWWAuthenticate = "Bearer realm=\"test\"";
            return Task.CompletedTask;
        }
    }
}
