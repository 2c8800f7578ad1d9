using McpGen;

namespace Everything;

/// <summary>The sample's wiring per session mode, shared by Program.cs and the integration tests.</summary>
public static class EverythingSetup
{
    /// <summary>The modes <c>--mode</c> accepts.</summary>
    public static bool IsKnownMode(string mode) => mode is "stateless" or "sticky" or "store";

    /// <summary>Registers the Everything server of <paramref name="mode"/> and its JSON contract.</summary>
    public static IServiceCollection AddEverything(this IServiceCollection services, string mode)
    {
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, EverythingJson.Default));
        return mode switch
        {
            "sticky" => services.AddMcpServer<StickyEverythingServer>().Services,
            "store" => services.AddMcpServer<StoreEverythingServer>().Services,
            _ => services.AddMcpServer<StatelessEverythingServer>().Services,
        };
    }

    /// <summary>Maps the Everything server of <paramref name="mode"/> at <paramref name="pattern"/>.</summary>
    public static IEndpointConventionBuilder MapEverything(this IEndpointRouteBuilder endpoints, string mode, string pattern = "/mcp")
        => mode switch
        {
            "sticky" => endpoints.MapMcp<StickyEverythingServer>(pattern),
            "store" => endpoints.MapMcp<StoreEverythingServer>(pattern),
            _ => endpoints.MapMcp<StatelessEverythingServer>(pattern),
        };
}
