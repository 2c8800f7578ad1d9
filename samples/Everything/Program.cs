// The conformance fixture server. Usage:
//   dotnet run --project samples/Everything -- --mode stateless|sticky|store [--urls http://127.0.0.1:5100]
// Serves MCP at /mcp and answers GET /healthz with "ok". Binds to 127.0.0.1:5100 unless --urls says otherwise.
using Everything;

var builder = WebApplication.CreateSlimBuilder(args);
string mode = (builder.Configuration["mode"] ?? "stateless").Trim().ToLowerInvariant();
if (!EverythingSetup.IsKnownMode(mode))
{
    Console.Error.WriteLine($"Unknown --mode '{mode}': use stateless, sticky or store.");
    return 2;
}

if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
{
    builder.WebHost.UseUrls("http://127.0.0.1:5100");
}

builder.Services.AddEverything(mode);

var app = builder.Build();
app.MapEverything(mode);
app.MapGet("/healthz", static context => context.Response.WriteAsync("ok"));
app.Logger.LogInformation("Everything conformance server: mode {Mode}, MCP endpoint /mcp", mode);
app.Run();
return 0;
