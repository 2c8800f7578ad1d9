namespace McpGen.Redis.Tests.Infrastructure;

/// <summary>Paths inside the repository, found from the test assembly's location.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string RedisScript => Path.Combine(Root, "scripts", "services", "redis.sh");

    private static string FindRoot()
    {
        string? dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "McpGen.sln")))
        {
            dir = Path.GetDirectoryName(dir);
        }

        return dir ?? throw new InvalidOperationException("McpGen.sln not found above " + AppContext.BaseDirectory);
    }
}
