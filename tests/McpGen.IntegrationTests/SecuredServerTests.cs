using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using McpGen;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Authentication;
using ModelContextProtocol.Client;
using SecuredServer;

namespace McpGen.IntegrationTests;

/// <summary>The SecuredServer sample (JwtBearer, audience = resource) and a test authorization server, both on 127.0.0.1.</summary>
public sealed class SecuredServerHost : IAsyncLifetime
{
    private WebApplication? _app;

    public TestAuthorizationServer AuthorizationServer { get; private set; } = null!;

    public Uri Endpoint { get; private set; } = null!;

    public string Origin => Endpoint.GetLeftPart(UriPartial.Authority);

    public async Task InitializeAsync()
    {
        AuthorizationServer = await TestAuthorizationServer.StartAsync();
        // The resource URI must be known before the server starts (it is the tokens' audience): take a free port first.
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        string origin = $"http://127.0.0.1:{port}";
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(origin);
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Mcp:Authorization:Resource"] = origin + "/mcp",
            ["Mcp:Authorization:AuthorizationServers:0"] = AuthorizationServer.Issuer,
            ["Mcp:Authorization:ScopesSupported:0"] = "notes:read",
            ["Mcp:Authorization:ScopesSupported:1"] = "notes:write",
            ["Mcp:Authorization:ChallengeScopes:0"] = "notes:read",
            ["Mcp:Authorization:ResourceName"] = "McpGen secured sample",
            ["Mcp:Authorization:RequireHttpsMetadata"] = "false",
        });
        builder.Services.AddSecuredServer(builder.Configuration);
        builder.Services.AddAuthorization(o => o.AddPolicy("write", p => p.RequireAuthenticatedUser().RequireMcpScope("notes:write")));
        WebApplication app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapSecuredServer("/mcp");
        app.MapMcp<NotesServer>("/write").RequireAuthorization("write");
        await app.StartAsync();
        _app = app;
        Endpoint = new Uri(origin + "/mcp");
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        await AuthorizationServer.DisposeAsync();
    }
}

public sealed class SecuredServerTests(SecuredServerHost host) : IClassFixture<SecuredServerHost>
{
    private const string CallWhoAmI = """{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"who_am_i","arguments":{},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientInfo":{"name":"raw-http","version":"1.0"},"io.modelcontextprotocol/clientCapabilities":{}}}}""";

