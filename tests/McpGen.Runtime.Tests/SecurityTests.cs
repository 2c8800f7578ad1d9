using System.Net;
using System.Text;
using McpGen.Runtime.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using static McpGen.Runtime.Tests.Infrastructure.McpTestHost;

namespace McpGen.Runtime.Tests;

/// <summary>DNS-rebinding protection: Host and Origin checks (403).</summary>
public sealed class SecurityTests
{
    private const string Initialize = """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"c","version":"1"}}}""";

    [Fact]
    public async Task EvilHost_Gets403()
    {
        await using McpTestHost host = await StartAsync();
        HttpRequestMessage request = Post(Initialize);
        request.Headers.Host = "evil.example.com";

        HttpResponseMessage response = await host.Client.SendAsync(request);

        Assert.Contains("evil.example.com", (await AssertErrorAsync(response, 403, -32000)).GetProperty("message").GetString());
    }

    [Theory]
    [InlineData("http://evil.example.com")]
    [InlineData("null")]
    [InlineData("not an origin")]
    public async Task ForeignOrOpaqueOrigin_Gets403(string origin)
    {
        await using McpTestHost host = await StartAsync();

        HttpResponseMessage response = await host.Client.SendAsync(Post(Initialize, ("Origin", origin)));

        await AssertErrorAsync(response, 403, -32000);
    }

    [Theory]
    [InlineData("http://localhost:6274")]
    [InlineData("http://127.0.0.1:3000")]
    [InlineData("http://[::1]:8080")]
    public async Task LoopbackOrigin_IsAllowedOnALoopbackServer(string origin)
    {
        await using McpTestHost host = await StartAsync();

        await AssertResultAsync(await host.Client.SendAsync(Post(Initialize, ("Origin", origin))));
    }

    [Fact]
    public async Task SecurityChecks_RunBeforeTheMethodCheck()
    {
        await using McpTestHost host = await StartAsync();
        var request = new HttpRequestMessage(HttpMethod.Get, "/mcp");
        request.Headers.TryAddWithoutValidation("Origin", "http://evil.example.com");

        await AssertErrorAsync(await host.Client.SendAsync(request), 403, -32000);
    }

    [Fact]
    public async Task AllowedOrigins_AllowOnlyTheListedOrigins()
    {
        await using McpTestHost host = await StartAsync(configure: o => o.AllowedOrigins.Add("https://app.example.com"));

        await AssertResultAsync(await host.Client.SendAsync(Post(Initialize, ("Origin", "https://app.example.com"))));
        await AssertResultAsync(await host.Client.SendAsync(Post(Initialize, ("Origin", "https://APP.example.com/"))));
        await AssertErrorAsync(await host.Client.SendAsync(Post(Initialize, ("Origin", "http://localhost:3000"))), 403, -32000);
        await AssertErrorAsync(await host.Client.SendAsync(Post(Initialize, ("Origin", "https://app.example.com.evil.io"))), 403, -32000);
    }

    [Fact]
    public async Task AllowedHosts_ReplaceTheLoopbackDefault()
    {
        await using McpTestHost host = await StartAsync(configure: o =>
        {
            o.AllowedHosts.Add("mcp.example.com");
            o.AllowedHosts.Add("*.tenant.example.com");
        });

        foreach (string allowed in new[] { "mcp.example.com", "MCP.example.com:8443", "a.tenant.example.com" })
        {
            HttpRequestMessage request = Post(Initialize);
            request.Headers.Host = allowed;
            await AssertResultAsync(await host.Client.SendAsync(request));
        }

        foreach (string denied in new[] { "localhost", "tenant.example.com", "evil.example.com" })
        {
            HttpRequestMessage request = Post(Initialize);
            request.Headers.Host = denied;
            await AssertErrorAsync(await host.Client.SendAsync(request), 403, -32000);
        }
    }

    [Fact]
    public async Task RealKestrelOnLoopback_RejectsRebindingAndServesItsOwnHost()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddMcpServerCore();
        await using WebApplication app = builder.Build();
        app.MapMcp("/mcp", TestTools.Standard());
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        using var client = new HttpClient { BaseAddress = new Uri(address) };

        HttpRequestMessage evil = Post(Initialize, ("Origin", "http://evil.example.com"));
        evil.Headers.Host = "evil.example.com";
        HttpResponseMessage rejected = await client.SendAsync(evil);
        HttpResponseMessage accepted = await client.SendAsync(Post(Initialize));

        await AssertErrorAsync(rejected, 403, -32000);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal("2025-11-25", (await AssertResultAsync(accepted)).GetProperty("protocolVersion").GetString());

        // A chunked body (the C# client sends no Content-Length) over a real socket.
        HttpRequestMessage chunked = Post(Initialize);
        chunked.Content = new StreamContent(new MemoryStreamWithoutLength(Encoding.UTF8.GetBytes(Initialize)));
        chunked.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        chunked.Headers.TransferEncodingChunked = true;
        await AssertResultAsync(await client.SendAsync(chunked));
    }

    private sealed class MemoryStreamWithoutLength(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
