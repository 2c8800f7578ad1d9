using McpGen;

namespace QuickStart;

/// <summary>The sample's service registrations, shared by Program.cs and the integration tests.</summary>
public static class QuickStartServices
{
    /// <summary>Registers the QuickStart MCP server and what its tools need.</summary>
    public static IServiceCollection AddQuickStart(this IServiceCollection services)
    {
        // Complex tool arguments and results go through this source-generated context: no reflection at run time.
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, QuickStartJson.Default));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<IForecasts, SeasonalForecasts>();
        services.AddMcpServer<QuickStartServer>();
        return services;
    }
}
