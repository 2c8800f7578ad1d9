using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using static McpGen.Tests.GeneratorHarness;

namespace McpGen.Tests;

/// <summary>The generated McpServerDefinition.Requirements, and MapMcp refusing a server whose requirements are not met.</summary>
public sealed class RequirementTests
{
    private const string Source = """
        #pragma warning disable CS1591, CS9113 // A test source: no docs, unread constructor parameters.
        using System;
        using System.Collections.Generic;
        using System.IO;
        using System.Threading.Tasks;
        using McpGen;
        using Microsoft.AspNetCore.Mvc;
        using Microsoft.Extensions.DependencyInjection;

        namespace Needs;

        public interface IForecasts { }
        public interface IClock { }
        public sealed record Plan(string City, int Days);

        [McpServer]
        public partial class NeedsServer(IForecasts forecasts, IServiceProvider services, IClock? optional = null)
        {
            [McpTool]
            public List<Plan> Plan(List<string> cities, Plan? template, [FromKeyedServices("fast")] IClock clock, IForecasts? maybe) => [];

            [McpPrompt]
            public string Review(string topic, IClock clock, [FromServices] Stream archive) => topic;

            [McpTool]
            public static string Upload(Stream body) => "";

            [McpTool]
            public static string Steps(IProgress<int> steps) => "";
        }
        """;

    private static readonly Lazy<Assembly> s_assembly = new(() => Load(RunClean(Source)));

    private static McpServerDefinition Needs => Definition(s_assembly.Value, "Needs.NeedsServer");

    private static Type T(string name) => s_assembly.Value.GetType(name, throwOnError: true)!;

    [Fact]
    public void Required_services_and_JSON_types_are_listed_and_optional_ones_are_not()
    {
        Assert.Equal(
            [
                (McpHandlerKind.Server, "NeedsServer", "forecasts", "IForecasts", T("Needs.IForecasts"), McpRequirementKind.Service, (object?)null),
                (McpHandlerKind.Server, "NeedsServer", "services", "IServiceProvider", typeof(IServiceProvider), McpRequirementKind.Service, null),
                (McpHandlerKind.Tool, "plan", "cities", "List<string>", typeof(List<string>), McpRequirementKind.Json, null),
                (McpHandlerKind.Tool, "plan", "template", "Plan", T("Needs.Plan"), McpRequirementKind.Json, null),
                (McpHandlerKind.Tool, "plan", "clock", "IClock", T("Needs.IClock"), McpRequirementKind.KeyedService, "fast"),
                (McpHandlerKind.Tool, "plan", null, "List<Plan>", typeof(List<>).MakeGenericType(T("Needs.Plan")), McpRequirementKind.Json, null),
                (McpHandlerKind.Prompt, "review", "clock", "IClock", T("Needs.IClock"), McpRequirementKind.Service, null),
                (McpHandlerKind.Prompt, "review", "archive", "Stream", typeof(Stream), McpRequirementKind.Service, null),
            ],
            Needs.Requirements.Select(r => (r.HandlerKind, r.HandlerName, r.ParameterName, r.TypeName, r.Type, r.Kind, r.ServiceKey)));
    }

    [Fact]
    public void Handlers_with_a_parameter_that_is_not_a_service_by_convention_are_left_out()
        => Assert.Equal(["plan"], Needs.Tools.Select(t => t.Name));

    [Fact]
    public async Task MapMcp_fails_at_startup_naming_what_the_generated_handlers_miss()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddMcpServerCore();
        builder.Services.AddSingleton(T("Needs.IForecasts"), _ => null!);
        await using WebApplication app = builder.Build();
        var error = Assert.Throws<InvalidOperationException>(() => app.MapMcp("/mcp", Needs));
        Assert.StartsWith("MCP server 'NeedsServer' cannot be mapped: 3 requirements of its handlers are not met", error.Message, StringComparison.Ordinal);
        Assert.Contains("- tool 'plan', parameter 'clock' (IClock): no service of type IClock with key \"fast\" is registered", error.Message, StringComparison.Ordinal);
        Assert.Contains("- prompt 'review', parameter 'clock' (IClock): no service of type IClock is registered", error.Message, StringComparison.Ordinal);
        Assert.Contains("- prompt 'review', parameter 'archive' (Stream): no service of type Stream is registered", error.Message, StringComparison.Ordinal);
    }
}
