using System.Collections.Immutable;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;

namespace McpGen.Testing;

/// <summary>
/// The references of every Roslyn harness test (analyzer, code fix, generator), resolved with no download: the
/// net10.0 and ASP.NET Core reference assemblies from the targeting packs on disk (the ones the test assembly itself
/// was compiled against, recorded by OfflineReferences.targets), plus McpGen.Runtime (attributes and runtime API).
/// </summary>
/// <remarks>
/// <see cref="ReferenceAssemblies"/> names no package, so the testing library has nothing to fetch; its NuGet
/// settings point at a config whose only source is unreachable and whose packages folder is an empty temporary
/// directory, so a download attempt would fail loudly instead of reaching nuget.org or reading the user's cache.
/// </remarks>
internal static class OfflineReferences
{
    /// <summary>The key of the [AssemblyMetadata] entries OfflineReferences.targets writes, one per targeting pack.</summary>
    public const string PackMetadataKey = "McpGenReferencePack";

    /// <summary>The reference pack directories the test assembly was compiled against.</summary>
    public static readonly ImmutableArray<string> PackDirectories = typeof(OfflineReferences).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Where(a => a.Key == PackMetadataKey && !string.IsNullOrEmpty(a.Value))
        .Select(a => a.Value!)
        .Order(StringComparer.Ordinal)
        .ToImmutableArray();

    /// <summary>The folder the testing library would extract packages into: it stays empty.</summary>
    public static readonly string PackagesFolder = Path.Combine(Path.GetTempPath(), "mcpgen-roslyn-tests-" + Environment.ProcessId, "packages");

    /// <summary>Every reference of a test compilation: the reference packs' assemblies and McpGen.Runtime.</summary>
    public static readonly ImmutableArray<MetadataReference> All = CreateReferences();

    /// <summary>A reference set with no package to resolve, and NuGet settings that cannot download.</summary>
    public static readonly ReferenceAssemblies Assemblies = new ReferenceAssemblies("net10.0")
        .WithNuGetConfigFilePath(WriteUnreachableNuGetConfig());

    private static ImmutableArray<MetadataReference> CreateReferences()
    {
        if (PackDirectories.Length < 2)
        {
            throw new InvalidOperationException(
                "The test assembly records no reference packs (expected Microsoft.NETCore.App.Ref and Microsoft.AspNetCore.App.Ref): " +
                "import tests/Shared/OfflineReferences.targets in the test project and rebuild it.");
        }

        return PackDirectories
            .SelectMany(directory => Directory.EnumerateFiles(directory, "*.dll"))
            .Order(StringComparer.Ordinal)
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .Append(MetadataReference.CreateFromFile(typeof(McpServerAttribute).Assembly.Location))
            .ToImmutableArray();
    }

    private static string WriteUnreachableNuGetConfig()
    {
        Directory.CreateDirectory(PackagesFolder);
        string path = Path.Combine(Path.GetDirectoryName(PackagesFolder)!, "nuget.config");
        File.WriteAllText(path, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config>
                <add key="globalPackagesFolder" value="{PackagesFolder}" />
              </config>
              <packageSources>
                <clear />
                <add key="unreachable" value="http://127.0.0.1:9/v3/index.json" />
              </packageSources>
            </configuration>
            """);
        return path;
    }
}
