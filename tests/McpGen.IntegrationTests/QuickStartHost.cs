using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using QuickStart;

namespace McpGen.IntegrationTests;

/// <summary>The QuickStart server on a real Kestrel, bound to 127.0.0.1 on a free port, shared by a test class.</summary>
public sealed class QuickStartHost : IAsyncLifetime
{
    private WebApplication? _app;

    public Uri Endpoint { get; private set; } = null!;

    public Uri BaseAddress { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddQuickStart();
        _app = builder.Build();
        _app.MapMcp<QuickStartServer>("/mcp");
        await _app.StartAsync();
        string address = _app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        BaseAddress = new Uri(address);
        Endpoint = new Uri(BaseAddress, "/mcp");
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
