using QuickStart;

// samples/QuickStart on the official C# SDK: the same tools, the same services, served statelessly on /mcp.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<IForecasts, SeasonalForecasts>();
builder.Services.AddMcpServer(o => o.ServerInfo = new() { Name = "official-sdk-quickstart", Version = "1.0.0" })
    .WithHttpTransport(o => o.Stateless = true)
    .WithTools<QuickStartTools>();

var app = builder.Build();
app.MapMcp("/mcp");
app.MapGet("/healthz", static context => context.Response.WriteAsync("ok"));
app.Run();
