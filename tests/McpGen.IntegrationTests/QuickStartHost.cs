using Microsoft.AspNetCore.Builder;
using QuickStart;

namespace McpGen.IntegrationTests;

/// <summary>The QuickStart server on a real Kestrel, bound to 127.0.0.1 on a free port, shared by a test class.</summary>
public sealed class QuickStartHost : IAsyncLifetime
{
    private WebApplication? _app;

    public Uri Endpoint { get; private set; } = null!;

    public async Task InitializeAsync()
        => (_app, Endpoint) = await KestrelHost.StartAsync(
            services => services.AddQuickStart(),
            app => app.MapMcp<QuickStartServer>("/mcp"));

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
