using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using McpGen.Testing;
using Microsoft.CodeAnalysis;

namespace McpGen.Analyzers.Tests;

/// <summary>The harness tests resolve their references from disk: no package is named, no source is reachable.</summary>
public sealed class OfflineReferencesTests
{
    [Fact]
    public void References_are_the_reference_assemblies_of_the_targeting_packs_the_tests_were_built_with()
    {
        Assert.Equal(2, OfflineReferences.PackDirectories.Length);
        Assert.Contains(OfflineReferences.PackDirectories, d => d.Replace('\\', '/').Contains("/packs/Microsoft.NETCore.App.Ref/", StringComparison.Ordinal));
        Assert.Contains(OfflineReferences.PackDirectories, d => d.Replace('\\', '/').Contains("/packs/Microsoft.AspNetCore.App.Ref/", StringComparison.Ordinal));

        var paths = OfflineReferences.All.OfType<PortableExecutableReference>().Select(r => r.FilePath!).ToList();
        Assert.Equal(paths.Count, OfflineReferences.All.Length);
        string runtime = Assert.Single(paths, p => Path.GetFileName(p) == "System.Runtime.dll");
        Assert.True(IsReferenceAssembly(runtime), $"{runtime} is not a reference assembly.");
        Assert.True(IsReferenceAssembly(Assert.Single(paths, p => Path.GetFileName(p) == "Microsoft.AspNetCore.Http.Abstractions.dll")));
        Assert.Single(paths, p => Path.GetFileName(p) == "McpGen.Runtime.dll");

        // Nothing from the test's own dependencies (xunit, Roslyn, NuGet) leaks into the compilations under test.
        Assert.DoesNotContain(paths, p => Path.GetFileName(p).StartsWith("xunit", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(paths, p => Path.GetFileName(p).StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_reference_set_names_no_package_and_its_nuget_settings_reach_nothing()
    {
        Assert.Null(OfflineReferences.Assemblies.ReferenceAssemblyPackage);
        Assert.Empty(OfflineReferences.Assemblies.Packages);
        string config = File.ReadAllText(OfflineReferences.Assemblies.NuGetConfigFilePath!);
        Assert.Contains("<clear />", config, StringComparison.Ordinal);
        Assert.Contains("http://127.0.0.1:9/", config, StringComparison.Ordinal);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var resolved = await OfflineReferences.Assemblies.ResolveAsync(LanguageNames.CSharp, timeout.Token);
        Assert.Empty(resolved);
        Assert.Empty(Directory.EnumerateFileSystemEntries(OfflineReferences.PackagesFolder));
    }

    [Fact]
    public async Task An_analyzer_test_over_framework_aspnetcore_and_McpGen_types_compiles_and_downloads_nothing()
    {
        await McpAnalyzerVerifier<ServerDeclarationAnalyzer>.VerifyAsync("""
            using System.Collections.Generic;
            using System.Threading.Tasks;
            using McpGen;
            using Microsoft.AspNetCore.Http;

            [McpServer]
            public class {|MCPG0001:Server|}
            {
                [McpTool]
                public static Task<List<string>> Headers(HttpContext http) => Task.FromResult(new List<string>(http.Request.Headers.Keys));
            }
            """);
        Assert.Empty(Directory.EnumerateFileSystemEntries(OfflineReferences.PackagesFolder));
    }

    private static bool IsReferenceAssembly(string path)
    {
        using var stream = File.OpenRead(path);
        using var pe = new PEReader(stream);
        MetadataReader metadata = pe.GetMetadataReader();
        return metadata.GetAssemblyDefinition().GetCustomAttributes()
            .Select(handle => AttributeTypeName(metadata, metadata.GetCustomAttribute(handle).Constructor))
            .Contains("ReferenceAssemblyAttribute");
    }

    private static string? AttributeTypeName(MetadataReader metadata, EntityHandle constructor) => constructor.Kind switch
    {
        // Declared in the assembly itself (System.Runtime defines the attribute) or referenced from another one.
        HandleKind.MethodDefinition => metadata.GetString(metadata.GetTypeDefinition(metadata.GetMethodDefinition((MethodDefinitionHandle)constructor).GetDeclaringType()).Name),
        HandleKind.MemberReference when metadata.GetMemberReference((MemberReferenceHandle)constructor).Parent is { Kind: HandleKind.TypeReference } parent
            => metadata.GetString(metadata.GetTypeReference((TypeReferenceHandle)parent).Name),
        _ => null,
    };
}
