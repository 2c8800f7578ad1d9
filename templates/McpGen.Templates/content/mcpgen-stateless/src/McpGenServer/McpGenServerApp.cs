using McpGen;

namespace McpGenServer;

/// <summary>Builds the web application: shared by Program.cs and the tests, which start it on a free port.</summary>
public static class McpGenServerApp
{
    /// <summary>Creates the application with the MCP endpoint at <c>/mcp</c> and a health check at <c>/healthz</c>.</summary>
    public static WebApplication Create(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);

        // Complex tool arguments and results are (de)serialized through the source-generated context: no reflection.
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, AppJson.Default));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddMcpServer<ToolsServer>();

        var app = builder.Build();
        app.MapMcp<ToolsServer>("/mcp");
        app.MapGet("/healthz", static context => context.Response.WriteAsync("ok"));
        return app;
    }
}
