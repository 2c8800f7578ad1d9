namespace McpGen.IntegrationTests;

/// <summary>Paths inside the repository, found from the test assembly's location.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string TsClientDir => Path.Combine(Root, "tests", "clients", "ts");

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
