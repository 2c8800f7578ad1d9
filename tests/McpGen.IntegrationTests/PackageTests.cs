using System.Diagnostics;
using System.IO.Compression;
using System.Xml.Linq;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpGen.IntegrationTests;

using CallToolResult = ModelContextProtocol.Protocol.CallToolResult;

/// <summary>
/// The one package users install: packed from the repository, consumed by a fresh project outside the solution
/// through a local folder feed, built with warnings as errors, run, and called.
/// </summary>
public sealed class PackageTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("mcpgen-package-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(_work, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task Fresh_project_builds_runs_and_serves_a_tool_from_the_package()
    {
        string version = "0.0.0-test." + DateTime.UtcNow.ToString("yyyyMMddHHmmss") + "." + Environment.ProcessId;
        string feed = Directory.CreateDirectory(Path.Combine(_work, "feed")).FullName;
        TimeSpan limit = TimeSpan.FromMinutes(4);

        ProcessRunner.Result pack = await ProcessRunner.RunAsync(
            "dotnet",
            ["pack", Path.Combine(RepoPaths.Root, "src", "McpGen.Runtime", "McpGen.Runtime.csproj"), "-c", BuildInfo.Configuration, "--no-build", "-o", feed, $"-p:PackageVersion={version}"],
            RepoPaths.Root,
            limit);
        Assert.True(pack.ExitCode == 0, pack.Describe());

        string nupkg = Path.Combine(feed, $"McpGen.{version}.nupkg");
        AssertPackageLayout(nupkg);

        string app = Directory.CreateDirectory(Path.Combine(_work, "app")).FullName;
        WriteConsumerProject(app, feed, version);
        var isolated = new Dictionary<string, string> { ["NUGET_PACKAGES"] = Path.Combine(_work, "packages") };

        ProcessRunner.Result build = await ProcessRunner.RunAsync("dotnet", ["build", "-c", "Release", "-warnaserror"], app, limit, isolated);
        Assert.True(build.ExitCode == 0, build.Describe());
        Assert.Contains("0 Warning(s)", build.StdOut);

        int port = ProcessRunner.FreeLoopbackPort();
        using Process server = ProcessRunner.Start("dotnet", [Path.Combine(app, "bin", "Release", "net10.0", "Consumer.dll"), "--urls", $"http://127.0.0.1:{port}"], app);
        try
        {
            await ProcessRunner.WaitForHealthyAsync(new Uri($"http://127.0.0.1:{port}/healthz"), server, TimeSpan.FromSeconds(60));
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await using McpClient client = await CSharpClient.ConnectAsync(new Uri($"http://127.0.0.1:{port}/mcp"), "2026-07-28", cts.Token);

            IList<McpClientTool> tools = await client.ListToolsAsync(cancellationToken: cts.Token);
            CallToolResult sum = await client.CallToolAsync("add", new Dictionary<string, object?> { ["a"] = 2, ["b"] = 40 }, cancellationToken: cts.Token);

            McpClientTool add = Assert.Single(tools);
            Assert.Equal("Adds two integers.", add.Description);
            Assert.Equal("42", sum.SingleText());
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
        }

        // The analyzers travel in the same package: a push-needing tool on a stateless server fails the build.
        File.WriteAllText(Path.Combine(app, "PushServer.cs"), """
            using McpGen;

            [McpServer]
            public partial class PushServer
            {
                [McpTool]
                public static string Ask() => Notify();

                [RequiresMcpSession("sampling")]
                private static string Notify() => "sent";
            }
            """);
        ProcessRunner.Result broken = await ProcessRunner.RunAsync("dotnet", ["build", "-c", "Release", "--no-restore"], app, limit, isolated);
        Assert.True(broken.ExitCode != 0, broken.Describe());
        Assert.Matches(@"PushServer\.cs\(7,\d+\): error MCPG0013", broken.StdOut);
    }

    [Fact]
    public async Task Both_packages_pack_without_warnings_and_carry_readme_license_and_repository_metadata()
    {
        string version = "0.0.0-meta." + Environment.ProcessId;
        string feed = Directory.CreateDirectory(Path.Combine(_work, "meta-feed")).FullName;
        foreach (string project in new[] { "McpGen.Runtime", "McpGen.PostgreSql", "McpGen.Redis" })
        {
            ProcessRunner.Result pack = await ProcessRunner.RunAsync(
                "dotnet",
                ["pack", Path.Combine(RepoPaths.Root, "src", project, project + ".csproj"), "-c", BuildInfo.Configuration, "--no-build", "-o", feed, $"-p:PackageVersion={version}"],
                RepoPaths.Root,
                TimeSpan.FromMinutes(4));
            Assert.True(pack.ExitCode == 0, pack.Describe());
            Assert.DoesNotContain(" warning ", pack.StdOut + pack.StdErr, StringComparison.OrdinalIgnoreCase);
        }

        foreach (string id in new[] { "McpGen", "McpGen.PostgreSql", "McpGen.Redis" })
        {
            using ZipArchive zip = ZipFile.OpenRead(Path.Combine(feed, $"{id}.{version}.nupkg"));
            XDocument nuspec;
            using (Stream stream = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open())
            {
                nuspec = XDocument.Load(stream);
            }

            XNamespace ns = nuspec.Root!.GetDefaultNamespace();
            XElement metadata = nuspec.Root.Element(ns + "metadata")!;
            string readme = metadata.Element(ns + "readme")?.Value ?? "";
            Assert.True(readme.Length > 0, $"{id}: no readme");
            Assert.Contains(zip.Entries, e => e.FullName == readme);
            Assert.False(string.IsNullOrWhiteSpace(metadata.Element(ns + "description")?.Value), $"{id}: no description");
            Assert.Contains("mcp", metadata.Element(ns + "tags")?.Value ?? "", StringComparison.Ordinal);
            Assert.Equal("MIT", metadata.Element(ns + "license")?.Value);
            XElement repository = metadata.Element(ns + "repository") ?? throw new Xunit.Sdk.XunitException($"{id}: no repository");
            Assert.StartsWith("https://", repository.Attribute("url")?.Value ?? "", StringComparison.Ordinal);
            Assert.Equal("git", repository.Attribute("type")?.Value);

            if (id is "McpGen.PostgreSql" or "McpGen.Redis")
            {
                // The McpGen dependency keeps its analyzers: installing only the store package still brings the generator.
                XElement dependency = nuspec.Descendants(ns + "dependency").Single(d => d.Attribute("id")!.Value == "McpGen");
                Assert.DoesNotContain("Analyzers", dependency.Attribute("exclude")?.Value ?? "", StringComparison.Ordinal);
            }
        }
    }

    private static void AssertPackageLayout(string nupkg)
    {
        using ZipArchive zip = ZipFile.OpenRead(nupkg);
        string[] entries = zip.Entries.Select(e => e.FullName).ToArray();
        Assert.Contains("lib/net10.0/McpGen.Runtime.dll", entries);
        Assert.Contains("analyzers/dotnet/cs/McpGen.dll", entries);
        Assert.Contains("analyzers/dotnet/cs/McpGen.Analyzers.dll", entries);
        Assert.Contains("analyzers/dotnet/cs/McpGen.CodeFixes.dll", entries);

        ZipArchiveEntry nuspecEntry = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
        using Stream stream = nuspecEntry.Open();
        XDocument nuspec = XDocument.Load(stream);
        XNamespace ns = nuspec.Root!.GetDefaultNamespace();
        Assert.Equal("McpGen", nuspec.Root.Element(ns + "metadata")!.Element(ns + "id")!.Value);
        string[] dependencies = nuspec.Descendants(ns + "dependency").Select(d => d.Attribute("id")!.Value).ToArray();
        Assert.DoesNotContain(dependencies, d => d.StartsWith("McpGen", StringComparison.Ordinal));
    }

    private static void WriteConsumerProject(string dir, string feed, string version)
    {
        File.WriteAllText(Path.Combine(dir, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk.Web">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="McpGen" Version="{version}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(dir, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="mcpgen-local" value="{feed}" />
              </packageSources>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(dir, "Program.cs"), """
            using System.ComponentModel;
            using McpGen;

            var builder = WebApplication.CreateSlimBuilder(args);
            builder.Services.AddMcpServer<CalculatorServer>();
            var app = builder.Build();
            app.MapMcp<CalculatorServer>("/mcp");
            app.MapGet("/healthz", static context => context.Response.WriteAsync("ok"));
            app.Run();

            [McpServer]
            public partial class CalculatorServer
            {
                [McpTool, Description("Adds two integers.")]
                public static int Add(int a, int b) => a + b;
            }
            """);
    }
}
