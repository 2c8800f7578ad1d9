using McpGen.Runtime.Tests.Infrastructure;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;

namespace McpGen.Runtime.Tests;

/// <summary>MapMcp checks McpServerDefinition.Requirements before serving and fails with one message naming every problem.</summary>
public sealed class StartupValidationTests
{
    public interface IForecasts;

    public interface IClock;

    public sealed class Forecasts : IForecasts;

    public sealed class Clock : IClock;

    private static McpServerDefinition Server(params McpHandlerRequirement[] requirements)
        => new TestServerDefinition("weather", "1.0.0", []) { Requirements = requirements };

    private static McpHandlerRequirement[] All =>
    [
        new(McpHandlerKind.Server, "WeatherServer", "forecasts", "IForecasts", typeof(IForecasts), McpRequirementKind.Service),
        new(McpHandlerKind.Tool, "get_forecast", "clock", "IClock", typeof(IClock), McpRequirementKind.KeyedService, "fast"),
        new(McpHandlerKind.Tool, "get_forecast", "cities", "List<string>", typeof(List<string>), McpRequirementKind.Json),
        new(McpHandlerKind.Tool, "get_forecast", null, "Dictionary<string, SumResult>", typeof(Dictionary<string, SumResult>), McpRequirementKind.Json),
        new(McpHandlerKind.Prompt, "review", "other", "IForecasts", typeof(IForecasts), McpRequirementKind.Service),
        new(McpHandlerKind.Tool, "sum", null, "SumResult", typeof(SumResult), McpRequirementKind.Json),
    ];

    [Fact]
    public async Task Every_missing_service_keyed_service_argument_and_result_type_is_named_in_one_message()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => McpTestHost.StartAsync(Server(All)));
        Assert.Equal(
            "MCP server 'weather' cannot be mapped: 5 requirements of its handlers are not met (checked at MapMcp so that no call fails later).\n"
            + "- constructor of server class WeatherServer, parameter 'forecasts' (IForecasts): no service of type IForecasts is registered; register one (for example builder.Services.AddScoped<IForecasts, ...>()), or make the parameter optional (nullable, or with a default of null).\n"
            + "- tool 'get_forecast', parameter 'clock' (IClock): no service of type IClock with key \"fast\" is registered; register one (for example builder.Services.AddKeyedScoped<IClock, ...>(\"fast\")), or make the parameter optional.\n"
            + "- tool 'get_forecast', parameter 'cities' (List<string>): the JSON options of the endpoint have no type information for List<string>; add [JsonSerializable(typeof(List<string>))] to your JsonSerializerContext and register the context, in the TypeInfoResolverChain of McpServerOptions.SerializerOptions (which replace the HTTP JSON options for McpGen).\n"
            + "- tool 'get_forecast', result (Dictionary<string, SumResult>): the JSON options of the endpoint have no type information for Dictionary<string, SumResult>; add [JsonSerializable(typeof(Dictionary<string, SumResult>))] to your JsonSerializerContext and register the context, in the TypeInfoResolverChain of McpServerOptions.SerializerOptions (which replace the HTTP JSON options for McpGen).\n"
            + "- prompt 'review', parameter 'other' (IForecasts): no service of type IForecasts is registered; register one (for example builder.Services.AddScoped<IForecasts, ...>()), or make the parameter optional (nullable, or with a default of null).",
            error.Message);
    }

    [Fact]
    public async Task A_registered_service_under_another_key_does_not_count()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => McpTestHost.StartAsync(
            Server(All[1]),
            services: s => s.AddKeyedSingleton<IClock, Clock>("slow").AddSingleton<IClock, Clock>()));
        Assert.Contains("tool 'get_forecast', parameter 'clock' (IClock): no service of type IClock with key \"fast\" is registered", error.Message, StringComparison.Ordinal);
        Assert.StartsWith("MCP server 'weather' cannot be mapped: 1 requirement of its handlers is not met", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_HTTP_JSON_options_are_checked_when_McpGen_has_no_options_of_its_own()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => McpTestHost.StartAsync(
            Server(All[2], All[5]),
            configure: o => o.SerializerOptions = null,
            services: s => s.Configure<JsonOptions>(o => o.SerializerOptions.TypeInfoResolver = TestJsonContext.Default)));
        Assert.Equal(
            "MCP server 'weather' cannot be mapped: 1 requirement of its handlers is not met (checked at MapMcp so that no call fails later).\n"
            + "- tool 'get_forecast', parameter 'cities' (List<string>): the JSON options of the endpoint have no type information for List<string>; add [JsonSerializable(typeof(List<string>))] to your JsonSerializerContext and register the context, for example builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, AppJsonContext.Default)).",
            error.Message);
    }

    [Fact]
    public async Task Starts_when_every_requirement_is_met()
    {
        await using McpTestHost host = await McpTestHost.StartAsync(
            Server(All),
            configure: o => o.SerializerOptions = new System.Text.Json.JsonSerializerOptions
            {
                TypeInfoResolver = System.Text.Json.Serialization.Metadata.JsonTypeInfoResolver.Combine(TestJsonContext.Default, StartupJsonContext.Default),
            },
            services: s => s.AddScoped<IForecasts, Forecasts>().AddKeyedSingleton<IClock, Clock>("fast"));
        using HttpResponseMessage response = await host.Client.SendAsync(McpTestHost.Post(
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"server/discover\",\"params\":{\"_meta\":" + McpTestHost.Meta + "}}",
            ("MCP-Protocol-Version", McpTestHost.Modern), ("Mcp-Method", "server/discover")));
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData(typeof(List<string>), "List<string>")]
    [InlineData(typeof(Dictionary<string, SumResult>), "Dictionary<string, SumResult>")]
    [InlineData(typeof(SumResult[]), "SumResult[]")]
    [InlineData(typeof(int[,]), "int[,]")]
    [InlineData(typeof(int?), "int?")]
    [InlineData(typeof(List<KeyValuePair<string, double?>>), "List<KeyValuePair<string, double?>>")]
    [InlineData(typeof((int, string)), "(int, string)")]
    [InlineData(typeof(Outer<int>.Inner<string>), "StartupValidationTests.Outer<int>.Inner<string>")]
    public void Type_names_in_messages_are_written_as_in_CSharp(Type type, string expected)
        => Assert.Equal(expected, McpJson.TypeDisplayName(type));

    [Fact]
    public void The_call_time_message_names_the_CSharp_type_to_register()
    {
        var error = Assert.Throws<InvalidOperationException>(() => McpJson.GetTypeInfo<List<string>>(TestJsonContext.Default.Options));
        Assert.Contains("Add [JsonSerializable(typeof(List<string>))]", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("List`1", error.Message, StringComparison.Ordinal);
    }

    public sealed class Outer<T>
    {
        public sealed class Inner<TInner>;
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(List<string>))]
[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, SumResult>))]
internal sealed partial class StartupJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
