using McpGen;

namespace McpGenServer;

/// <summary>Builds the web application: shared by Program.cs and the tests, which start it on a free port.</summary>
public static class McpGenServerApp
{
    /// <summary>
    /// Creates the application with the MCP endpoint at <c>/mcp</c> and a health check at <c>/healthz</c>. Sessions live
    /// in PostgreSQL when the connection string <c>ConnectionStrings:McpGen</c> is set (appsettings.json, or the
    /// environment variable <c>ConnectionStrings__McpGen</c>); without it, in this process's memory (one replica only).
    /// </summary>
    public static WebApplication Create(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);

        // Complex tool arguments and results are (de)serialized through the source-generated context: no reflection.
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, AppJson.Default));
        builder.Services.AddSingleton(TimeProvider.System);
        McpServerBuilder mcp = builder.Services.AddMcpServer<ToolsServer>();

        string? connectionString = builder.Configuration.GetConnectionString("McpGen");
        if (!string.IsNullOrEmpty(connectionString))
        {
            // Tables are created on first use; McpGen:Schema picks the PostgreSQL schema (default "mcpgen").
            string? schema = builder.Configuration["McpGen:Schema"];
            mcp.WithPostgreSqlStore(connectionString, options =>
            {
                if (!string.IsNullOrEmpty(schema))
                {
                    options.SchemaName = schema;
                }
            });
        }

        var app = builder.Build();
        if (string.IsNullOrEmpty(connectionString))
        {
            app.Logger.LogWarning("No ConnectionStrings:McpGen: sessions are kept in this process's memory, so only one replica can serve them. Set it to a PostgreSQL connection string to share sessions across replicas.");
        }

        app.MapMcp<ToolsServer>("/mcp");
        app.MapGet("/healthz", static context => context.Response.WriteAsync("ok"));
        return app;
    }
}
