using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using McpGen;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace McpGen.Runtime.Tests.Infrastructure;

/// <summary>A host serving one definition at /mcp (in memory with TestServer, or on a real Kestrel socket), plus request helpers.</summary>
internal sealed class McpTestHost : IAsyncDisposable
{
    public const string Modern = "2026-07-28";
    public const string Meta = """{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientInfo":{"name":"tests","version":"9.9"},"io.modelcontextprotocol/clientCapabilities":{}}""";

    private readonly WebApplication _app;

    private McpTestHost(WebApplication app, HttpClient client)
    {
        _app = app;
        Client = client;
    }

    public HttpClient Client { get; }

    /// <summary>The application's services.</summary>
    public IServiceProvider Services => _app.Services;

    /// <param name="definition">The server (default: <see cref="TestTools.Standard"/>).</param>
    /// <param name="configure">Configures the McpGen options.</param>
    /// <param name="services">Adds or replaces services (after McpGen's).</param>
    /// <param name="pipeline">Adds middleware before the endpoint (authentication stand-ins, request features).</param>
    /// <param name="kestrel">
    /// Serve on a real Kestrel socket on 127.0.0.1 (a free port) instead of TestServer: client disconnects, dropped
    /// streams and flushes then behave as over the network.
    /// </param>
    public static async Task<McpTestHost> StartAsync(
        McpServerDefinition? definition = null,
        Action<McpServerOptions>? configure = null,
        Action<IServiceCollection>? services = null,
        Action<WebApplication>? pipeline = null,
        bool kestrel = false)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        if (kestrel)
        {
            builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        }
        else
        {
            builder.WebHost.UseTestServer();
        }

        builder.Logging.ClearProviders();
        builder.Services.AddMcpServerCore(o =>
        {
            o.SerializerOptions = TestJsonContext.Default.Options;
            configure?.Invoke(o);
        });
        services?.Invoke(builder.Services);
        WebApplication app = builder.Build();
        pipeline?.Invoke(app);
        app.MapMcp("/mcp", definition ?? TestTools.Standard());
        await app.StartAsync();
        if (!kestrel)
        {
            return new McpTestHost(app, app.GetTestClient());
        }

        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new McpTestHost(app, new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(30) });
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.DisposeAsync();
    }

    /// <summary>A POST with the headers every client sends (Accept both, JSON content type) and any extra headers.</summary>
    public static HttpRequestMessage Post(string body, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/mcp")
        {
            Content = new StringContent(body, Encoding.UTF8),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation("Accept", "application/json, text/event-stream");
        foreach ((string name, string value) in headers)
        {
            request.Headers.Remove(name);
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return request;
    }

    /// <summary>A modern request body: <paramref name="paramsMembers"/> are extra members of params (before _meta).</summary>
    public static string ModernBody(string method, string paramsMembers = "", string id = "1", string meta = Meta)
        => "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":{"
            + (paramsMembers.Length > 0 ? paramsMembers + "," : "") + "\"_meta\":" + meta + "}}";

    /// <summary>A modern request with correct mirrored headers.</summary>
    public Task<HttpResponseMessage> SendModernAsync(string method, string paramsMembers = "", string id = "1", string? name = null)
    {
        var headers = new List<(string, string)> { ("MCP-Protocol-Version", Modern), ("Mcp-Method", method) };
        if (name is not null)
        {
            headers.Add(("Mcp-Name", name));
        }

        return Client.SendAsync(Post(ModernBody(method, paramsMembers, id), [.. headers]));
    }

    /// <summary>A modern tools/call with correct headers.</summary>
    public Task<HttpResponseMessage> CallModernAsync(string tool, string arguments = "{}", string id = "1", string extraMeta = "")
    {
        string meta = extraMeta.Length == 0 ? Meta : Meta[..^1] + "," + extraMeta + "}";
        string body = ModernBody("tools/call", $"\"name\":\"{tool}\",\"arguments\":{arguments}", id, meta);
        return Client.SendAsync(Post(body, ("MCP-Protocol-Version", Modern), ("Mcp-Method", "tools/call"), ("Mcp-Name", tool)));
    }

    /// <summary>A legacy request (no _meta), optionally with an MCP-Protocol-Version header.</summary>
    public Task<HttpResponseMessage> SendLegacyAsync(string method, string? paramsJson = null, string id = "1", string? protocolVersion = "2025-11-25")
    {
        string body = paramsJson is null
            ? $$"""{"jsonrpc":"2.0","id":{{id}},"method":"{{method}}"}"""
            : $$"""{"jsonrpc":"2.0","id":{{id}},"method":"{{method}}","params":{{paramsJson}}}""";
        return Client.SendAsync(protocolVersion is null ? Post(body) : Post(body, ("MCP-Protocol-Version", protocolVersion)));
    }

    /// <summary>Reads a JSON response body (asserting its content type).</summary>
    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        string text = await response.Content.ReadAsStringAsync();
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Asserts an error response: status, JSON-RPC code, and the id echoed (raw JSON text, "null" when absent).</summary>
    public static async Task<JsonElement> AssertErrorAsync(HttpResponseMessage response, int status, int code, string id = "null")
    {
        Assert.Equal(status, (int)response.StatusCode);
        JsonElement json = await JsonAsync(response);
        Assert.Equal("2.0", json.GetProperty("jsonrpc").GetString());
        Assert.Equal(id, json.GetProperty("id").GetRawText());
        Assert.False(json.TryGetProperty("result", out _));
        JsonElement error = json.GetProperty("error");
        Assert.Equal(code, error.GetProperty("code").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()));
        AssertNoSession(response);
        return error;
    }

    /// <summary>Asserts a 200 JSON result response with the id echoed, and returns the result.</summary>
    public static async Task<JsonElement> AssertResultAsync(HttpResponseMessage response, string id = "1")
    {
        Assert.Equal(200, (int)response.StatusCode);
        JsonElement json = await JsonAsync(response);
        Assert.Equal("2.0", json.GetProperty("jsonrpc").GetString());
        Assert.Equal(id, json.GetProperty("id").GetRawText());
        Assert.False(json.TryGetProperty("error", out _), json.GetRawText());
        AssertNoSession(response);
        return json.GetProperty("result");
    }

    public static void AssertNoSession(HttpResponseMessage response)
        => Assert.False(response.Headers.Contains("Mcp-Session-Id"), "A stateless endpoint must never issue Mcp-Session-Id.");

    /// <summary>Parses an SSE body into (event, data) pairs.</summary>
    public static List<(string Event, string Data)> ParseSse(string body)
    {
        var events = new List<(string, string)>();
        foreach (string block in body.Replace("\r\n", "\n").Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            string name = "message";
            var data = new StringBuilder();
            foreach (string line in block.Split('\n'))
            {
                if (line.StartsWith("event:", StringComparison.Ordinal))
                {
                    name = line[6..].Trim();
                }
                else if (line.StartsWith("data:", StringComparison.Ordinal))
                {
                    data.Append(line[5..].TrimStart());
                }
            }

            events.Add((name, data.ToString()));
        }

        return events;
    }
}
