using System.Net;
using System.Text;
using System.Text.Json;
using McpGen.Runtime.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace McpGen.Runtime.Tests;

/// <summary>
/// Issue 12 section 4: options per server (named after the server), the builder AddMcpServer returns, binding from
/// configuration with a message per bad value, and validation when the application starts.
/// </summary>
public sealed class ServerOptionsTests
{
    private const string ListBody = """{"jsonrpc":"2.0","id":1,"method":"tools/list"}""";

    private static async Task<WebApplication> StartTwoServersAsync(Action<IServiceCollection> configure, IEnumerable<KeyValuePair<string, string?>>? settings = null)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        builder.Services.AddMcpServerCore(o => o.SerializerOptions = TestJsonContext.Default.Options);
        configure(builder.Services);
        WebApplication app = builder.Build();
        app.MapMcp("/a", TestTools.Named("alpha", 5));
        app.MapMcp("/b", TestTools.Named("beta", 5));
        await app.StartAsync();
        return app;
    }

    private static async Task<int> ListedAsync(WebApplication app, string path)
    {
        HttpRequestMessage request = McpTestHost.Post(ListBody, ("MCP-Protocol-Version", "2025-11-25"));
        request.RequestUri = new Uri(path, UriKind.Relative);
        HttpResponseMessage response = await app.GetTestClient().SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        JsonElement result = (await McpTestHost.JsonAsync(response)).GetProperty("result");
        return result.GetProperty("tools").GetArrayLength();
    }

    [Fact]
    public async Task Two_servers_in_one_application_each_get_their_own_options()
    {
        await using WebApplication app = await StartTwoServersAsync(services =>
        {
            services.Configure<McpServerOptions>("alpha", o => o.PageSize = 2);
            services.Configure<McpServerOptions>("beta", o => o.PageSize = 4);
        });

        Assert.Equal(2, await ListedAsync(app, "/a"));
        Assert.Equal(4, await ListedAsync(app, "/b"));
    }

    [Fact]
    public async Task Options_for_every_server_apply_first_and_a_servers_own_options_after()
    {
        await using WebApplication app = await StartTwoServersAsync(services =>
        {
            services.ConfigureAll<McpServerOptions>(o => o.PageSize = 3);
            services.Configure<McpServerOptions>("beta", o => o.PageSize = 1);
        });

        Assert.Equal(3, await ListedAsync(app, "/a"));
        Assert.Equal(1, await ListedAsync(app, "/b"));
    }

    [Fact]
    public async Task A_server_binds_its_options_from_configuration()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Mcp:alpha:PageSize"] = "2",
            ["Mcp:alpha:BodyReadIdleTimeout"] = "7.5",
            ["Mcp:alpha:AllowedOrigins:0"] = "https://a.example",
            ["Mcp:alpha:AllowedOrigins:1"] = "https://b.example",
            ["Mcp:alpha:Sessions:IdleTimeout"] = "00:02:00",
            ["Mcp:alpha:Sessions:SessionlessFallback"] = "true",
            ["Mcp:alpha:Tasks:LeaseDuration"] = "00:00:12",
            ["Mcp:alpha:Tasks:MaxLiveTasksPerPrincipal"] = "7",
        };
        await using WebApplication app = await StartTwoServersAsync(
            services => new McpServerBuilder(services, "alpha").BindConfiguration("Mcp:alpha"), settings);

        McpServerOptions alpha = app.Services.GetRequiredService<IOptionsMonitor<McpServerOptions>>().Get("alpha");
        Assert.Equal(2, alpha.PageSize);
        Assert.Equal(TimeSpan.FromSeconds(7.5), alpha.BodyReadIdleTimeout);
        Assert.Equal(["https://a.example", "https://b.example"], alpha.AllowedOrigins);
        Assert.Equal(TimeSpan.FromMinutes(2), alpha.Sessions.IdleTimeout);
        Assert.True(alpha.Sessions.SessionlessFallback);
        Assert.Equal(TimeSpan.FromSeconds(12), alpha.Tasks.LeaseDuration);
        Assert.Equal(7, alpha.Tasks.MaxLiveTasksPerPrincipal);
        Assert.Equal(TimeSpan.FromHours(1), alpha.Tasks.TimeToLive); // not set: the default
        Assert.Equal(2, await ListedAsync(app, "/a"));
        Assert.Equal(5, await ListedAsync(app, "/b")); // beta keeps the defaults
    }

    [Fact]
    public async Task Bad_values_and_unknown_keys_in_configuration_fail_the_start_naming_each_path()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Mcp:alpha:PageSize"] = "many",
            ["Mcp:alpha:Sessions:IdleTimeout"] = "soon",
            ["Mcp:alpha:MaxJsonDepht"] = "64",
            ["Mcp:alpha:Tasks:Lease"] = "00:00:10",
        };

        InvalidOperationException error = await Assert.ThrowsAsync<InvalidOperationException>(() => StartTwoServersAsync(
            services => new McpServerBuilder(services, "alpha").BindConfiguration("Mcp:alpha"), settings));

        Assert.Contains("Mcp:alpha:PageSize is 'many'; it must be a whole number.", error.Message, StringComparison.Ordinal);
        Assert.Contains("Mcp:alpha:Sessions:IdleTimeout is 'soon'", error.Message, StringComparison.Ordinal);
        Assert.Contains("Mcp:alpha:MaxJsonDepht is not an McpGen option", error.Message, StringComparison.Ordinal);
        Assert.Contains("Mcp:alpha:Tasks:Lease is not an McpGen option", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_value_out_of_range_fails_the_start_and_names_the_server_and_the_range()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddMcpServerCore(o => o.SerializerOptions = TestJsonContext.Default.Options);
        new McpServerBuilder(builder.Services, "alpha").Configure(o => o.MaxBatchSize = 0);
        builder.Services.AddOptions<McpServerOptions>("alpha").ValidateOnStart();
        await using WebApplication app = builder.Build();

        // ValidateOnStart: the host refuses to start even before any endpoint is mapped.
        OptionsValidationException error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains("Server 'alpha'", error.Message, StringComparison.Ordinal);
        Assert.Contains("McpServerOptions.MaxBatchSize is 0; it must be at least 1 (default 64).", error.Message, StringComparison.Ordinal);
    }
}
