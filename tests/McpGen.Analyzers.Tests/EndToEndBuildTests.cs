using System.Diagnostics;
using System.Text;

namespace McpGen.Analyzers.Tests;

/// <summary>
/// Builds a real Web project with <c>dotnet build</c>, the analyzers loaded the way a consumer loads them, and checks
/// that the push rule fails the build at the offending line and that Session = Store makes it pass.
/// </summary>
public sealed class EndToEndBuildTests
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task Stateless_tool_calling_a_session_api_fails_the_build_at_the_call_and_Store_fixes_it()
    {
        string root = RepoRoot();
        string directory = Path.Combine(Path.GetTempPath(), "mcpgen-e2e-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            File.WriteAllText(Path.Combine(directory, "E2e.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk.Web">
                  <PropertyGroup>
                    <TargetFramework>net10.0</TargetFramework>
                    <Nullable>enable</Nullable>
                    <ImplicitUsings>enable</ImplicitUsings>
                    <OutputType>Library</OutputType>
                  </PropertyGroup>
                  <ItemGroup>
                    <ProjectReference Include="{Path.Combine(root, "src", "McpGen.Runtime", "McpGen.Runtime.csproj")}" />
                    <ProjectReference Include="{Path.Combine(root, "src", "McpGen.Analyzers", "McpGen.Analyzers.csproj")}" OutputItemType="Analyzer" ReferenceOutputAssembly="false" />
                  </ItemGroup>
                </Project>
                """);
            File.WriteAllText(Path.Combine(directory, "Sampling.cs"), """
                using McpGen;

                namespace E2e;

                public static class Sampling
                {
                    /// <summary>Stands in for a push API of the runtime.</summary>
                    [RequiresMcpSession("sampling")]
                    public static Task<string> AskModelAsync(string prompt) => Task.FromResult(prompt);
                }
                """);
            string serverPath = Path.Combine(directory, "Server.cs");
            string server = """
                using McpGen;

                namespace E2e;

                [McpServer]
                public partial class Server
                {
                    /// <summary>Summarizes a text with the client's model.</summary>
                    [McpTool]
                    public Task<string> Summarize(string text)
                        => Sampling.AskModelAsync(text);
                }
                """;
            File.WriteAllText(serverPath, server);

            ProcessResult failed = await BuildAsync(directory);
            string expectedLocation = $"{serverPath}(11,12): error MCPG0013: Tool 'Summarize' needs an MCP session for sampling";
            Assert.True(failed.ExitCode != 0, failed.Output);
            Assert.Contains(expectedLocation, failed.Output, StringComparison.Ordinal);

            File.WriteAllText(serverPath, server.Replace("[McpServer]", "[McpServer(Session = McpSessionMode.Store)]", StringComparison.Ordinal));
            ProcessResult passed = await BuildAsync(directory);
            Assert.True(passed.ExitCode == 0, passed.Output);
            Assert.Contains(" 0 Error(s)", passed.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("MCPG", passed.Output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private sealed record ProcessResult(int ExitCode, string Output);

    private static async Task<ProcessResult> BuildAsync(string directory)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[] { "build", "-nodeReuse:false", "-p:UseSharedCompilation=false", "-v:minimal" })
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        info.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";

        using Process process = Process.Start(info) ?? throw new InvalidOperationException("Could not start dotnet");
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(BuildTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet build did not finish within {BuildTimeout}:\n{output}");
        }

        process.WaitForExit();
        return new ProcessResult(process.ExitCode, output.ToString());
    }

    private static string RepoRoot()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "McpGen.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("McpGen.sln not found above " + AppContext.BaseDirectory);
    }
}