    [Theory]
    [InlineData("/.well-known/oauth-protected-resource/mcp")]
    [InlineData("/.well-known/oauth-protected-resource")]
    public async Task Protected_resource_metadata_is_served_anonymously_at_both_well_known_uris(string path)
    {
        using var http = new HttpClient();
        using HttpResponseMessage response = await http.GetAsync(host.Origin + path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        string json = await response.Content.ReadAsStringAsync();
        Assert.Equal(
            $$"""{"resource":"{{host.Endpoint}}","authorization_servers":["{{host.AuthorizationServer.Issuer}}"],"scopes_supported":["notes:read","notes:write"],"bearer_methods_supported":["header"],"resource_name":"McpGen secured sample"}""",
            json);
    }

    [Fact]
    public async Task No_token_gets_401_with_resource_metadata_and_scope_and_a_json_rpc_error()
    {
        using HttpResponseMessage response = await PostAsync(host.Endpoint, CallWhoAmI, token: null);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(
            $"Bearer resource_metadata=\"{host.Origin}/.well-known/oauth-protected-resource/mcp\", scope=\"notes:read\"",
            Assert.Single(response.Headers.WwwAuthenticate).ToString());
        await AssertJsonRpcErrorAsync(response, "Unauthorized: this MCP endpoint requires an OAuth access token.");
    }

    [Theory]
    [InlineData("audience")]
    [InlineData("expired")]
    [InlineData("garbage")]
    public async Task Invalid_token_gets_401_invalid_token_with_resource_metadata(string kind)
    {
        string token = kind switch
        {
            "audience" => host.AuthorizationServer.Mint("http://127.0.0.1:1/other-mcp", "notes:read"),
            "expired" => host.AuthorizationServer.Mint(host.Endpoint.ToString(), "notes:read", lifetime: TimeSpan.FromMinutes(-10)),
            _ => "not-a-jwt",
        };
        using HttpResponseMessage response = await PostAsync(host.Endpoint, CallWhoAmI, token);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        string header = Assert.Single(response.Headers.WwwAuthenticate).ToString();
        Assert.StartsWith(
            $"Bearer resource_metadata=\"{host.Origin}/.well-known/oauth-protected-resource/mcp\", scope=\"notes:read\", error=\"invalid_token\"",
            header);
        await AssertJsonRpcErrorAsync(response, "Unauthorized: the access token was rejected (invalid_token");
    }

    [Fact]
    public async Task Token_for_the_resource_is_accepted()
    {
        using HttpResponseMessage response = await PostAsync(host.Endpoint, CallWhoAmI, host.AuthorizationServer.Mint(host.Endpoint.ToString(), "notes:read", subject: "alice"));
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        using JsonDocument body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("alice [notes:read]", body.RootElement.GetProperty("result").GetProperty("content")[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task Missing_scope_gets_403_insufficient_scope_with_the_needed_scope()
    {
        var write = new Uri(host.Origin + "/write");
        using HttpResponseMessage response = await PostAsync(write, CallWhoAmI, host.AuthorizationServer.Mint(host.Endpoint.ToString(), "notes:read"));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(
            $"Bearer error=\"insufficient_scope\", scope=\"notes:write\", resource_metadata=\"{host.Origin}/.well-known/oauth-protected-resource/mcp\"",
            Assert.Single(response.Headers.WwwAuthenticate).ToString());
        await AssertJsonRpcErrorAsync(response, "Forbidden: insufficient_scope. This request needs the scope(s) 'notes:write'");

        using HttpResponseMessage granted = await PostAsync(write, CallWhoAmI, host.AuthorizationServer.Mint(host.Endpoint.ToString(), "notes:read notes:write"));
        Assert.Equal(HttpStatusCode.OK, granted.StatusCode);
    }

    [Theory]
    [InlineData("2025-11-25")]
    [InlineData("2026-07-28")]
    public async Task CSharp_client_discovers_gets_a_token_for_the_resource_and_calls(string protocolVersion)
    {
        int before = host.AuthorizationServer.TokenRequests.Count;
        using var noRedirect = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        var options = new HttpClientTransportOptions
        {
            Endpoint = host.Endpoint,
            Name = "mcpgen-oauth-tests",
            OAuth = new ClientOAuthOptions
            {
                ClientId = TestAuthorizationServer.ClientId,
                ClientSecret = TestAuthorizationServer.ClientSecret,
                RedirectUri = new Uri("http://127.0.0.1/callback"),
                // The test authorization server approves at once: follow its redirect by hand and hand back code, state, iss.
                AuthorizationCallbackHandler = async (context, cancellationToken) =>
                {
                    using HttpResponseMessage redirect = await noRedirect.GetAsync(context.AuthorizationUri, cancellationToken);
                    Assert.Equal(HttpStatusCode.Found, redirect.StatusCode);
                    var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(redirect.Headers.Location!.Query);
                    return new AuthorizationResult { Code = query["code"].ToString(), State = query["state"].ToString(), Iss = query["iss"].ToString() };
                },
            },
        };
        await using var transport = new HttpClientTransport(options, new HttpClient(), ownsHttpClient: true);
        await using McpClient client = await McpClient.CreateAsync(transport, new McpClientOptions { ProtocolVersion = protocolVersion });
        Assert.Equal(protocolVersion, client.NegotiatedProtocolVersion);
        var result = await client.CallToolAsync("add", new Dictionary<string, object?> { ["a"] = 2, ["b"] = 3 });
        Assert.Equal("5", result.SingleText());

        Assert.True(host.AuthorizationServer.TokenRequests.Count > before, "the client never asked the authorization server for a token");
        (string grant, string? resource, _) = host.AuthorizationServer.TokenRequests.Last();
        Assert.Equal("authorization_code", grant);
        Assert.Equal(host.Endpoint.ToString(), resource);
    }

    [Theory]
    [InlineData("v1", "legacy", null)]
    [InlineData("v2", "legacy", "2025-11-25")]
    [InlineData("v2", "modern", "2026-07-28")]
    public async Task TypeScript_client_credentials_discover_get_a_token_for_the_resource_and_call(string sdk, string era, string? protocolVersion)
    {
        int before = host.AuthorizationServer.TokenRequests.Count;
        JsonElement report = await TypeScriptClient.RunAsync(host.Endpoint, sdk, era, protocolVersion,
            [new { op = "call", name = "who_am_i", args = new { }, expectText = TestAuthorizationServer.ClientId + " [notes:read]" }],
            options: ["--oauth-client", TestAuthorizationServer.ClientId + ":" + TestAuthorizationServer.ClientSecret, "--oauth-issuer", host.AuthorizationServer.Issuer]);
        Assert.True(report.GetProperty("ok").GetBoolean(), report.ToString());
        Assert.True(host.AuthorizationServer.TokenRequests.Count > before, "the client never asked the authorization server for a token");
        (string grant, string? resource, string? scope) = host.AuthorizationServer.TokenRequests.Last();
        Assert.Equal("client_credentials", grant);
        Assert.Equal(host.Endpoint.ToString(), resource);
        // The SDK requests the scopes of the challenge or the metadata; the test server grants notes:read when none are asked for.
        Assert.Contains(scope, new[] { "", "notes:read" });
    }

    [Fact]
    public async Task Tools_list_differs_by_caller_and_a_call_without_the_handler_scope_gets_a_step_up_403()
    {
        string reader = host.AuthorizationServer.Mint(host.Endpoint.ToString(), "notes:read", subject: "bob");
        string writer = host.AuthorizationServer.Mint(host.Endpoint.ToString(), "notes:read notes:write", subject: "bob");
        Assert.Equal(["add", "who_am_i"], await ToolNamesAsync(reader));
        Assert.Equal(["add", "save_note", "who_am_i"], await ToolNamesAsync(writer));

        const string save = """{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"save_note","arguments":{"text":"hi"},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientInfo":{"name":"raw-http","version":"1.0"},"io.modelcontextprotocol/clientCapabilities":{}}}}""";
        using HttpResponseMessage denied = await PostAsync(host.Endpoint, save, reader, "save_note");
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        Assert.Equal(
            $"Bearer error=\"insufficient_scope\", scope=\"notes:write\", resource_metadata=\"{host.Origin}/.well-known/oauth-protected-resource/mcp\"",
            Assert.Single(denied.Headers.WwwAuthenticate).ToString());
        using (JsonDocument body = JsonDocument.Parse(await denied.Content.ReadAsStringAsync()))
        {
            Assert.Equal(9, body.RootElement.GetProperty("id").GetInt32());
            Assert.Equal(-32000, body.RootElement.GetProperty("error").GetProperty("code").GetInt32());
            Assert.Contains("scope=\"notes:write\"", body.RootElement.GetProperty("error").GetProperty("message").GetString());
        }

        // The official client with the stepped-up token calls it.
        await using McpClient client = await BearerClientAsync(writer);
        var result = await client.CallToolAsync("save_note", new Dictionary<string, object?> { ["text"] = "hi" });
        Assert.StartsWith("saved 'hi' for bob (", result.SingleText());
    }

    private async Task<string[]> ToolNamesAsync(string token)
    {
        await using McpClient client = await BearerClientAsync(token);
        return [.. (await client.ListToolsAsync()).Select(t => t.Name).Order(StringComparer.Ordinal)];
    }

    private Task<McpClient> BearerClientAsync(string token)
        => McpClient.CreateAsync(new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = host.Endpoint,
            Name = "mcpgen-bearer-tests",
            AdditionalHeaders = new Dictionary<string, string> { ["Authorization"] = "Bearer " + token },
        }, new HttpClient(new SchemaValidatingHandler()), ownsHttpClient: true));

    [Fact]
    public void Startup_fails_with_a_clear_message_when_no_authorization_server_is_listed()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddAuthorization();
        builder.Services.AddMcpServer<NotesServer>();
        builder.Services.AddMcpAuthorization(o => o.BearerMethodsSupported.Add("query"));
        using WebApplication app = builder.Build();
        var error = Assert.Throws<OptionsValidationException>(() => app.MapMcp<NotesServer>("/mcp"));
        Assert.Contains("AuthorizationServers is empty. List at least one authorization server issuer URL", error.Message);
        Assert.Contains("\"query\" is not allowed", error.Message);
    }

    private static async Task<HttpResponseMessage> PostAsync(Uri endpoint, string json, string? token, string name = "who_am_i")
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Accept.ParseAdd("application/json, text/event-stream");
        request.Headers.Add("MCP-Protocol-Version", "2026-07-28");
        request.Headers.Add("Mcp-Method", "tools/call");
        request.Headers.Add("Mcp-Name", name);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        HttpResponseMessage response = await http.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    private static async Task AssertJsonRpcErrorAsync(HttpResponseMessage response, string messageStart)
    {
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using JsonDocument body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        JsonElement root = body.RootElement;
        Assert.Equal(["jsonrpc", "id", "error"], root.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal("2.0", root.GetProperty("jsonrpc").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("id").ValueKind);
        Assert.Equal(-32000, root.GetProperty("error").GetProperty("code").GetInt32());
        Assert.StartsWith(messageStart, root.GetProperty("error").GetProperty("message").GetString());
    }
}
