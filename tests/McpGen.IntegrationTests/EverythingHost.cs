using Everything;
using Microsoft.AspNetCore.Builder;

namespace McpGen.IntegrationTests;

/// <summary>
/// The stateless Everything (conformance fixture) server on a real Kestrel bound to 127.0.0.1 on a free port, wired
/// exactly as the sample wires itself, shared by a test class.
/// </summary>
public sealed class EverythingHost : IAsyncLifetime
{
    private WebApplication? _app;

    public Uri Endpoint { get; private set; } = null!;

    public async Task InitializeAsync()
        => (_app, Endpoint) = await KestrelHost.StartAsync(
            services => services.AddEverything("stateless"),
            app => app.MapEverything("stateless"));

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
