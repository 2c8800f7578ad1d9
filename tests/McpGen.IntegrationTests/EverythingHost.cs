using Everything;
using Microsoft.AspNetCore.Builder;

namespace McpGen.IntegrationTests;

/// <summary>
/// The stateless Everything (conformance fixture) server on a real Kestrel bound to 127.0.0.1 on a free port, wired
/// exactly as the sample wires itself, shared by a test class.
/// </summary>
public class EverythingHost : IAsyncLifetime
{
    private WebApplication? _app;

    /// <summary>The session mode served (<see cref="EverythingSetup.IsKnownMode"/>).</summary>
    protected virtual string Mode => "stateless";

    public Uri Endpoint { get; private set; } = null!;

    public async Task InitializeAsync()
        => (_app, Endpoint) = await KestrelHost.StartAsync(
            services => services.AddEverything(Mode),
            app => app.MapEverything(Mode));

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}

/// <summary>The sticky-session Everything server on a real Kestrel, shared by a test class.</summary>
public sealed class StickyEverythingHost : EverythingHost
{
    protected override string Mode => "sticky";
}
