using McpGen;
using QuickStart;

var builder = WebApplication.CreateSlimBuilder(args);
builder.Services.AddQuickStart();

var app = builder.Build();
app.MapMcp<QuickStartServer>("/mcp");
app.MapGet("/healthz", static context => context.Response.WriteAsync("ok"));
app.Run();
